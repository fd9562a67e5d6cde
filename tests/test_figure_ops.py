"""The catalogue of operations, each asked in several phrasings, over articles written for
these tests (other companies, currencies and periods; none from an evaluation set).

Every figure is checked as a reader would: its inputs are quotes of the article, every
number in its line is in the formula or a quote, its kind names the operation, and its
value is what was asked (a fall asked "by how much" is the size of the fall). Questions
whose operands are missing, or do not fit together, must get no figure.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.embedder import Embedder
from qa.figures.compute import describe_figure
from tests.figure_checks import Embed, approx, figures, only, stated

ACME = (
    "Acme Industrie, the French maker of lifts, had a difficult year. Its operating profit fell "
    "to €610m from €1.9bn a year earlier, as orders in China dried up. Revenue rose 8% to "
    "€12.4bn. The group employs 84,000 people worldwide and said on Tuesday that it could cut "
    "up to 12,000 jobs by 2027. Of its 3,200 shareholders, 27% are local. Chief executive Marie "
    "Dubois said the lift unit would be sold."
)
KAIGO = (
    "Kaigo Robotics, the Osaka-based maker of care robots, said net profit rose 22.5% to 41.2bn "
    "yen in 2004, helped by demand from nursing homes in Japan and Korea. Sales climbed to "
    "380bn yen in 2004 from 311bn yen in 2003. Its home unit sold 52,000 robots in the year."
)
HARBOUR = (
    "Harbour & Pike, the British department store chain, said staff costs rose £88m, or 31%, as "
    "it hired for its new flagship stores. The retailer also said it expected to spend £45m on "
    "its website in 2025, up from £30m in 2024. Its online sales were 12% of its £15bn of sales."
)
STREAM = (
    "Lumen Stream, the Swedish music service, reported revenue of $3.1bn for the year. It ended "
    "the year with 6.2 million subscribers, most of them in the Nordic countries. Its shares "
    "closed at $23.10, valuing the company at $8bn."
)
DEBT = (
    "The carmaker owes its lenders $47bn, including $39.5bn in principal. It agreed a deal worth "
    "$2.4bn (£1.3bn) with a British investor. Its annual revenue is $9.6bn."
)
RENT = (
    "Rental income at Orchard Estates was $241 million, $250 million and $205 million in 2016, "
    "2015 and 2014, respectively. Its Asian business made $105 million, which represented 2% of "
    "total revenue. The company had 1,200 tenants at the end of 2016."
)
TELCO = (
    "Nordtel's mobile division, which earns most of the group's profit, lost 1.1 million "
    "customers in 2023. The division's revenue fell 4% to 2.4 billion euros, while its "
    "operating profit dropped by 310 million euros to 720 million euros."
)


@pytest.fixture(scope="module")
def embed(embedder: Embedder) -> Embed:
    return lambda texts: embedder.encode(list(texts))


# --- percentage change between two stated values ---------------------------------------


@pytest.mark.parametrize("question", [
    "By what percentage did Acme's operating profit fall?",
    "By how many percent did Acme's operating profit drop?",
    "What was the percentage fall in Acme's operating profit?",
    "How much did Acme's operating profit fall, in percentage terms?",
    "What percent decrease in operating profit did Acme report?",
])
def test_percentage_fall_between_two_stated_values(question: str, embed: Embed) -> None:
    fig = only(question, ACME, embed)
    before, now = stated(ACME, "€1.9bn"), stated(ACME, "€610m")
    assert fig.kind == "change" and fig.unit == "%"
    assert fig.value == approx((1 - now / before) * 100)  # the size of the fall, positive
    line = describe_figure(fig)
    assert line.startswith("Fell 67.9%"), line


@pytest.mark.parametrize("question", [
    "What was the percentage change in Kaigo's sales from 2003 to 2004?",
    "By what percentage did Kaigo's sales grow between 2003 and 2004?",
    "What was the growth rate of sales in 2004 compared to 2003?",
])
def test_percentage_change_between_two_years(question: str, embed: Embed) -> None:
    fig = only(question, KAIGO, embed)
    assert fig.value == approx((stated(KAIGO, "380bn yen") / stated(KAIGO, "311bn yen") - 1) * 100)
    assert describe_figure(fig).startswith("Rose 22.2%")


def test_percentage_change_stated_outright_needs_no_figure(embed: Embed) -> None:
    assert figures("By what percentage did Acme's revenue rise?", ACME, embed) == []
    assert figures("By how much did Nordtel's mobile revenue fall in percent?", TELCO, embed) == []


def test_how_did_it_change_keeps_the_sign(embed: Embed) -> None:
    fig = only("How did Acme's operating profit change?", ACME, embed)
    assert fig.value == approx(stated(ACME, "€610m") - stated(ACME, "€1.9bn"))
    assert describe_figure(fig).startswith("Down €1.29 billion (67.9%)")


@pytest.mark.parametrize("question", [
    "How much did Acme's operating profit fall?",
    "By how much did Acme's operating profit decline?",
    "What was the drop in Acme's operating profit?",
])
def test_size_of_a_fall_is_positive_and_says_fall(question: str, embed: Embed) -> None:
    fig = only(question, ACME, embed)
    assert fig.value == approx(stated(ACME, "€1.9bn") - stated(ACME, "€610m"))
    assert fig.label.startswith("fall in") and describe_figure(fig).startswith("Down €1.29 billion")


# --- value before and after a stated change --------------------------------------------


@pytest.mark.parametrize("question", [
    "What did Kaigo earn in 2003?",
    "What was Kaigo's net profit in 2003?",
    "What was Kaigo's net profit a year earlier?",
    "What was net profit before the rise?",
])
def test_value_before_a_percentage_rise(question: str, embed: Embed) -> None:
    fig = only(question, KAIGO, embed)
    assert fig.kind == "before" and fig.unit == "JPY"
    assert fig.value == approx(stated(KAIGO, "41.2bn yen") / 1.225)


@pytest.mark.parametrize("question", [
    "What were Harbour & Pike's staff costs before the rise?",
    "What were staff costs before the increase?",
    "How much were staff costs previously?",
])
def test_value_before_from_an_amount_and_its_percentage(question: str, embed: Embed) -> None:
    fig = only(question, HARBOUR, embed)
    assert fig.value == approx(stated(HARBOUR, "£88m") / 0.31)
    assert "31%" in fig.formula


def test_value_before_by_an_amount(embed: Embed) -> None:
    fig = only("What was Nordtel's mobile operating profit before the drop?", TELCO, embed)
    assert fig.value == approx(stated(TELCO, "720 million euros") + stated(TELCO, "310 million euros"))


def test_value_after_a_stated_change(embed: Embed) -> None:
    text = ("Vireo had unrecognised tax benefits of $9.4 million at the end of 2024. It expects "
            "its unrecognised tax benefits to increase by $2.7 million during 2025.")
    fig = only("What is the expected balance of unrecognised tax benefits after the increase?", text, embed)
    assert fig.kind == "after" and fig.value == approx(9.4e6 + 2.7e6)


# --- shares and complements -------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "What share of its staff could Acme cut?",
    "What percentage of Acme's workforce could lose their jobs?",
    "The jobs Acme could cut are what percentage of the people it employs?",
])
def test_share_of_a_whole_counted_in_other_nouns(question: str, embed: Embed) -> None:
    fig = only(question, ACME, embed)
    assert fig.kind == "share" and fig.unit == "%"
    assert fig.value == approx(12_000 / 84_000 * 100)
    assert fig.approximate and "jobs and people" in fig.note  # "up to": an upper bound; nouns differ


@pytest.mark.parametrize("question", [
    "What share of Acme's shareholders live abroad?",
    "What percentage of the shareholders are foreign?",
])
def test_complement_by_the_opposite_group(question: str, embed: Embed) -> None:
    fig = only(question, ACME, embed)
    assert fig.kind == "complement" and fig.value == approx(100 - 27)


def test_a_stated_share_needs_no_figure(embed: Embed) -> None:
    assert figures("What share of Acme's shareholders are local?", ACME, embed) == []


def test_share_from_a_whole_and_the_rest(embed: Embed) -> None:
    text = "The lender's loans in Ireland totalled €86 million, of which €53 million were overdue."
    fig = only("What percentage of the loans in Ireland were current?", text, embed)
    assert fig.value == approx((86 - 53) / 86 * 100)


# --- per-unit averages ---------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "On average, how much did each subscriber pay?",
    "How much revenue did Lumen Stream make per subscriber?",
    "What was the average revenue per subscriber?",
])
def test_per_unit_average(question: str, embed: Embed) -> None:
    fig = only(question, STREAM, embed)
    assert fig.kind == "per_unit" and fig.unit == "USD"
    assert fig.value == approx(3.1e9 / 6.2e6)


def test_per_unit_average_price_of_shares(embed: Embed) -> None:
    text = "In 2024 Vireo repurchased 5.0 million shares for $240.0 million."
    fig = only("What was the average price of the shares Vireo repurchased?", text, embed)
    assert fig.value == approx(48.0) and fig.unit == "USD"


def test_per_unit_needs_the_count_asked(embed: Embed) -> None:
    assert figures("How much did Lumen Stream earn per employee?", STREAM, embed) == []


# --- differences, remainders, sums, averages, ratios -------------------------------------


def test_remainder_of_a_stated_whole(embed: Embed) -> None:
    fig = only("How much of the $47bn owed is interest?", DEBT, embed)
    assert fig.kind == "difference" and fig.value == approx(47e9 - 39.5e9)
    assert figures("How much of the $47bn owed is principal?", DEBT, embed) == []  # stated


@pytest.mark.parametrize(("question", "value"), [
    ("What was the total rental income in 2015 and 2016?", 250e6 + 241e6),
    ("What was Orchard's rental income in 2014 and 2015 combined?", 205e6 + 250e6),
    ("What was the average rental income from 2014 to 2016?", (241e6 + 250e6 + 205e6) / 3),
    ("What was the average rental income for 2015 and 2016?", (241e6 + 250e6) / 2),
    ("What was the change in rental income from 2015 to 2016?", 241e6 - 250e6),
    ("What was the ratio of rental income in 2016 to 2014?", 241 / 205),
    ("What was the percentage change in rental income between 2014 and 2015?", (250 / 205 - 1) * 100),
])
def test_one_measure_in_several_years(question: str, value: float, embed: Embed) -> None:
    fig = only(question, RENT, embed)
    assert fig.value == approx(value)
    assert all(i.quote.startswith("Rental income") for i in fig.inputs)


def test_a_year_not_stated_gets_no_figure(embed: Embed) -> None:
    assert figures("What was the percentage change in rental income from 2012 to 2013?", RENT, embed) == []


def test_whole_from_a_part_and_its_share(embed: Embed) -> None:
    fig = only("What was Orchard's total revenue?", RENT, embed)
    assert fig.kind == "whole" and fig.value == approx(105e6 / 0.02)


def test_part_from_a_share_of_a_stated_whole(embed: Embed) -> None:
    fig = only("What were Harbour & Pike's total online sales?", HARBOUR, embed)
    assert fig.kind == "part" and fig.value == approx(15e9 * 0.12)


def test_difference_of_two_years(embed: Embed) -> None:
    fig = only("How much more does Harbour & Pike expect to spend on its website in 2025 than in 2024?",
               HARBOUR, embed)
    assert fig.value == approx(15e6)


# --- operands that do not fit --------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "What is Lumen Stream's value plus its share price?",
    "What are Lumen Stream's market value and share price combined?",
    "How many times larger is Lumen Stream's market value than its share price?",
])
def test_a_price_per_share_never_meets_a_total(question: str, embed: Embed) -> None:
    assert figures(question, STREAM, embed) == []


def test_counts_of_different_things_are_not_added(embed: Embed) -> None:
    assert figures("How many robots and subscribers are there together?", KAIGO + " " + STREAM, embed) == []


# --- conversion at a rate stated anywhere --------------------------------------------------


@pytest.mark.parametrize("question", [
    "What is the carmaker's annual revenue in pounds?",
    "How much is $9.6bn in pounds?",
])
def test_conversion_at_a_rate_stated_elsewhere(question: str, embed: Embed) -> None:
    fig = only(question, DEBT, embed)
    assert fig.kind == "convert" and fig.unit == "GBP"
    assert fig.value == approx(9.6e9 * 1.3 / 2.4)
    assert "$2.4bn" in fig.note and "£1.3bn" in fig.note


def test_implied_exchange_rate(embed: Embed) -> None:
    fig = only("What exchange rate between the dollar and the pound does the article imply?", DEBT, embed)
    assert fig.kind == "exchange_rate" and fig.value == approx(2.4 / 1.3)


def test_no_rate_no_conversion(embed: Embed) -> None:
    assert figures("What is Acme's revenue in dollars?", ACME, embed) == []


# --- the grammar: many phrasings of each operation, and questions that ask for none --------

from qa.figures.intent import parse_intent  # noqa: E402

PHRASINGS: list[tuple[str, str]] = [
    ("By what percentage did Vireo's margin shrink?", "change"),
    ("What was the percentage increase in Vireo's sales from 2021 to 2022?", "change"),
    ("How much did revenue grow between 2020 and 2021?", "change"),
    ("By how many percent did costs go up?", "change"),
    ("What was the rate of growth of exports in 2023?", "change"),
    ("How did the order book change?", "change"),
    ("What was the drop in bookings?", "change"),
    ("What were sales before the slump?", "before"),
    ("What was the dividend a year earlier?", "before"),
    ("What was the loan book previously?", "before"),
    ("What was turnover in the previous year?", "before"),
    ("What did the bank earn in 2019?", "value"),
    ("What were total revenues?", "value"),
    ("What is the implied value of the whole company?", "value"),
    ("What will the balance be after the increase?", "after"),
    ("What share of the workforce is part-time?", "share"),
    ("What proportion of sales came from Asia?", "share"),
    ("Online orders are what percentage of all orders?", "share"),
    ("What fraction of the budget goes to research?", "share"),
    ("How big a share of profit does the bank make in China?", "share"),
    ("What share of the staff work abroad?", "share"),
    ("What share live abroad?", "complement"),
    ("What percentage of voters did not turn out?", "complement"),
    ("How much did each passenger pay on average?", "per_unit"),
    ("What was the cost per tonne?", "per_unit"),
    ("How much revenue did it make for each user?", "per_unit"),
    ("What was the average price of the homes sold?", "per_unit"),
    ("What was the average dividend for 2019 and 2020?", "average"),
    ("What was the mean of the first bid and the second bid?", "average"),
    ("What did the Asian and European units earn together?", "sum"),
    ("What were sales in 2019 and 2020 combined?", "sum"),
    ("What was the total spend in 2018, 2019 and 2020?", "sum"),
    ("How much more did Vireo spend than Orla?", "difference"),
    ("What is the difference between the bid and the offer?", "difference"),
    ("How much of the £9bn raised is equity?", "remainder"),
    ("How many times bigger is the fine than the profit?", "ratio"),
    ("What was the ratio of debt to equity?", "ratio"),
    ("Debt was what multiple of earnings?", "ratio"),
    ("How much does the group spend per month?", "rate"),
    ("What is the quarter's profit on an annual basis?", "annualise"),
    ("What is the deal worth in euros?", "convert"),
    ("What is 50 million pounds in dollars?", "convert"),
    ("What exchange rate between the rand and the dollar does the article imply?", "exchange_rate"),
]


@pytest.mark.parametrize(("question", "kind"), PHRASINGS, ids=[q for q, _ in PHRASINGS])
def test_the_grammar_reads_each_operation(question: str, kind: str) -> None:
    intent = parse_intent(question)
    assert intent is not None and intent.kind == kind, intent


@pytest.mark.parametrize("question", [
    "What did the chief executive say about the strike?",
    "How much did Vireo announce for its buyback?",  # a stated number: the quote answers
    "How many stores does it run?",
    "What is the share price?",
    "When did profit peak?",
    "Who bought the lift unit?",
])
def test_questions_that_ask_for_no_arithmetic(question: str) -> None:
    assert parse_intent(question) is None


SUPERMARKETS = (
    "Mercado Norte, Mexico's third-largest supermarket chain, has about 14% of the Mexican "
    "supermarket market. The leader, Casa del Valle, has 41% and has been cutting prices. "
    "Shares in Mercado Norte rose 4.6% to 28.15 pesos."
)


def test_a_ratio_of_market_shares_names_both_companies_whole(embed: Embed) -> None:
    """ "Casa del Valle's market share than Mercado Norte's": the second phrase is the first with
    the whole other name in it, and a market share is a percentage, not the share price."""
    fig = only("How many times larger is Casa del Valle's market share than Mercado Norte's?", SUPERMARKETS, embed)
    assert fig.value == approx(41 / 14)
