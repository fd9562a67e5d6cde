"""Currencies: the exchange rate an article implies, and amounts converted at it."""

from __future__ import annotations

from dataclasses import dataclass

from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, twin_of
from qa.figures.operands import Matcher, Operand
from qa.figures.text import (
    amount,
    currency_word,
    label_text,
    per_words,
    plain,
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
        return f"{plain(self.per)} {per_words(self.top, self.bottom)}"


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
                     formula=f"{top_t} / {bot_t}", inputs=inputs)
    return None


def conversion(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    op = m.best(intent.phrases[0], amounts(ops, measure=intent.measure))
    if op is None or not op.q.is_money or op.q.unit == intent.currency:
        return None
    if op.q.equiv_unit == intent.currency:
        return None  # the article states it in that currency already
    return Calc(label_text(f"{intent.phrases[0]} in {currency_word(intent.currency)}"),
                 op.q.value, op.q.unit, op.q.text, [(op, 1)])


def find_rate(src: str, dst: str, ops: list[Operand], near: Operand) -> Rate | None:
    """A rate between two currencies implied by a stated conversion in the articles."""
    pairs = [o for o in ops if o.q.is_money and o.q.equiv_value and
             {o.q.unit, o.q.equiv_unit} == {src, dst}]
    if not pairs:
        return None
    pairs.sort(key=lambda o: (o.article_id != near.article_id, o.rank, o.q.start))
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
    if not (len(calc.unit) == 3 and calc.unit.isupper()) or not calc.inputs:
        return None
    near = calc.inputs[0][0]
    rate = find_rate(calc.unit, target, ops, near)
    if rate is None:
        return None
    value = rate.convert(calc.value, calc.unit)
    op_sign = "/" if calc.unit == rate.top else "×"
    base = calc.formula if len(calc.inputs) == 1 and calc.formula == near.q.text else \
        f"{calc.formula} = {amount(calc.value, calc.unit)}"
    calc.formula = f"{base} {op_sign} {rate.words()}"
    calc.value, calc.unit, calc.extra = value, target, ""
    calc.rate_ops = list(rate.ops)
    calc.notes.append(f"Converted at the rate implied by {rate.source}.")
    if any(o.article_id != near.article_id for o in rate.ops):
        calc.notes.append("The exchange rate comes from a different article.")
    return calc
