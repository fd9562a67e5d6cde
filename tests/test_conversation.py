"""Follow-up questions read with the turns before them: each kind, on articles written for
these tests (Sony and Volvo, not the seed article), with the real model and a real index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.update.build import update_index
from qa.answer import Answer
from qa.config import QAConfig
from qa.conversation.ask import ask
from qa.conversation.history import Conversation, Turn
from qa.engine import Engine
from tests.conftest import make_corpus

ARTICLES = Path(__file__).parent / "data" / "conversation"
SONY, VOLVO = "sony-sensor-bet", "volvo-truck-orders"


@pytest.fixture(scope="module")
def two_cfg(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> IndexConfig:
    root = tmp_path_factory.mktemp("conversation")
    cfg = IndexConfig(corpus_dir=make_corpus(root / "corpus", *sorted(ARTICLES.glob("*.md"))),
                      index_dir=root / "index")
    update_index(cfg, embedder=embedder)
    return cfg


@pytest.fixture(scope="module")
def two(two_cfg: IndexConfig, embedder: Embedder) -> Engine:
    return Engine(two_cfg, QAConfig(), embedder)


def talk(engine: Engine, *questions: str) -> list[Answer]:
    conv = Conversation()
    return [ask(engine, conv, q) for q in questions]


def quoted(answer: Answer, words: str) -> bool:
    return not answer.abstained and any(words in q.text for q in answer.quotes[:3])


def values(answer: Answer) -> list[tuple[float, str]]:
    return [(round(f.value / 1e9, 3), f.unit) for f in answer.figures]


def test_figure_over_the_previous_answer_then_ellipsis_in_dollars(two: Engine) -> None:
    first, per_year, dollars = talk(two, "How much did Sony pledge to invest in image sensors?",
                                    "How much is that per year?", "And in dollars?")
    assert quoted(first, "1.8 trillion yen ($12 billion) over three years")
    assert per_year.resolved_question == "How much did Sony pledge to invest in image sensors per year?"
    assert (600.0, "JPY") in values(per_year)
    assert dollars.resolved_question.endswith("per year in dollars?")
    assert values(dollars)[0] == (4.0, "USD")
    assert "1.8 trillion yen ($12 billion)" in dollars.figures[0].inputs[0].quote or any(
        "$12 billion" in i.quote for i in dollars.figures[0].inputs)


def test_a_year_earlier_reads_it_as_the_subject(two: Engine) -> None:
    _, earlier = talk(two, "What was the operating profit of Sony's sensor unit?", "What was it a year earlier?")
    assert earlier.resolved_question == "What was the operating profit of Sony's sensor unit a year earlier?"
    assert (120.0, "JPY") in values(earlier)  # nearly doubled to 240 billion yen: about half


def test_what_about_another_company_and_one_the_articles_do_not_cover(two: Engine) -> None:
    sony, nintendo, microsoft = talk(two, "How many consoles did Sony sell in the quarter?",
                                     "What about Nintendo?", "And Microsoft's?")
    assert quoted(sony, "6.1 million")
    assert nintendo.resolved_question == "How many consoles did Nintendo sell in the quarter?"
    assert quoted(nintendo, "4.2 million Switch consoles")
    assert microsoft.resolved_question == "How many consoles did Microsoft sell in the quarter?"
    assert microsoft.abstained and not microsoft.quotes and not microsoft.figures


def test_another_unit_takes_the_place_of_the_one_with_the_same_head(two: Engine) -> None:
    _, games = talk(two, "How much of group revenue does the sensor unit contribute?", "And the games unit?")
    assert games.resolved_question == "How much of group revenue does the games unit contribute?"
    assert quoted(games, "the games unit contributes a third of revenue")


def test_he_is_the_person_asked_about_and_stays_on_the_call(two: Engine) -> None:
    _, said, forecast = talk(two, "Who is Hiroki Totoki?", "What did he say on the earnings call?",
                             "Did he give a forecast?")
    assert said.resolved_question == "What did Hiroki Totoki say on the earnings call?"
    assert quoted(said, "demand from smartphone makers had recovered")
    assert forecast.resolved_question == "Did Hiroki Totoki give a forecast on the earnings call?"


def test_the_company_and_the_article_in_focus(two: Engine) -> None:
    """Both articles have a chief executive on an earnings call: the follow-up is read in
    the article of the last answer."""
    trucks, said = talk(two, "How many trucks did Volvo deliver in the third quarter?",
                        "What did the company's chief executive say on the earnings call?")
    assert quoted(trucks, "51,000 trucks")
    assert said.resolved_question == "What did Volvo's chief executive say on the earnings call?"
    assert said.quotes[0].article_id == VOLVO
    assert quoted(said, "order books in North America had stabilised")


def test_a_new_topic_is_answered_exactly_as_alone(two: Engine) -> None:
    question = "How many consoles did Sony sell in the quarter?"
    *_, new_topic = talk(two, "How many trucks did Volvo deliver in the third quarter?",
                         "What does the company expect?", question)
    alone = two.ask(question)
    assert new_topic.resolved_question == question
    assert new_topic.model_dump() == alone.model_dump()


def test_a_first_question_is_answered_as_alone(two: Engine) -> None:
    [first] = talk(two, "How much of group revenue does the sensor unit contribute?")
    assert first.model_dump() == two.ask("How much of group revenue does the sensor unit contribute?").model_dump()


def test_two_people_for_one_he_asks_back(two: Engine) -> None:
    conv = Conversation()
    ask(two, conv, "Did Hiroki Totoki meet Martin Lundstedt?")
    back = ask(two, conv, "What did he say?")
    assert back.abstained and not back.quotes and not back.figures
    assert "Hiroki Totoki" in back.answer and "Martin Lundstedt" in back.answer and back.answer.endswith(".")
    assert len(conv.turns) == 1  # the question back is no turn: the next question leans on the same one
    named = "What did Martin Lundstedt say about North America?"
    assert ask(two, conv, named).model_dump() == two.ask(named).model_dump()


class CountingEmbedder(Embedder):
    """The real model, counting the texts it encodes."""

    def __init__(self, inner: Embedder) -> None:  # no super(): reuses the loaded model
        self.inner, self.name, self.model, self.dim = inner, inner.name, inner.model, inner.dim
        self.texts = 0

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts, batch_size, progress)


def test_a_follow_up_costs_one_embedding_more_than_its_reading_asked_alone(two_cfg: IndexConfig,
                                                                            embedder: Embedder) -> None:
    """Reading needs no model call; finding the conversation's article costs one text: a
    follow-up encodes what its reading alone encodes (the question, and the clauses a
    figure compares it with) and at most one text more."""
    for first, follow in (("How much did Sony pledge to invest in image sensors?", "How much is that per year?"),
                          ("Who is Hiroki Totoki?", "What did he say on the earnings call?")):
        in_conversation, alone = CountingEmbedder(embedder), CountingEmbedder(embedder)
        conv = Conversation()
        talking = Engine(two_cfg, QAConfig(), in_conversation)
        ask(talking, conv, first)
        before = in_conversation.texts
        follow_up = ask(talking, conv, follow)
        assert follow_up.resolved_question != follow
        Engine(two_cfg, QAConfig(), alone).ask(follow_up.resolved_question)
        assert alone.texts <= in_conversation.texts - before <= alone.texts + 1


def test_conversation_is_bounded_forgets_when_idle_and_round_trips() -> None:
    conv = Conversation(max_turns=2, idle_seconds=60)
    for n in range(3):
        conv.add(Turn(f"q{n}", f"r{n}", article_id=SONY), now=100.0 + n)
    assert [t.question for t in conv.turns] == ["q1", "q2"]
    again = Conversation.from_dict(conv.to_dict(), max_turns=2, idle_seconds=60)
    assert again.turns == conv.turns and again.updated == conv.updated and again.focus() == SONY
    assert not again.expire(now=150.0) and again.turns
    assert again.expire(now=200.0) and not again.turns and again.focus() is None
    assert Conversation.from_dict({"turns": [{"nonsense": 1}]}).turns == []
    assert Conversation.from_dict("garbage").turns == []


def test_an_idle_conversation_reads_the_next_question_alone(two: Engine) -> None:
    conv = Conversation(idle_seconds=60)
    ask(two, conv, "How much did Sony pledge to invest in image sensors?", now=1000.0)
    later = ask(two, conv, "How much is that per year?", now=2000.0)
    assert later.resolved_question == later.question and not later.figures


@pytest.mark.parametrize(("turns", "question", "reading"), [
    # "it" never stands for a person: back past "the chief executive" to the company.
    ([("How many jobs will Northbank cut?", "Northbank will cut 3,000 jobs."),
      ("What did the chief executive say?", "Chief executive Sarah Onslow said the cuts were needed.")],
     "How many people does it employ?", "How many people does Northbank employ?"),
    # "Why?" after a "how many" question keeps what was counted, as the verb's object.
    ([("How many jobs will Northbank cut?", "Northbank will cut 3,000 jobs.")],
     "Why?", "Why will Northbank cut jobs?"),
    # "it" of a change is the measure asked before, with whose it is, not the company.
    ([("How much did Northbank make in 2024?", "Northbank made a profit of £2.1bn in 2024."),
      ("How much did Northbank make a year earlier?", "It made £1.6bn in 2023.")],
     "So by how much did it grow?", "By how much did Northbank's profit grow?"),
    ([("How many customers did Northbank add?", "Northbank added 40,000 customers.")],
     "And by how much did that rise?", "By how much did Northbank's customers rise?"),
    ([("What was Northbank's net debt in June?", "Net debt fell to £4bn in June.")],
     "Why did it fall?", "Why did Northbank's net debt fall?"),
    # "How many did it have?" counts what the last "how many" counted.
    ([("How many customers did Northbank add?", "Northbank added 40,000 customers, taking its total to 1.2m.")],
     "How many did it have before?", "How many customers did Northbank have before the change?"),
    # "that" after a question asking an amount is that amount; "Why?" keeps the measure.
    ([("What pre-tax profit did Northbank report for 2024?", "Northbank reported a pre-tax profit of £3bn.")],
     "How much is that in dollars?", "What pre-tax profit did Northbank report for 2024 in dollars?"),
    ([("What pre-tax profit did Northbank report for 2024?", "Northbank reported a pre-tax profit of £3bn.")],
     "Why?", "Why did Northbank report for 2024 pre-tax profit?"),
    # "that" is the amount the last question asked, even one asked with "And ...".
    ([("How much will Northbank's branch closures save?", "The closures will save £90m a year."),
      ("And what will the restructuring cost?", "The restructuring will cost £250m.")],
     "How much is that in dollars?", "What will the restructuring cost in dollars?"),
    # "that" after "What NOUN has X set?" is X's NOUN, not X.
    # "its" in "What about its ...?" is the company's; "that" then is the new measure.
    ([("What was Northbank's net debt in June?", "Net debt fell to £4bn in June."),
      ("By how much did Northbank's net debt fall?", "Net debt fell to £4bn from £5bn.")],
     "What about its mortgage customers?", "What was Northbank's mortgage customers?"),
    ([("What was Northbank's net debt in June?", "Net debt fell to £4bn in June."),
      ("What was Northbank's mortgage customers?", "Mortgage customers rose to 2.1 million.")],
     "So by how much did that grow?", "By how much did Northbank's mortgage customers grow?"),
    # "it" as the doer ("will it spend", "the branches it sold") is the company, not the measure.
    ([("How much did Northbank make in 2024?", "Northbank made a profit of £2.1bn in 2024.")],
     "How much will it spend on branches?", "How much will Northbank spend on branches?"),
    # "How fast is that growing?": "growing" is the verb, "that" the measure asked before.
    ([("How many customers did Northbank add?", "Northbank added 40,000 customers.")],
     "How fast is that growing?", "How fast is Northbank's customers growing?"),
    # "How long will that last?": "last" is the verb; "that" the amount asked of someone.
    ([("How much cash does Northbank Air have?", "Northbank Air has £900m in cash.")],
     "How long will that last?", "How long will Northbank Air's cash last?"),
    ([("What savings target has Northbank set?", "Northbank aims to save £400m by 2027.")],
     "How much higher is that than last year's savings?",
     "How much higher is Northbank's savings target than last year's savings?"),
])
def test_reading_a_reference(turns: list[tuple[str, str]], question: str, reading: str) -> None:
    from qa.conversation.resolve import resolve

    history = [Turn(q, q, article_id="northbank", lead=lead) for q, lead in turns]
    assert resolve(question, history).resolved == reading
