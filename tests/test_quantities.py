"""Quantity extraction: many phrasings, links between numbers, and hostile input."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.quantities.extract import extract_quantities
from index.quantities.quantity import Quantity

SEED = Path(__file__).resolve().parent.parent / "corpus" / "alibaba-two-speed-economy.txt"


def only(text: str) -> Quantity:
    """The one quantity in `text` (fails when there are none or several)."""
    found = extract_quantities(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


def find(text: str, span: str) -> Quantity:
    """The quantity whose text is `span`."""
    found = [q for q in extract_quantities(text) if q.text == span]
    assert found, [q.text for q in extract_quantities(text)]
    return found[0]


def assert_offsets(text: str, quantities: list[Quantity]) -> None:
    for q in quantities:
        assert text[q.start:q.end] == q.text
        assert text[q.sentence_start:q.sentence_end] == q.sentence
        assert text[q.clause_start:q.clause_end] == q.clause
        assert q.clause in q.sentence and q.text in q.clause
        if q.equiv_start >= 0:
            assert text[q.equiv_start:q.equiv_end] == q.equiv_text


@pytest.mark.parametrize(("text", "span", "value", "unit"), [
    ("Capex rose to $4.4 billion.", "$4.4 billion", 4.4e9, "USD"),
    ("It earned US$1.6 billion.", "US$1.6 billion", 1.6e9, "USD"),
    ("It earned HK$12.5 billion.", "HK$12.5 billion", 12.5e9, "HKD"),
    ("Sales hit €2.5bn.", "€2.5bn", 2.5e9, "EUR"),
    ("Costs were £300m.", "£300m", 300e6, "GBP"),
    ("Profit was ¥250 billion.", "¥250 billion", 250e9, "JPY"),
    ("It pledged 380 billion yuan.", "380 billion yuan", 380e9, "CNY"),
    ("Costs were RMB 5 billion.", "RMB 5 billion", 5e9, "CNY"),
    ("Costs were RMB5bn.", "RMB5bn", 5e9, "CNY"),
    ("Debt is CNY 7.1 billion.", "CNY 7.1 billion", 7.1e9, "CNY"),
    ("It paid 5 billion dollars.", "5 billion dollars", 5e9, "USD"),
    ("It paid 3 million euros.", "3 million euros", 3e6, "EUR"),
    ("It owes 2 trillion yen.", "2 trillion yen", 2e12, "JPY"),
    ("It raised 40 million Hong Kong dollars.", "40 million Hong Kong dollars", 40e6, "HKD"),
    ("It raised 10 million pounds.", "10 million pounds", 10e6, "GBP"),
    ("A fine of $5,000 was paid.", "$5,000", 5000, "USD"),
    ("Its market value is $1.2 trillion.", "$1.2 trillion", 1.2e12, "USD"),
    ("Its market value is $3tn.", "$3tn", 3e12, "USD"),
    ("It hired 10k workers.", "10k workers", 10_000, "workers"),
    ("It hired 3 thousand workers.", "3 thousand workers", 3000, "workers"),
    ("It had 3,500 employees.", "3,500 employees", 3500, "employees"),
    ("It has 2.5 million subscribers.", "2.5 million subscribers", 2.5e6, "subscribers"),
    ("Margins were 34 per cent.", "34 per cent", 34, "%"),
    ("Margins were 34 percent.", "34 percent", 34, "%"),
    ("Margins were 34%.", "34%", 34, "%"),
    ("Margins were 34 pct.", "34 pct", 34, "%"),
    ("It has ten stores.", "ten stores", 10, "stores"),
    ("It has twenty-five markets.", "twenty-five markets", 25, "markets"),
    ("It cut three hundred jobs.", "three hundred jobs", 300, "jobs"),
    ("It spent a billion dollars.", "a billion dollars", 1e9, "USD"),
    ("It sold ten million copies.", "ten million copies", 10e6, "copies"),
    ("It is 2.5 times larger than its rival.", "2.5 times", 2.5, "x"),
    ("Its shares trade at 2.5x book value.", "2.5x", 2.5, "x"),
    ("The app was downloaded 10 million times since May.", "10 million times", 10e6, "times"),
    ("The yuan traded at 7.1 yuan per dollar.", "7.1 yuan per dollar", 7.1, "CNY/USD"),
    ("He kicked a 43-yard field goal.", "43-yard", 43, "yards"),
    ("She ran a 10-mile race.", "10-mile", 10, "miles"),
    ("It stands on a 5-foot wall.", "5-foot", 5, "feet"),
    ("He signed a 3-year deal.", "3-year", 3, "years"),
])
def test_units_and_scales(text: str, span: str, value: float, unit: str) -> None:
    q = find(text, span)
    assert q.unit == unit
    assert math.isclose(q.value, value, rel_tol=1e-12)


def test_scaled_values_are_exact() -> None:
    assert find("Sales were €16.4bn.", "€16.4bn").value == 16_400_000_000.0


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Its e-commerce unit contributes half of revenue.", "half", 50.0),
    ("Europe makes up a third of sales.", "a third", 100 / 3),
    ("Two-thirds of its staff work abroad.", "Two-thirds", 200 / 3),
    ("A quarter of its staff work abroad.", "A quarter", 25.0),
])
def test_fractions_are_percentages(text: str, span: str, value: float) -> None:
    q = find(text, span)
    assert q.unit == "%" and math.isclose(q.value, value)


@pytest.mark.parametrize("text", [
    "Sales grew in the first half.",  # a period, not a fraction
    "It reports each quarter.",
    "One of the main causes is debt.",  # "one" with no unit is not a quantity
    "It follows a two-speed economy.",
    "Published 2025-11-28 at 3:30 in version 1.2.3.",
    "Covid-19 hit the A380 programme.",
    "In 2024 the firm moved.",  # a year
    "The deal closed on May 5 and on 12 March.",  # days of the month
    "Scientific 1e308 and NaN and 1,2,3 are not quantities.",
])
def test_things_that_are_not_quantities(text: str) -> None:
    assert extract_quantities(text) == []


@pytest.mark.parametrize(("text", "span", "approx"), [
    ("It was downloaded more than 10 million times.", "10 million times", "at least"),
    ("It spent about $5bn.", "$5bn", "about"),
    ("It will buy back up to ¥100 billion of shares.", "¥100 billion", "at most"),
    ("It will cut nearly 3,000 jobs.", "3,000 jobs", "about"),
    ("It was estimated to have bled 36 billion yuan.", "36 billion yuan", "about"),
    ("It has fewer than 50 stores.", "50 stores", "at most"),
    ("It spent just $132 million.", "$132 million", ""),
    ("Growth was a better-than-expected 34 per cent.", "34 per cent", ""),
])
def test_approximation_words(text: str, span: str, approx: str) -> None:
    q = find(text, span)
    assert q.approx == approx
    if approx:
        assert q.approx_text.endswith(span) and q.approx_text in text


@pytest.mark.parametrize(("text", "span", "count", "unit"), [
    ("It will invest 380 billion yuan over three years.", "380 billion yuan", 3, "year"),
    ("It plans to spend £2.4 billion over the next four years.", "£2.4 billion", 4, "year"),
    ("Quarterly capex was $4.4 billion.", "$4.4 billion", 1, "quarter"),
    ("It committed $1.8 billion in its latest quarter.", "$1.8 billion", 1, "quarter"),
    ("Sales were 16 per cent in the three months to September.", "16 per cent", 1, "quarter"),
    ("It spends $5bn annually on research.", "$5bn", 1, "year"),
    ("It spends US$3m a month.", "US$3m", 1, "month"),
    ("It earned HK$12.5 billion in the first half.", "HK$12.5 billion", 6, "month"),
    ("It will buy back ¥100 billion of shares over the next 12 months.", "¥100 billion", 1, "year"),
    ("In the third quarter, revenue rose to $5bn.", "$5bn", 1, "quarter"),
    ("It plans to spend $2bn over the next decade.", "$2bn", 10, "year"),
])
def test_periods(text: str, span: str, count: float, unit: str) -> None:
    q = find(text, span)
    assert (q.period_count, q.period_unit) == (count, unit)


def test_a_change_over_the_past_year_is_not_the_period() -> None:
    text = ("That's a poor return when quarterly capital expenditure has nearly doubled over "
            "the past year to $4.4 billion.")
    q = find(text, "$4.4 billion")
    assert (q.period_count, q.period_unit) == (1, "quarter")
    assert q.factor == 2 and q.change_approx == "about"
    assert q.change_text == "nearly doubled over the past year"
    text = "EBITA increased by just $132 million annually in the latest quarter."
    q = find(text, "$132 million")
    assert (q.role, q.direction, q.period_unit) == ("change", 1, "quarter")


def test_daily_elsewhere_in_the_sentence_is_not_the_period() -> None:
    q = find("It announced $7 billion of subsidies — aiming to deliver daily essentials fast.",
             "$7 billion")
    assert q.period_unit == ""


@pytest.mark.parametrize(("text", "span", "factor"), [
    ("Net income halved to $2.9 billion as a result.", "$2.9 billion", 0.5),
    ("Orders tripled to €30 billion.", "€30 billion", 3.0),
    ("Orders trebled to €30 billion.", "€30 billion", 3.0),
    ("Sales quadrupled to $8bn.", "$8bn", 4.0),
    ("Sales grew threefold to $9bn.", "$9bn", 3.0),
    ("Profit fell 20% to £760 million.", "£760 million", 0.8),
    ("Revenue rose 12% to €18.4 billion in the fourth quarter.", "€18.4 billion", 1.12),
    ("Sales were $4.1bn in the quarter, up 12%.", "$4.1bn", 1.12),
])
def test_factor_changes(text: str, span: str, factor: float) -> None:
    q = find(text, span)
    assert q.role == "level" and math.isclose(q.factor or 0, factor)
    assert q.change_text and q.change_text in text


def test_percentage_changes_and_absolute_changes() -> None:
    q = find("Revenue grew at a better-than-expected 34 per cent compared to the year before.",
             "34 per cent")
    assert (q.role, q.direction) == ("change", 1)
    q = find("Profit fell 20% to £760 million.", "20%")
    assert (q.role, q.direction) == ("change", -1)
    q = find("Revenue jumped 4.5 per cent year-on-year.", "4.5 per cent")
    assert (q.role, q.direction, q.period_unit) == ("change", 1, "")
    text = "Staff costs increased by £300m to £5.2bn."
    assert (find(text, "£300m").role, find(text, "£300m").direction) == ("change", 1)
    assert find(text, "£5.2bn").delta == 300e6
    q = find("Costs were cut by £45 million.", "£45 million")
    assert (q.role, q.direction) == ("change", -1)


def test_a_stated_earlier_level() -> None:
    text = "Group revenue rose 12% to €18.4 billion in the fourth quarter, up from €16.4 billion."
    assert find(text, "€18.4 billion").previous == 16.4e9
    text = "Sales rose from $5bn to $7bn."
    assert find(text, "$7bn").previous == 5e9


def test_a_change_is_not_linked_across_clauses() -> None:
    q = find("Revenue rose to $5bn and profit fell 3% to $1bn.", "$5bn")
    assert q.factor is None and q.delta is None


@pytest.mark.parametrize(("text", "a", "b"), [
    ("Alibaba has pledged to invest 380 billion yuan ($53.8 billion) over three years.",
     "380 billion yuan", "$53.8 billion"),
    ("HSBC earned HK$12.5 billion (US$1.6 billion) in the first half.",
     "HK$12.5 billion", "US$1.6 billion"),
    ("Costs were RMB 5 billion, or $700 million, last year.", "RMB 5 billion", "$700 million"),
    ("It spent €2 billion (about $2.2 billion) abroad.", "€2 billion", "$2.2 billion"),
])
def test_parenthetical_conversions_are_linked(text: str, a: str, b: str) -> None:
    qa, qb = find(text, a), find(text, b)
    assert (qa.equiv_value, qa.equiv_unit, qa.equiv_text) == (qb.value, qb.unit, qb.text)
    assert (qb.equiv_value, qb.equiv_unit, qb.equiv_text) == (qa.value, qa.unit, qa.text)
    assert_offsets(text, [qa, qb])


def test_two_amounts_in_one_currency_are_not_a_conversion() -> None:
    q = find("It spent $5bn (and $2bn more) on chips.", "$5bn")
    assert q.equiv_value is None


def test_yen_sign_follows_the_article() -> None:
    assert only("Profit was ¥250 billion.").unit == "JPY"
    text = "Profit was ¥250 billion, or 250 billion yuan."
    assert find(text, "¥250 billion").unit == "CNY"


def test_clause_takes_in_the_subject() -> None:
    text = ("That's a lot more aggressive than rival Tencent Holdings Ltd., with a relatively "
            "paltry $1.8 billion in capital investment committed in its latest quarter.")
    assert "Tencent" in find(text, "$1.8 billion").clause
    text = ("Profit at Hang Seng Bank, its local unit, halved to HK$3.1 billion as it set aside "
            "more money.")
    assert find(text, "HK$3.1 billion").clause.startswith("Profit at Hang Seng Bank")


def test_period_words_in_a_period_phrase_are_marked() -> None:
    q = find("It will invest 380 billion yuan over three years.", "three years")
    assert q.role == "period"


def test_seed_article_quantities() -> None:
    from index.intake.loading import load_article

    text = load_article(SEED).text
    found = extract_quantities(text)
    assert_offsets(text, found)
    by_text = {q.text: q for q in found}
    assert by_text["380 billion yuan"].equiv_unit == "USD"
    assert by_text["380 billion yuan"].period_count == 3
    assert by_text["$4.4 billion"].factor == 2
    assert by_text["$2.9 billion"].factor == 0.5
    assert by_text["$132 million"].role == "change"
    assert by_text["$1.8 billion"].period_unit == "quarter"
    assert by_text["34 per cent"].role == "change"
    assert by_text["36 billion yuan"].approx == "about"
    assert by_text["half"].value == 50.0
    assert "2025" not in by_text and len(found) >= 14


def test_round_trip_through_json() -> None:
    text = "Alibaba has pledged to invest 380 billion yuan ($53.8 billion) over three years."
    for q in extract_quantities(text):
        again = Quantity.from_dict(json.loads(json.dumps(q.to_dict())))
        assert again == q
    assert Quantity.from_dict({**q.to_dict(), "added_later": 1}) == q


@pytest.mark.parametrize("text", [
    "$-0", "1e308", "NaN", "1,2,3", "", " ", "\x00\x01\x02$5\x7f", "٣٤٥ مليار $5bn שקל ‏",
    "9" * 400, "$" * 1000, "1," * 1000, "(((((" + "$5 (" * 200, "\u202e$5bn\u202c",
    "1.2.3.4.5.6", "-" * 50 + "5", "5" + "%" * 50, "€€€5bn£££", "US$US$US$",
])
def test_never_raises_on_odd_text(text: str) -> None:
    found = extract_quantities(text)
    assert_offsets(text, found)
    assert all(math.isfinite(q.value) for q in found)


def test_a_one_megabyte_line_is_bounded() -> None:
    line = "Revenue rose 5% to $3bn and 1 2 3 ten stores " * 23_000
    assert len(line) > 1_000_000
    started = time.monotonic()
    found = extract_quantities(line)
    assert time.monotonic() - started < 60
    assert 0 < len(found) <= 5_000
    assert_offsets(line, found[:50] + found[-50:])


_PIECES = st.sampled_from([
    "$", "US$", "HK$", "€", "£", "¥", "RMB", " ", ".", ",", "(", ")", "%", " per cent",
    " billion", "bn", "m", "k", " yuan", " dollars", "4.4", "380", "1,000", "-", "−", "e308",
    "NaN", "doubled to ", "halved to ", "fell 20% to ", "increased by ", "over three years",
    "quarterly", "a year", "half of", "ten", "twenty-five", "\n", "\u200f", "٣", "\x00",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_property_never_raises_and_offsets_hold(text: str) -> None:
    found = extract_quantities(text)
    assert_offsets(text, found)
    for q in found:
        assert math.isfinite(q.value)
        json.dumps(q.to_dict(), allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_property_any_text(text: str) -> None:
    assert_offsets(text, extract_quantities(text))


# --- the year each number measures, repeats, lists, per-unit prices, changes in per cent --------


@pytest.mark.parametrize(("text", "span", "when"), [
    ("Rent was $241 million, $250 million and $205 million in 2016, 2015 and 2014, respectively.",
     "$250 million", "2015"),
    ("Rent was $241 million, $250 million and $205 million in 2016, 2015 and 2014, respectively.",
     "$205 million", "2014"),
    ("For the years ended December 31, 2019, 2018 and 2017, it recognised $0.3 million, $0.9 million "
     "and $0.6 million of expense.", "$0.9 million", "2018"),  # "respectively" left unsaid
    ("Our total debt was $28.5 billion at December 31, 2015, and $29.5 billion at December 31, 2014.",
     "$29.5 billion", "2014"),
    ("Sales were $1.3 billion (18 percent of net sales) in fiscal 2013.", "$1.3 billion", "2013"),
    ("In 2014, revenue rose to $5bn from $4bn.", "$5bn", "2014"),
    ("Losses were $366 million in 2010 compared with $137 million and $567 million in 2009 and 2008, "
     "respectively.", "$567 million", "2008"),
    ("It bought 5.0 million shares for $240.0 million in 2010.", "5.0 million shares", "2010"),
    ("Debt included $53 million of bonds, or 0.21% of plan assets, at December 31, 2019.", "$53 million", "2019"),
])
def test_the_year_a_number_measures(text: str, span: str, when: str) -> None:
    assert find(text, span).when == when


@pytest.mark.parametrize(("text", "span"), [
    ("In 2014, revenue rose to $5bn from $4bn.", "$4bn"),  # the earlier level is not 2014's
    ("Under the 2010 employee plan, it granted 4,000 shares.", "4,000 shares"),  # a plan's name
    ("The notes mature in 2022 and pay $5 million a year.", "$5 million"),  # a term, not a year measured
    ("Indian Point 2 earned $201 million, from $128 million, after deals in September 2001 and July 2002, "
     "respectively.", "$128 million"),  # event dates, not the years of the numbers
])
def test_years_that_are_not_the_number_s_year(text: str, span: str) -> None:
    assert find(text, span).when == ""


def test_a_change_knows_the_year_it_is_measured_from() -> None:
    text = "Operating income increased $108 million, or 7%, from 2013 to $1.6 billion in 2014."
    level = find(text, "$1.6 billion")
    assert (level.when, level.since) == ("2014", "2013")
    assert level.delta == 108e6 and math.isclose(level.factor or 0, 1.07)


def test_an_amount_and_its_percentage_are_one_change() -> None:
    text = "Staff costs rose £88m, or 31%, as the retailer hired."
    amount, pct = find(text, "£88m"), find(text, "31%")
    assert (amount.role, amount.change_pct) == ("change", 31.0)
    assert (pct.role, pct.direction) == ("change", 1)


def test_a_bracketed_repeat_is_one_number() -> None:
    found = extract_quantities("The effective tax rate was 22.8% ( 22.8 % ) in 2013.")
    assert [q.text for q in found] == ["22.8%"]


def test_a_list_states_its_unit_once() -> None:
    text = "Employees bought 29.4 million, 18.9 million and 10.2 million shares. It was 18, 14 and 11 percent."
    assert find(text, "29.4 million").unit == "shares"
    assert find(text, "14").unit == "%"
    text = "12.0% were under the age of 18, 55.2% from 18 to 24."
    assert find(text, "18").unit == ""  # an age, not a share


@pytest.mark.parametrize(("text", "span", "per"), [
    ("Shares closed at $23.10 a share.", "$23.10", "share"),
    ("It paid $2.25 per common share.", "$2.25", "share"),
    ("Density was 88 people per square mile.", "88 people", "square mile"),
    ("Shares closed at $23.10, valuing the company at $8bn.", "$8bn", ""),
    ("It plans to spend $5bn a year.", "$5bn", ""),  # a period, not a thing
])
def test_prices_of_one_thing(text: str, span: str, per: str) -> None:
    assert find(text, span).per == per


def test_a_date_is_not_cut_into_clauses() -> None:
    text = ("The fair values of the hedges as of December 31 , 2016 and 2015 were liabilities of $ 2.7 million "
            "and $ 37.8 million , respectively .")
    q = find(text, "$ 37.8 million")
    assert "fair values of the hedges" in q.clause and q.when == "2015"
