"""A figure being built (`Calc`) and the `Figure` it becomes: formula, quoted inputs, bounds."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qa.answer import Figure, FigureInput
from qa.figures.operands import Operand
from qa.figures.text import (
    LOWER_BOUND,
    UPPER_BOUND,
    amount,
)


@dataclass
class Calc:
    """A figure being built: the arithmetic so far and where its numbers came from."""


    label: str
    value: float
    unit: str
    formula: str
    inputs: list[tuple[Operand, int]]  # operand, +1/-1: how the result moves with it
    extra: str = ""  # e.g. the same sum in the stated conversion's currency
    notes: list[str] = field(default_factory=list)
    bound: str = ""  # from a change stated loosely: "about" ("nearly doubled"), "at most"
    rate_ops: list[Operand] = field(default_factory=list)
    kind: str = ""  # the operation (`Figure.kind`): change, before, share, ratio, ...
    signed: float | None = None  # a change's signed size, when `value` is the size asked


def to_figure(calc: Calc) -> Figure | None:
    if not math.isfinite(calc.value):
        return None
    bound = bound_of(calc)
    shown = calc.signed if calc.signed is not None else calc.value  # the arithmetic's own result
    formula = f"{calc.formula} = {amount(shown, calc.unit)}"
    if calc.extra:
        formula += f" ({calc.extra})"
    inputs = [figure_input(op) for op, _ in calc.inputs] + [figure_input(op) for op in calc.rate_ops]
    notes = list(calc.notes)
    ops = [op for op, _ in calc.inputs] + calc.rate_ops
    loose = [op.q.approx_text or op.q.text for op in ops if op.q.approx]
    loose += [op.q.change_text for op, _ in calc.inputs if calc.bound and op.q.change_approx]
    said = ", ".join(f"“{t}”" for t in dict.fromkeys(loose))
    if bound == "at least":
        notes.insert(0, f"{LOWER_BOUND}: the article says {said}.")
    elif bound == "at most":
        notes.insert(0, f"{UPPER_BOUND}: the article says {said}.")
    elif bound:
        notes.insert(0, f"Approximate: the article says {said}.")
    return Figure(label=calc.label or "computed figure", value=calc.value, unit=calc.unit,
                  formula=formula, inputs=dedupe(inputs), approximate=bool(bound),
                  note=" ".join(notes), kind=calc.kind)


def bound_of(calc: Calc) -> str:
    """ "about", "at least", "at most" or "": how exact the result is."""
    kinds = {calc.bound} if calc.bound else set()
    if any(op.q.approx for op in calc.rate_ops):
        kinds.add("about")
    for op, sign in calc.inputs:
        for word in (op.q.approx,):
            if word == "about":
                kinds.add("about")
            elif word in ("at least", "at most"):
                up = (word == "at least") == (sign > 0)
                kinds.add("at least" if up else "at most")
    if not kinds:
        return ""
    return kinds.pop() if len(kinds) == 1 else "about"


def figure_input(op: Operand) -> FigureInput:
    q = op.q
    start, end = q.clause_start, q.clause_end
    if q.equiv_start >= 0:  # keep both sides of a stated conversion in the quote
        start, end = min(start, q.equiv_start), max(end, q.equiv_end)
    start, end = max(start, q.sentence_start), min(end, q.sentence_end)
    quote = q.sentence[start - q.sentence_start:end - q.sentence_start]
    if q.when and q.when not in quote:  # "$250 million and $205 million in 2016": the year is elsewhere
        start, end, quote = q.sentence_start, q.sentence_end, q.sentence
    return FigureInput(value=q.value, unit=q.unit, quote=quote, article_id=op.article_id,
                       start=start, end=end)


def dedupe(inputs: list[FigureInput]) -> list[FigureInput]:
    seen, out = set(), []
    for i in inputs:
        key = (i.article_id, i.value, i.unit, i.start)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out
