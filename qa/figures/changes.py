"""A stated change: the value before it ("halved to $2.9 billion") and its size, in amount or per cent."""

from __future__ import annotations

import math

from index.quantities.quantity import Quantity
from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, change_partner, earlier_of, prefer_currency
from qa.figures.operands import Matcher, Operand
from qa.figures.text import (
    amount,
    label_text,
    plain,
)


def value_before(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The value before a stated change: "halved to $2.9 billion" -> $5.8 billion."""
    op = m.best(intent.phrases[0], amounts(ops, percent=True, measure=intent.measure),
                prefer_currency(intent.currency))
    if op is None or op.q.role != "level" or op.q.previous is not None:
        return None  # no change stated, or the earlier value is stated outright
    q = op.q
    label = label_text(f"{intent.phrases[0]} before the change")
    inputs = [(op, 1)] + [(p, -1) for p in change_partner(op, ops)]
    if q.factor is not None and q.factor > 0:
        calc = Calc(label, q.value / q.factor, q.unit, undo_factor(q), inputs)
    elif q.delta is not None:
        sign = "-" if q.delta >= 0 else "+"
        calc = Calc(label, q.value - q.delta, q.unit,
                     f"{q.text} {sign} {amount(abs(q.delta), q.unit)}", inputs)
    else:
        return None
    calc.bound = change_bound(q, before=True)
    return calc


def change_bound(q: Quantity, before: bool) -> str:
    """ "More than doubled to 4.5 million": at most 2.25 million before, at least 2.25 more."""
    if q.change_approx in ("at least", "at most") and q.factor is not None:
        grows = (q.factor > 1) == (q.change_approx == "at least")
        return ("at most" if grows else "at least") if before else (
            "at least" if grows else "at most")
    return "about" if q.change_approx else ""


def undo_factor(q: Quantity) -> str:
    """ "$4.4 billion / 2 (nearly doubled)", "$2.9 billion × 2 (halved)"."""
    factor = q.factor or 1.0
    inverse = 1 / factor
    how = f"{q.text} × {plain(inverse)}" if factor < 1 and math.isclose(
        inverse, round(inverse)) else f"{q.text} / {plain(factor)}"
    return f"{how} ({q.change_text})" if q.change_text else how


def change_size(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The size of a stated change, from the level it reached and how it got there."""
    op = m.best(intent.phrases[0], amounts(ops, percent=True, measure=intent.measure),
                prefer_currency(intent.currency))
    if op is None or op.q.role != "level":
        return None  # a change stated outright ("grew 34 per cent") needs no arithmetic
    q = op.q
    inputs = [(op, 1)]
    if q.previous is not None:
        earlier = earlier_of(op, ops)
        before = q.previous
        how = f"{q.text} - {earlier.q.text if earlier else amount(before, q.unit)}"
        inputs += [(earlier, -1)] if earlier else []
    elif q.factor is not None and q.factor > 0:
        before = q.value / q.factor
        how = f"{q.text} - {undo_factor(q)}"
        inputs += [(p, 1) for p in change_partner(op, ops)]
    elif q.delta is not None and not intent.percent:
        return None  # stated outright
    elif q.delta is not None:
        before, how = q.value - q.delta, f"{q.text} - {amount(q.delta, q.unit)}"
    else:
        return None
    label = label_text(f"change in {intent.phrases[0]}")
    if intent.percent:
        if before == 0 or "%" in q.change_text:
            return None  # zero base, or the percentage is stated outright
        value = (q.value / before - 1) * 100
        how = f"({plain(q.factor)} - 1) × 100 ({q.change_text})" if q.previous is None \
            and q.factor else \
            f"({q.text} / {amount(before, q.unit)} - 1) × 100"
        calc = Calc(label, value, "%", how, inputs)
    else:
        calc = Calc(label, q.value - before, q.unit, how, inputs)
    calc.bound = change_bound(q, before=False)
    return calc
