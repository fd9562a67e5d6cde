# ruff: noqa: E501  (the articles are written one paragraph a line)
"""Declining what the articles don't say: a period, a year or a company they never
report on, "What did X say?" where nobody is quoted; and answering the same questions
where the articles do say. Real model, real index on disk."""

from __future__ import annotations

import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.update.build import update_index
from qa.compose import lead_text
from qa.config import QAConfig
from qa.engine import Engine
from qa.lead.verdict import CHECKS, Evidence, failed_checks

# A quarter's results only: no full-year figure, no year named, nobody quoted.
HALVERSON = """---
title: Halverson Steel's quarterly profit slips
author: Dana Whitfield
date: 2026-05-06
---
Halverson Steel, the Pittsburgh-based steelmaker, reported net income of $412 million for the three months to March, down from $530 million a year earlier. Revenue in the quarter fell 8% to $3.9 billion as prices for hot-rolled coil weakened.

The company shipped 2.1 million tons of steel in the quarter. Its order book for the second quarter is about 10% smaller than last year's, according to figures it released with the results.

Halverson plans to close a blast furnace in Gary, Indiana, by the end of the summer. The closure will affect about 900 workers.
"""

# A full year, a year named, a chief executive quoted.
MARLOWE = """---
title: Marlowe Pharma lifts its dividend after a record year
author: Priya Natarajan
date: 2026-02-20
---
Marlowe Pharma earned a record £1.8 billion in the full year to December 2025, up from £1.5 billion in 2024. Annual revenue rose 11% to £9.6 billion, driven by its diabetes drugs.

Chief executive Tomas Lindqvist said the company would raise its dividend by 15%. "We have never had a stronger pipeline, and shareholders should share in that," he told analysts on a call.

The company expects to spend £2.3 billion on research this year.
"""


@pytest.fixture(scope="module")
def verdict_engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    root = tmp_path_factory.mktemp("verdict")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "halverson.md").write_text(HALVERSON, encoding="utf-8")
    (corpus / "marlowe.md").write_text(MARLOWE, encoding="utf-8")
    cfg = IndexConfig(corpus_dir=corpus, index_dir=root / "index")
    update_index(cfg, embedder=embedder)
    return Engine(cfg, QAConfig(), embedder)


def _failed(engine: Engine, question: str) -> list[str]:
    _hits, reading = engine.read(question)
    state = engine._state
    return failed_checks(Evidence(question, reading, state.retriever.lexical, state.snapshot.articles))


# Each question with the checks it may fail: a lead from the other article (Marlowe
# reports an annual revenue and quotes its chief executive) fails "owner" instead.
@pytest.mark.parametrize(("question", "checks"), [
    ("What was Halverson Steel's full-year net income?", {"period"}),
    ("What was Halverson's annual revenue?", {"period", "owner"}),
    ("How much did Halverson Steel earn in the first half?", {"period"}),
    ("What was Halverson Steel's net income in 2023?", {"year"}),
    ("What did Halverson's chief executive say about the closure?", {"said", "owner"}),
    ("What was Tenaris's net income in the quarter?", {"owner"}),
    ("What is Tomas Lindqvist paid?", {"amount"}),
    ("What interest rate does Halverson pay on its debt?", {"rate"}),
    ("How many tons of steel did Nucor ship in the quarter?", {"named", "owner"}),
])
def test_a_question_the_articles_do_not_answer_fails_its_check(verdict_engine: Engine, question: str,
                                                                checks: set[str]) -> None:
    assert checks & set(_failed(verdict_engine, question))
    answer = verdict_engine.ask(question)
    assert answer.abstained, answer.answer
    assert answer.answer.startswith("The articles don't say")


@pytest.mark.parametrize(("question", "gold"), [
    ("What was Halverson Steel's quarterly net income?", "$412 million"),
    ("What was Marlowe Pharma's full-year profit?", "£1.8 billion"),
    ("What was Marlowe's annual revenue?", "£9.6 billion"),
    ("How much did Marlowe earn in 2024?", "£1.5 billion"),
    ("What did Marlowe's chief executive say about the dividend?", "raise its dividend"),
    ("How many workers will Halverson's furnace closure affect?", "900 workers"),
    ("How much will Marlowe spend on research?", "£2.3 billion"),
    ("What did Tomas Lindqvist say?", "raise its dividend"),
    ("By what rate will Marlowe raise its dividend?", "15%"),
])
def test_the_same_kinds_of_question_are_answered_where_the_articles_say(verdict_engine: Engine, question: str,
                                                                        gold: str) -> None:
    assert _failed(verdict_engine, question) == []
    answer = verdict_engine.ask(question)
    assert not answer.abstained, answer.answer
    assert gold in lead_text(answer.quotes[0])


def test_declining_says_why_the_closest_passage_does_not_answer(verdict_engine: Engine) -> None:
    answer = verdict_engine.ask("What was Halverson Steel's full-year net income?")
    assert answer.abstained and answer.closest is not None
    assert answer.answer == ("The articles don't say what Halverson Steel's full-year net income was. "
                             "The closest passage does not answer: it reports another period.")
    assert "three months to March" in answer.closest.text


def test_what_a_named_person_said_is_answered_however_far_the_vectors(verdict_engine: Engine) -> None:
    """A bare name sits far from its passage in the embedding; the lead quoting that person
    answers "What did X say?" all the same."""
    answer = verdict_engine.ask("What did Dana Whitfield say?")  # the author: quoted nowhere
    assert answer.abstained
    answer = verdict_engine.ask("What did Lindqvist say?")
    assert not answer.abstained and "Lindqvist" in lead_text(answer.quotes[0])


def test_every_check_fails_without_a_lead(verdict_engine: Engine) -> None:
    from qa.lead.reading import Reading

    state = verdict_engine._state
    e = Evidence("What was the revenue?", Reading(), state.retriever.lexical, state.snapshot.articles)
    assert failed_checks(e) == list(CHECKS)
