"""Everyday business-news arithmetic over articles written for these tests: other companies,
currencies (crowns, rupees, yen), periods and phrasings than tests/test_figure_ops.py.

Each figure is checked as a reader would (quotes real, every number traceable, the value
what was asked), and the traps a careless reader falls into must give no figure or the
right one: a part taken for its whole, a total from another sentence's company, a
count's part taken for the whole count, "make up 38%" read as a rise.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.embedder import Embedder
from index.quantities.extract import extract_quantities
from qa.figures.compute import describe_figure
from qa.figures.intent import parse_intent
from tests.figure_checks import Embed, approx, figures, only, stated

VOLT = (
    "Voltaris, the German maker of heat pumps, said on Thursday that its pre-tax profit slumped to €212 "
    "million in the first half from €498 million a year earlier, hit by weak demand in its home market. "
    "Revenue fell 11.3% to €2.61 billion. The company, which employs 14,500 people, plans to cut 1,900 "
    "jobs, mostly in Germany."
)
BREW = (
    "Hollins Brewery said operating profit rose £46m, or 18%, in the year to March, helped by price rises "
    "across its 1,350 pubs. Like-for-like sales grew 6.1%. Total revenue was £2.2bn, of which £1.7bn came "
    "from drink."
)
RAIL = (
    "Northway Rail carried 48.2 million passengers last year and took in £1.93bn in fares. The operator "
    "received a government subsidy of £412m. Of its 9,800 staff, 2,150 work in maintenance."
)
AIR = (
    "Solano Airlines posted a net loss of $1.4 billion for the quarter. Revenue was $9.8 billion, down 4%. "
    "The airline flew 31 million passengers in the quarter and burned through $2.3 billion of cash."
)
CITY = "The city of Marlow owes creditors $8.2bn, of which $6.9bn is in bonds. Its annual budget is $21bn."
FURN = (
    "Lindqvist, the Swedish furniture chain, reported revenue of 52.4 billion Swedish crowns ($4.9 "
    "billion). Profit after tax was 3.1 billion crowns."
)
MOTOR = (
    "Fenwick Motors sold 2.35 million vehicles in 2023, up from 2.1 million in 2022. Its electric models "
    "accounted for 412,000 of the vehicles sold. Net income was $7.4 billion, while revenue reached $128 "
    "billion."
)
SHOPS = (
    "Carrow & Daly closed 140 of its 400 stores last year. Online sales now make up 38% of the total. "
    "Bramble Coffee opened 220 new shops, bringing its total to 1,450."
)
TOWER = (
    "Brightcall, the Dutch telecoms group, said its debt of €18.6bn would fall to €14.1bn after the sale "
    "of its towers business. Earnings before interest, tax, depreciation and amortisation were €4.3bn."
)
MINE = (
    "Shares in Minaro Mining jumped after the Australian miner reported annual net profit of A$1.84 billion, "
    "up 37% on the previous year. Iron ore shipments rose to 187 million tonnes from 171 million tonnes."
)
RESULTS = ("Pellow Homes said group revenue was £1.24bn (2023: £1.11bn), and pre-tax profit fell to £88m "
           "(2023: £131m) as build costs rose.")
INDIA = "Tata Ferro's net profit rose 12% to Rs 5,600 crore. ($1 = 83.2 rupees)"


@pytest.fixture(scope="module")
def embed(embedder: Embedder) -> Embed:
    return lambda texts: embedder.encode(list(texts))


# --- changes ------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "By what percentage did Voltaris's pre-tax profit fall?",
    "What was the percentage drop in Voltaris's pre-tax profit?",
    "By how many percent did pre-tax profit at Voltaris decline?",
])
def test_percentage_fall_from_earlier_level(question: str, embed: Embed) -> None:
    fig = only(question, VOLT, embed)
    assert fig.unit == "%" and fig.value == approx((1 - 212 / 498) * 100)
    assert describe_figure(fig).startswith("Fell 57.4%")


@pytest.mark.parametrize("question", [
    "By what percentage will Brightcall's debt fall?",
    "By how much will Brightcall's debt fall after the tower sale?",
])
def test_a_level_that_will_fall_to_another(question: str, embed: Embed) -> None:
    fig = only(question, TOWER, embed)
    before, after = stated(TOWER, "€18.6bn"), stated(TOWER, "€14.1bn")
    expected = (1 - after / before) * 100 if "percentage" in question else before - after
    assert fig.kind == "change" and fig.value == approx(expected)


def test_how_much_of_a_measured_quantity(embed: Embed) -> None:
    fig = only("How much did Minaro's iron ore shipments increase?", MINE, embed)
    assert fig.unit == "tonnes" and fig.value == approx(16e6)


@pytest.mark.parametrize("question", [
    "What was Minaro's net profit the previous year?",
    "What was Minaro's net profit the year before?",
])
def test_value_before_in_australian_dollars(question: str, embed: Embed) -> None:
    fig = only(question, MINE, embed)
    assert fig.unit == "AUD" and fig.value == approx(1.84e9 / 1.37)


def test_value_after_an_amount_and_its_percentage(embed: Embed) -> None:
    fig = only("What was Hollins's operating profit after the rise?", BREW, embed)
    assert fig.kind == "after" and fig.value == approx(46e6 / 0.18 + 46e6)


def test_a_count_added_to_reach_a_total(embed: Embed) -> None:
    q = next(x for x in extract_quantities(SHOPS) if x.text == "1,450")
    assert q.unit == "shops" and q.delta == 220
    fig = only("How many shops did Bramble Coffee have before the openings?", SHOPS, embed)
    assert fig.value == approx(1230)


def test_the_prior_year_in_brackets() -> None:
    qs = {q.text: q for q in extract_quantities(RESULTS)}
    assert qs["£1.24bn"].previous == approx(1.11e9) and qs["£1.11bn"].when == "2023"
    assert qs["£88m"].when == ""  # the bracket's year is the earlier figure's, not the sentence's


@pytest.mark.parametrize(("question", "value"), [
    ("By what percentage did Pellow's group revenue rise?", (1.24 / 1.11 - 1) * 100),
    ("How much did Pellow's pre-tax profit fall?", 43e6),
])
def test_change_from_the_prior_year_in_brackets(question: str, value: float, embed: Embed) -> None:
    assert only(question, RESULTS, embed).value == approx(value)


def test_make_up_is_a_share_not_a_rise() -> None:
    q = next(x for x in extract_quantities(SHOPS) if x.text == "38%")
    assert q.role == "level" and q.direction == 0


# --- shares, parts and wholes -------------------------------------------------------


@pytest.mark.parametrize("question", [
    "What proportion of its workforce will Voltaris cut?",
    "What share of Voltaris's staff could lose their jobs?",
])
def test_share_of_staff_beside_other_articles(question: str, embed: Embed) -> None:
    fig = only(question, VOLT, embed, RAIL, AIR)
    assert fig.value == approx(1900 / 14500 * 100)
    assert {i.article_id for i in fig.inputs} == {"t"}


def test_a_count_stated_as_part_of_another(embed: Embed) -> None:
    units = {x.text: x.unit for x in extract_quantities(SHOPS + " " + RAIL + " " + MOTOR)}
    assert units["140"] == "stores" and units["2,150"] == "staff" and units["412,000"] == "vehicles"
    assert units["2.1 million"] == "vehicles"
    fig = only("What percentage of its stores did Carrow & Daly close?", SHOPS, embed)
    assert fig.value == approx(35.0)


@pytest.mark.parametrize(("question", "value", "unit"), [
    ("How many Northway staff don't work in maintenance?", 9800 - 2150, "staff"),
    ("What share of Northway's staff do not work in maintenance?", (1 - 2150 / 9800) * 100, "%"),
    ("How much of the $8.2bn Marlow owes is not in bonds?", 1.3e9, "USD"),
])
def test_the_rest_of_a_whole_once_the_named_part_is_out(question: str, value: float, unit: str,
                                                      embed: Embed) -> None:
    fig = only(question, RAIL if "Northway" in question else CITY, embed)
    assert fig.unit == unit and fig.value == approx(value)


def test_a_whole_is_not_taken_for_its_part(embed: Embed) -> None:
    fig = only("How does Marlow's debt compare with its annual budget?", CITY, embed)
    assert fig.value == approx(8.2 / 21)
    fig = only("What share of Marlow's debt is in bonds?", CITY, embed)
    assert fig.value == approx(6.9 / 8.2 * 100)


@pytest.mark.parametrize("question", [
    "What was Fenwick's net margin?",
    "What was Fenwick's net profit margin?",
])
def test_margin_is_profit_over_revenue(question: str, embed: Embed) -> None:
    fig = only(question, MOTOR, embed)
    assert fig.unit == "%" and fig.value == approx(7.4 / 128 * 100)


def test_a_stated_margin_needs_no_figure(embed: Embed) -> None:
    text = "Kelso's operating margin was 12.5%. Operating profit was $1.1bn on revenue of $8.8bn."
    assert figures("What was Kelso's operating margin?", text, embed) == []


# --- per-unit averages --------------------------------------------------------------


@pytest.mark.parametrize(("question", "total"), [
    ("How much revenue did Solano make per passenger?", 9.8e9),
    ("How much cash did Solano burn per passenger?", 2.3e9),
])
def test_per_unit_total_by_its_words_not_its_sentence(question: str, total: float, embed: Embed) -> None:
    fig = only(question, AIR, embed)
    assert fig.value == approx(total / 31e6)


@pytest.mark.parametrize("question", [
    "How much revenue did each pub generate on average?",
    "What was the average revenue per pub?",
])
def test_per_unit_takes_the_whole_not_its_part(question: str, embed: Embed) -> None:
    assert only(question, BREW, embed).value == approx(2.2e9 / 1350)


def test_per_unit_counts_the_whole_not_a_part(embed: Embed) -> None:
    fig = only("How much revenue did Fenwick make per vehicle sold?", MOTOR, embed)
    assert fig.value == approx(128e9 / 2.35e6)


def test_per_unit_never_shares_out_another_articles_total(embed: Embed) -> None:
    figs = figures("How much did each passenger pay on average?", RAIL, embed, BREW)
    assert [f.value for f in figs] == [approx(1.93e9 / 48.2e6)]


# --- currencies ---------------------------------------------------------------------


@pytest.mark.parametrize(("question", "value"), [
    ("What was Lindqvist's profit after tax in dollars?", 3.1e9 * 4.9 / 52.4),
    ("How much is 10 billion crowns in dollars?", 10e9 * 4.9 / 52.4),
])
def test_crowns_converted_at_the_stated_rate(question: str, value: float, embed: Embed) -> None:
    fig = only(question, FURN, embed)
    assert fig.unit == "USD" and fig.value == approx(value)


def test_rate_implied_in_crowns(embed: Embed) -> None:
    fig = only("What exchange rate does the article imply?", FURN, embed)
    assert fig.unit == "SEK/USD" and fig.value == approx(52.4 / 4.9)


def test_a_rate_line_and_crore() -> None:
    qs = {q.text: q for q in extract_quantities(INDIA)}
    assert qs["Rs 5,600 crore"].unit == "INR" and qs["Rs 5,600 crore"].value == approx(5.6e10)
    assert qs["$1"].equiv_unit == "INR" and qs["$1"].equiv_value == approx(83.2)


def test_rupees_in_dollars_at_the_rate_line(embed: Embed) -> None:
    fig = only("What was Tata Ferro's net profit in dollars?", INDIA, embed)
    assert fig.unit == "USD" and fig.value == approx(5.6e10 / 83.2)


def test_bare_crowns_follow_the_nation() -> None:
    text = "Equinor, the Norwegian energy group, earned 12 billion crowns."
    assert extract_quantities(text)[0].unit == "NOK"


# --- the grammar ----------------------------------------------------------------------


@pytest.mark.parametrize(("question", "kind"), [
    ("What was the group's operating margin?", "share"),
    ("What was Tesco's gross margin in 2023?", "share"),
    ("How many of its workers do not belong to a union?", "remainder"),
    ("How much revenue came from outside Europe?", "remainder"),
    ("How much of the budget is not spent on staff?", "remainder"),
    ("By what percentage will prices rise?", "change"),
    ("By what percentage did losses widen?", "change"),
    ("What was the price of each Ostara share?", "per_unit"),
    ("How much did the strike cost per lost vehicle?", "per_unit"),
    ("What was turnover the year before?", "before"),
    ("What is 5 billion rupees in dollars?", "convert"),
    ("What is the deal worth in Swiss francs?", "convert"),
    ("How many dollars is 5 billion yuan?", "convert"),
    ("Vireo's revenue rose by what percentage?", "change"),
    ("How much, in percent, did Vireo's revenue rise?", "change"),
    ("What was the year-on-year change in Vireo's revenue?", "change"),
    ("How much has Vireo's revenue grown since 2019?", "change"),
    ("How much bigger were Vireo's losses than a year earlier?", "change"),
])
def test_the_grammar_reads_news_phrasings(question: str, kind: str) -> None:
    intent = parse_intent(question)
    assert intent is not None and intent.kind == kind, intent


def test_a_rise_asked_without_the_word_percentage_first() -> None:
    intent = parse_intent("Vireo's revenue rose by what percentage?")
    assert intent is not None and intent.percent and intent.direction == 1
    intent = parse_intent("How much lower was Vireo's profit than a year earlier?")
    assert intent is not None and intent.kind == "change" and intent.direction == -1


def test_per_unit_reads_the_noun_after_a_modifier_or_name() -> None:
    assert parse_intent("How much did the strike cost per lost vehicle?").unit == "vehicle"
    assert parse_intent("What was the price of each Ostara share?").unit == "share"
