# ruff: noqa: E501  (the articles are written one paragraph a line)
"""The lead sentence: the one that answers, verbatim, marked inside its passage; and
"the articles don't say" when no sentence answers. Real model, real index on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.update.build import update_index
from qa.compose import lead_text, what_was_asked
from qa.config import QAConfig
from qa.engine import Engine
from qa.lead.kinds import asked_kind, holds
from qa.lead.sentences import ArticleSentences

NORDWIND = """---
title: Nordwind Air cuts routes as fuel costs bite
author: Maria Keller
date: 2026-03-02
---
Nordwind Air, the Hamburg-based carrier, said on Monday it would cut 14 routes from its summer schedule. The airline blamed the rising cost of jet fuel, which has climbed for six straight months.

Chief executive Lena Vogt told reporters that the cuts were painful but necessary. "We cannot fly half-empty planes at today's prices," she said. The company employs 4,200 people and carried 9.1 million passengers last year.

Analysts at Hauck Research expect the carrier to return to profit in 2027. Its shares fell 6% in Frankfurt trading after the announcement.
"""

TIDEWATER = """---
title: Tidewater Foods opens a plant in Ohio
author: James Okafor
date: 2026-02-11
---
Tidewater Foods opened a frozen-meals plant in Dayton, Ohio, on Tuesday. The plant cost $310 million and will employ 650 workers when it runs at full speed.

The company chose Dayton because of its rail links and a state tax credit worth $22 million. Production starts in April, with the first meals reaching shops in May.
"""


# Known limit: the lead scorer, fitted on SQuAD and TAT-QA where "why" questions are rare,
# prefers the sentence restating the question's words to the one giving the reason.
WHY_LIMIT = pytest.mark.xfail(strict=True, reason="reason questions lead with the restating sentence")


@pytest.fixture(scope="module")
def lead_engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    root = tmp_path_factory.mktemp("lead")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "nordwind.md").write_text(NORDWIND, encoding="utf-8")
    (corpus / "tidewater.md").write_text(TIDEWATER, encoding="utf-8")
    cfg = IndexConfig(corpus_dir=corpus, index_dir=root / "index")
    update_index(cfg, embedder=embedder)
    return Engine(cfg, QAConfig(), embedder)


def _lead(engine: Engine, question: str) -> str:
    answer = engine.ask(question)
    assert not answer.abstained, question
    q = answer.quotes[0]
    text = engine.snapshot.articles[q.article_id].text
    assert text[q.start:q.end] == q.text
    assert q.start <= q.lead_start < q.lead_end <= q.end
    assert text[q.lead_start:q.lead_end] == lead_text(q)
    assert answer.answer.startswith(lead_text(q))
    return lead_text(q)


@pytest.mark.parametrize(("question", "expected"), [
    ("Who is the chief executive of Nordwind Air?", "Lena Vogt"),
    pytest.param("Why did Nordwind Air cut routes?", "jet fuel", marks=WHY_LIMIT),
    ("How many people does Nordwind employ?", "4,200"),
    ("How much did the Tidewater plant cost?", "$310 million"),
    ("Why did Tidewater choose Dayton?", "rail links"),
    ("When does production start at the Dayton plant?", "April"),
    ("What do analysts expect for Nordwind?", "return to profit"),
])
def test_the_lead_is_the_sentence_that_answers(lead_engine: Engine, question: str, expected: str) -> None:
    lead = _lead(lead_engine, question)
    assert expected in lead
    assert len(lead) <= 320


def test_a_statement_question_leads_with_what_was_said(lead_engine: Engine) -> None:
    lead = _lead(lead_engine, "What did Lena Vogt say about the cuts?")
    assert "painful but necessary" in lead or "half-empty planes" in lead


@pytest.mark.parametrize("question", [
    "Who won the football World Cup in 2022?",
    "What is the capital of Peru?",
])
def test_questions_off_every_article_are_declined(lead_engine: Engine, question: str) -> None:
    answer = lead_engine.ask(question)
    assert answer.abstained and not answer.quotes and not answer.figures
    assert answer.answer.startswith("The articles don't say ")


def test_a_declined_question_says_what_was_asked() -> None:
    assert what_was_asked("What is Nordwind's share price?") == "what Nordwind's share price is"
    assert what_was_asked("How much revenue did Tidewater report?") == "how much revenue Tidewater reported"
    assert what_was_asked("Who won the cup?") == "who won the cup"
    assert what_was_asked("Which business is Tidewater getting rid of?") == "which business Tidewater is getting rid of"
    assert what_was_asked("What is the main selling point?") == "what the main selling point is"


def test_sentences_are_read_off_the_windows(lead_engine: Engine) -> None:
    snap = lead_engine.snapshot
    sentences = ArticleSentences(snap.chunks, snap.articles)
    text = snap.articles["nordwind"].text
    for c in snap.chunks.values():
        if c.article_id != "nordwind":
            continue
        parts = sentences.in_span(c.article_id, c.start, c.end)
        assert parts and parts[0].start == c.start and parts[-1].end == c.end
        for s in parts:
            assert text[s.start:s.end] == s.text and s.text.strip() == s.text
    quoted = sentences.in_span("nordwind", 0, len(text))
    assert any(s.text.startswith('"We cannot fly') for s in quoted)


@pytest.mark.parametrize(("question", "kind"), [
    ("Why did the airline cut routes?", "reason"), ("When does production start?", "time"),
    ("Who runs Nordwind?", "name"), ("How much did the plant cost?", "money"),
    ("What did Lena Vogt say?", "statement"), ("By what percentage did shares fall?", "percent"),
    ("How many workers will the plant employ?", "number"), ("What is involution?", "definition"),
])
def test_answer_kinds(question: str, kind: str) -> None:
    assert asked_kind(question) == kind


def test_a_sentence_holds_the_kind_asked() -> None:
    assert holds("money", "How much did it cost?", "The plant cost $310 million.")
    assert not holds("money", "How much did it cost?", "The plant opened on Tuesday.")
    assert holds("reason", "Why?", "The airline blamed fuel because prices rose.")


def test_lead_marks_survive_the_json_contract(lead_engine: Engine, tmp_path: Path) -> None:
    answer = lead_engine.ask("How much did the Tidewater plant cost?")
    row = answer.model_dump()
    q = row["quotes"][0]
    assert q["start"] <= q["lead_start"] < q["lead_end"] <= q["end"]
    assert row["resolved_question"] == row["question"]


@pytest.mark.parametrize(("question", "asked"), [
    ("How many people does the chief executive employ?", "how many people the chief executive employs"),
    ("How much will the Gujarat factory cost in dollars?", "how much the Gujarat factory will cost in dollars"),
    ("By how much did Sunreach's shipments grow?", "by how much Sunreach's shipments grew"),
    ("How much does Alibaba plan to invest?", "how much Alibaba plans to invest"),
    ("What was Alibaba's full-year net income?", "what Alibaba's full-year net income was"),
    # No verb it knows: quoted as asked, never restated wrongly.
    ("What has Tencent spent on AI?", "“What has Tencent spent on AI”"),
])
def test_what_was_asked_moves_the_auxiliary_only_past_a_known_verb(question: str, asked: str) -> None:
    assert what_was_asked(question) == asked


@pytest.mark.parametrize(("question", "asked"), [
    ("What is Sarah Onslow paid?", "what Sarah Onslow is paid"),
    ("What is Alibaba worth?", "what Alibaba is worth"),
    ("What was the plant used for?", "what the plant was used for"),
    ("Where was the company founded?", "where the company was founded"),
])
def test_what_was_asked_keeps_a_participle_after_the_copula(question: str, asked: str) -> None:
    assert what_was_asked(question) == asked


def test_a_sentence_naming_the_subject_asked_leads_when_nearly_as_likely() -> None:
    from types import SimpleNamespace

    import numpy as np

    from qa.lead.reading import _subject_first

    def cand(text: str) -> SimpleNamespace:
        return SimpleNamespace(sentence=SimpleNamespace(text=text))

    cands = [cand('"Italy has missed every deficit target it has set itself," said Luca Bertoni.'),
             cand("Finance minister Giorgio Lanfranchi said the deficit would fall to 2.7% of GDP.")]
    question = "What deficit target has Giorgio Lanfranchi set?"
    assert list(_subject_first(question, cands, np.array([0.44, 0.41]), np.array([0, 1]))) == [1, 0]
    assert list(_subject_first(question, cands, np.array([0.44, 0.20]), np.array([0, 1]))) == [0, 1]  # far less likely
    assert list(_subject_first("What deficit target was set?", cands, np.array([0.44, 0.41]),
                               np.array([0, 1]))) == [0, 1]  # no name asked


def test_a_place_and_a_count_of_the_thing_asked() -> None:
    """ "Where ...?" is held by a place named after a preposition or a region, not by a firm an
    analyst works at; "How many X ...?" by a number before X (or a word for it nearby)."""
    from qa.lead.kinds import states_count, states_place

    assert states_place("Where is Halden basing its jets?", "22 of the aircraft will be based in Norway.")
    assert states_place("Where are the stores?", "Most of the stores are in the Midwest and north-east.")
    assert not states_place("Where is Halden basing its jets?", "said Ola Berg, an analyst at Nordbanken.")
    assert not states_place("Where did they meet in Oslo?", "They met in Oslo in December.")
    assert states_count("How many new platforms will it open?", "We will bring three more platforms into use.")
    assert not states_count("How many new platforms will it open?", "Output rose 8.7% to 1.74 million barrels.")
