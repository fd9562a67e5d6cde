"""Years elapsed between two dates or two events, on the real extractor and the real model.

The passage was written for these tests. A figure must take both years from the
article's own words (each input quoting the sentence that states it) and give none
when a year is missing, a sentence states several years, or the order contradicts
the question.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.embedder import Embedder
from index.quantities.extract import extract_quantities
from qa.answer import Figure
from qa.figures.compute import compute_figures, describe_figure
from qa.figures.year_intent import parse_years
from qa.figures.years import years_in

Embed = Callable[[list[str]], np.ndarray]

HISTORY = (
    "In 1312, the river town of Arnholm was founded by 40 fishing families. "
    "The stone bridge over the Velde was completed in 1347 at a cost of 900 florins. "
    "A fire destroyed 300 houses in the lower town in 1398. "
    "The guild hall, with its 12 towers, was built from 1420 to 1436. "
    "Arnholm sent 1500 men to the siege of Korvel, which lasted 2 months in 1451 and again "
    "in 1463. "
    "About 8,000 people lived in Arnholm by 1500."
)


@pytest.fixture(scope="module")
def embed(embedder: Embedder) -> Embed:
    """The packaged all-MiniLM-L6-v2 the whole test session shares."""
    return lambda texts: embedder.encode(list(texts))


def _figures(question: str, embed: Embed, text: str = HISTORY) -> list[Figure]:
    quantities = [("history", q) for q in extract_quantities(text)]
    return compute_figures(question, quantities, embed)


def _stated(text: str, year: str) -> int:
    """The value of a year as the passage writes it (never a constant in the test)."""
    assert year in text
    return int(year)


def _check_inputs(f: Figure, text: str = HISTORY) -> None:
    for i in f.inputs:
        assert i.start is not None and i.end is not None
        assert text[i.start:i.end] == i.quote
        assert str(int(i.value)) in i.quote
    assert describe_figure(f)


def test_two_named_years_later_minus_earlier(embed: Embed) -> None:
    figs = _figures("How many years passed between 1312 and 1398?", embed)
    assert len(figs) == 1
    f = figs[0]
    assert f.value == _stated(HISTORY, "1398") - _stated(HISTORY, "1312")
    assert f.unit == "years"
    assert "1398 - 1312" in f.formula
    _check_inputs(f)


def test_named_year_missing_from_the_article_gives_nothing(embed: Embed) -> None:
    assert _figures("How many years passed between 1312 and 1399?", embed) == []


@pytest.mark.parametrize(("question", "later", "earlier"), [
    ("How many years after Arnholm was founded was the stone bridge over the Velde completed?",
     "1347", "1312"),
    # the event first, then "how many years after"
    ("The fire destroyed houses in the lower town how many years after the stone bridge over "
     "the Velde was completed?", "1398", "1347"),
])
def test_years_after_an_event(question: str, later: str, earlier: str, embed: Embed) -> None:
    figs = _figures(question, embed)
    assert len(figs) == 1
    assert figs[0].value == _stated(HISTORY, later) - _stated(HISTORY, earlier)
    _check_inputs(figs[0])


def test_order_contradicting_the_question_gives_nothing(embed: Embed) -> None:
    assert _figures("How many years after the fire destroyed houses in the lower town "
                    "was the stone bridge over the Velde completed?", embed) == []


def test_a_sentence_with_two_years_is_ambiguous(embed: Embed) -> None:
    assert _figures("How many years after Arnholm was founded did Arnholm send men to "
                    "the siege of Korvel?", embed) == []


def test_span_stated_as_a_range(embed: Embed) -> None:
    figs = _figures("How many years did the building of the guild hall take?", embed)
    assert len(figs) == 1
    assert figs[0].value == _stated(HISTORY, "1436") - _stated(HISTORY, "1420")
    _check_inputs(figs[0])


def test_span_stated_with_months(embed: Embed) -> None:
    text = HISTORY.replace("from 1420 to 1436", "from March 1420 to June 1436")
    figs = _figures("How many years did the building of the guild hall take?", embed, text=text)
    assert len(figs) == 1
    assert figs[0].value == _stated(text, "1436") - _stated(text, "1420")
    _check_inputs(figs[0], text)


def test_two_dates_joined_by_and_are_not_a_span(embed: Embed) -> None:
    text = HISTORY.replace("from 1420 to 1436", "in 1420 and 1436")
    assert _figures("How many years did the building of the guild hall take?", embed,
                    text=text) == []


def test_span_with_no_range_gives_nothing(embed: Embed) -> None:
    assert _figures("How many years did the siege of the fishing town take?", embed,
                    text=HISTORY.replace("from 1420 to 1436", "in 1420")) == []


def test_event_absent_from_the_article_gives_nothing(embed: Embed) -> None:
    assert _figures("How many years after the cathedral was consecrated did the plague "
                    "reach Tallinn?", embed) == []


def test_counts_are_not_years() -> None:
    sentence = next(q for q in extract_quantities(HISTORY) if "1500 men" in q.sentence)
    found = [int(y.value) for y in years_in(sentence)]
    assert 1500 not in found
    assert found  # the same sentence's real years are still found


@pytest.mark.parametrize(("question", "unit", "phrases"), [
    ("How many years passed between 1976 and 2011?", "named", 2),
    ("How many years after the bridge opened was the tower built?", "events", 2),
    ("The tower was built how many years after the bridge opened?", "events", 2),
    ("How many years passed from when the town was founded until the fire?", "events", 2),
    ("How many years did the war last?", "span", 1),
    ("How many years did it take for exports to double?", "span", 1),
    ("For how many years did the guild rule the town?", "span", 1),
    ("How many years was the Polish-Soviet War?", "span", 1),
])
def test_year_question_forms(question: str, unit: str, phrases: int) -> None:
    intent = parse_years(question)
    assert intent is not None and intent.kind == "elapsed"
    assert intent.unit == unit and len(intent.phrases) == phrases


@pytest.mark.parametrize("question", [
    "Between 1990 and 2003, how many years saw a declining growth rate?",
    "How many years saw growth between 1990 and 2003?",
    "How many years after 1990 did the tower open?",
    "How many people lived in the town?",
    "How many years passed between the fire and the flood and the war?",
])
def test_not_an_elapsed_time_question(question: str) -> None:
    assert parse_years(question) is None


def test_before_puts_the_question_s_first_event_later() -> None:
    intent = parse_years("How many years before the tower was built did the bridge open?")
    assert intent is not None
    assert intent.phrases == ("bridge open", "tower was built")
    assert intent.direction == 1


def test_a_year_in_a_sentence_with_no_other_number_is_seen_through_the_article_text(
        embed: Embed) -> None:
    """The extractor keeps no quantity for "In 1985, ... was retaken" (a modern year is a
    date): only the article's text, passed along, lets the figure step see that year."""
    text = ("In 1985, the town of Velden was retaken by the duke. "
            "The cathedral of Arnholm was consecrated in 2012 before 3,000 pilgrims.")
    question = "How many years after Velden was retaken was the cathedral of Arnholm consecrated?"
    quantities = [("history", q) for q in extract_quantities(text)]
    assert not compute_figures(question, quantities, embed)
    figures = compute_figures(question, quantities, embed, texts={"history": text})
    assert len(figures) == 1
    assert figures[0].value == _stated(text, "2012") - _stated(text, "1985")
    quotes = [i.quote for i in figures[0].inputs]
    assert all(q == text[i.start:i.end] for q, i in zip(quotes, figures[0].inputs, strict=True))
    assert sorted(("1985" in q, "2012" in q) for q in quotes) == [(False, True), (True, False)]
