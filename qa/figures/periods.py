"""Per-period amounts: a total spread over its years, a quarter or month scaled up to a year."""

from __future__ import annotations

import re

from index.quantities.patterns import TIME_UNITS
from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, lenient_best, near_words, prefer_currency, words_in, years_of
from qa.figures.operands import Matcher, Operand
from qa.figures.text import (
    amount,
    count_words,
    currency_word,
    label_text,
    plain,
)


def per_period(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "Per year": spread a total stated over a longer period evenly."""
    target = 1 / TIME_UNITS[intent.period]
    pool = amounts(ops, measure=intent.measure)
    op = m.best(intent.phrases[0], pool, prefer_currency(intent.currency))
    if op is None:  # "£1.2bn three-year investment programme": the one amount spread over a longer period
        spread = [o for o in pool if o.q.role == "level" and (years_of(o.q) or 0) > target * 1.0001
                  and words_in(intent.phrases[0], o.q.sentence) >= 0.5]
        op = lenient_best(intent.phrases[0], spread, m, floor=0.25)
    years = years_of(op.q) if op else None
    if op is None or years is None or years <= target * 1.0001:
        return None
    divisor = years / target
    q = op.q
    formula = f"{q.text} / {count_words(divisor, intent.period)}"
    calc = Calc(label=label_text(f"{intent.phrases[0]} per {intent.period}"),
                 value=q.value / divisor, unit=q.unit, formula=formula, inputs=[(op, 1)], kind="rate")
    if q.equiv_value is not None and q.equiv_unit and q.equiv_unit != intent.currency:
        calc.extra = (f"in {currency_word(q.equiv_unit)}: {q.equiv_text} / {plain(divisor)}"
                      f" = {amount(q.equiv_value / divisor, q.equiv_unit)}")
    return calc


def annualised(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "Annualised": scale a quarter's or month's amount up to a year."""
    op = m.best(intent.phrases[0], amounts(ops, measure=intent.measure),
                prefer_currency(intent.currency))
    years = years_of(op.q) if op else None
    if op is None or op.q.role != "level" or years is None or years >= 0.9999:
        return None
    times = 1 / years
    q = op.q
    per = f"in {count_words(q.period_count, q.period_unit)}" if q.period_count != 1 else \
        f"a {q.period_unit}"
    calc = Calc(label=label_text(f"{intent.phrases[0]}, annualised"), value=q.value * times,
                 unit=q.unit, formula=f"{q.text} {per} × {plain(times)}", inputs=[(op, 1)],
                 kind="annualise")
    calc.notes.append(f"This assumes the rest of the year runs at the rate stated "
                      f"({q.period_text}).")
    return calc


# The words of money going out at a rate: "burning through about $5m a day".
_SPENDING = re.compile(r"(?i)\b(?:burn(?:s|ed|ing)?|spend(?:s|ing)?|spent|los(?:e|es|ing|t)|bleed(?:s|ing)?|"
                       r"us(?:e|es|ing)\s+up|cost(?:s|ing)?|outflow)\b")


def _before(op: Operand) -> str:
    """The 40 characters of its sentence before the number: where "burning through" is said."""
    at = op.q.start - op.q.sentence_start
    return op.q.sentence[max(0, at - 40):at]


def lasts(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How long will its cash last?": the amount over the rate its article says it is spent
    at ("$1.1bn in cash but is burning through about $5m a day": 220 days)."""
    pool = [o for o in amounts(ops, measure="money") if o.q.role == "level" and o.q.is_money]
    spent = [o for o in pool if o.q.period_count == 1 and o.q.period_unit in TIME_UNITS
             and _SPENDING.search(_before(o))]
    held = [o for o in pool if o not in spent and near_words(intent.phrases[0], o, m) >= 0.5]
    stock = lenient_best(intent.phrases[0], held, m)
    if stock is None:
        return None
    rates = [o for o in spent if o.article_id == stock.article_id and o.q.unit == stock.q.unit]
    if len({(o.q.value, o.q.period_unit) for o in rates}) != 1 or rates[0].q.value <= 0:
        return None
    rate = rates[0]
    per = rate.q.period_unit
    asked = intent.period or per
    value = stock.q.value / rate.q.value * TIME_UNITS[asked] / TIME_UNITS[per]
    formula = f"{stock.q.text} / {rate.q.text} a {per}"
    if asked != per:
        formula += f", in {asked}s"
    calc = Calc(label_text(f"how long {intent.phrases[0]} lasts"), value, f"{asked}s", formula,
                [(stock, 1), (rate, -1)], kind="rate")
    calc.notes.append(f"This assumes it goes on being spent at {rate.q.text} a {per}, as the article says.")
    return calc
