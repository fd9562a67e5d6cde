"""Currencies: the exchange rate an article implies, and amounts converted at it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from index.quantities.scan import scan
from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, twin_of
from qa.figures.operands import Matcher, Operand
from qa.figures.text import (
    amount,
    currency_word,
    label_text,
    per_words,
)


@dataclass(frozen=True)
class Rate:
    """An exchange rate the articles state or imply: `per` units of `top` per `bottom`."""


    top: str
    bottom: str
    per: float
    source: str  # "380 billion yuan = $53.8 billion"
    ops: tuple[Operand, ...]


    def convert(self, value: float, unit: str) -> float:
        return value / self.per if unit == self.top else value * self.per


    def words(self) -> str:
        # four significant digits, so "$600m / 1.846 dollars per pound" checks to the figure shown
        return f"{self.per:,.4g} {per_words(self.top, self.bottom)}"


def implied_rate(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    wanted = set(intent.pair[:2])
    for op in ops:
        q = op.q
        if not (q.is_money and q.equiv_value and q.equiv_unit and q.equiv_unit != q.unit):
            continue
        units = {q.unit, q.equiv_unit}
        if wanted and not (wanted <= units if len(wanted) == 2 else wanted & units):
            continue
        pair = [(q.value, q.unit, q.text), (q.equiv_value, q.equiv_unit, q.equiv_text)]
        if intent.ordered:
            pair.sort(key=lambda p: p[1] != intent.pair[0])
        else:
            pair.sort(key=lambda p: -abs(p[0]))
        (top_v, top_u, top_t), (bot_v, bot_u, bot_t) = pair
        if bot_v == 0:
            return None
        twin = twin_of(op, ops)
        inputs = [(op, 1)] + ([(twin, -1)] if twin else [])
        return Calc(label=f"{per_words(top_u, bot_u)} implied by the article",
                     value=top_v / bot_v, unit=f"{top_u}/{bot_u}",
                     formula=f"{top_t} / {bot_t}", inputs=inputs, kind="exchange_rate")
    return None


def conversion(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The amount the question states or names, to be converted by `in_currency`."""
    label = label_text(f"{intent.phrases[0]} in {currency_word(intent.currency)}")
    asked = [r for r in scan(intent.text, "JPY") if len(r.unit) == 3 and r.unit.isupper()
             and r.unit != intent.currency]
    if len(asked) == 1:  # "What is 36 billion yuan in dollars?"
        r = asked[0]
        same = [o for o in ops if o.q.unit == r.unit and math.isclose(o.q.value, r.value, rel_tol=1e-9)]
        if same:
            op = same[0]
            if op.q.equiv_unit == intent.currency:
                return None  # the article states it in that currency already
            return Calc(f"in {currency_word(intent.currency)}", op.q.value, op.q.unit, op.q.text, [(op, 1)],
                        kind="convert")
        return Calc(f"in {currency_word(intent.currency)}", r.value, r.unit, amount(r.value, r.unit), [],
                    kind="convert")
    op = m.best(intent.phrases[0], [o for o in amounts(ops, measure=intent.measure) if o.q.is_money])
    if op is None or not op.q.is_money or op.q.unit == intent.currency:
        return None
    if op.q.equiv_unit == intent.currency:
        return None  # the article states it in that currency already
    return Calc(label, op.q.value, op.q.unit, op.q.text, [(op, 1)], kind="convert")


def find_rate(src: str, dst: str, ops: list[Operand], near: Operand | None) -> Rate | None:
    """A rate between two currencies implied by a stated conversion in the articles."""
    pairs = [o for o in ops if o.q.is_money and o.q.equiv_value and
             {o.q.unit, o.q.equiv_unit} == {src, dst}]
    if not pairs:
        return None
    pairs.sort(key=lambda o: (near is not None and o.article_id != near.article_id, o.rank, o.q.start))
    o = pairs[0]
    (tv, tu, tt), (bv, bu, bt) = sorted(
        [(o.q.value, o.q.unit, o.q.text), (o.q.equiv_value or 0.0, o.q.equiv_unit,
                                           o.q.equiv_text)], key=lambda p: -abs(p[0]))
    if bv == 0:
        return None
    twin = twin_of(o, ops)
    return Rate(top=tu, bottom=bu, per=tv / bv, source=f"{tt} = {bt}",
                 ops=(o,) + ((twin,) if twin else ()))


def in_currency(calc: Calc, target: str, ops: list[Operand]) -> Calc | None:
    """Convert a money result at a rate the articles imply; no rate, no figure."""
    if not (len(calc.unit) == 3 and calc.unit.isupper()):
        return None
    near = calc.inputs[0][0] if calc.inputs else None
    rate = find_rate(calc.unit, target, ops, near)
    if rate is None:
        return None
    value = rate.convert(calc.value, calc.unit)
    op_sign = "/" if calc.unit == rate.top else "×"
    plain_amount = not calc.inputs or (len(calc.inputs) == 1 and near is not None and calc.formula == near.q.text)
    shown = calc.signed if calc.signed is not None else calc.value
    base = calc.formula if plain_amount else f"{calc.formula} = {amount(shown, calc.unit)}"
    calc.formula = f"{base} {op_sign} {rate.words()}"
    if calc.signed is not None:
        calc.signed = rate.convert(calc.signed, calc.unit)
    calc.value, calc.unit, calc.extra = value, target, ""
    calc.rate_ops = list(rate.ops)
    calc.notes.append(f"Converted at the rate implied by {rate.source}.")
    if near is not None and any(o.article_id != near.article_id for o in rate.ops):
        calc.notes.append("The exchange rate comes from a different article.")
    return calc
