"""Shares: a part over its whole, and 100% less a stated share."""

from __future__ import annotations

from qa.figures.calc import Calc
from qa.figures.combine import two_operands
from qa.figures.intent import Intent
from qa.figures.labels import labelled
from qa.figures.operand_pool import supported_side
from qa.figures.operands import Matcher, Operand
from qa.figures.text import (
    label_text,
)


def share_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    pair = two_operands(intent, ops, m, allow_percent=False)
    if pair is None or pair[1].q.value == 0:
        return None
    part, whole, notes = pair
    return Calc(label_text(f"{intent.phrases[0]} as a share of {intent.phrases[1]}"),
                 part.q.value / whole.q.value * 100, "%",
                 f"{part.q.text} / {whole.q.text} × 100", [(part, 1), (whole, -1)],
                 notes=notes)


def complement_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How many percent were not X": 100% less the stated share of X."""
    phrase = intent.phrases[0]
    pool = [op for op in ops if op.q.unit == "%" and op.q.role == "level"
            and op.q.factor is None and op.q.delta is None and 0 < op.q.value < 100]
    named = labelled(phrase, pool)
    if len({round(o.q.value, 9) for o in named}) > 1:
        return None  # two lists label a share so ("from 18 to 24" in 2000 and in 2010)
    op = named[0] if named else None if intent.exact else supported_side(phrase, "", pool, m)
    if op is None:
        return None
    return Calc(label_text(f"share not {intent.phrases[0]}"), 100 - op.q.value, "%",
                 f"100% - {op.q.text}", [(op, -1)])
