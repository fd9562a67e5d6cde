"""Computed figures: arithmetic over the articles' own numbers, with the work shown.

`compute_figures` recognises the calculation a question asks for, picks its operands
among the quantities retrieval found relevant (by meaning, unit and period), and
returns `Figure`s whose formula and quoted inputs let a reader check every step.
It prefers no figure to a doubtful one: unrecognised questions, operands matched
without confidence, incompatible units and conversions with no rate in the articles
all give [].
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from index.quantities.quantity import Quantity
from qa.answer import Figure
from qa.figures.calc import Calc, to_figure
from qa.figures.changes import change_size, value_before
from qa.figures.combine import difference_of, ratio_of, total
from qa.figures.currency import conversion, implied_rate, in_currency
from qa.figures.extremes import Extreme, candidates, parse_extreme
from qa.figures.intent import Intent, parse_intent
from qa.figures.operands import Embed, Matcher, Operand
from qa.figures.periods import annualised, per_period
from qa.figures.shares import complement_of, share_of
from qa.figures.text import (
    describe_figure,
    label_text,
)
from qa.figures.year_events import elapsed_years
from qa.figures.year_intent import parse_years
from qa.figures.years import sentence_carriers

__all__ = ["asks_for_figure", "compute_figures", "describe_figure"]


def asks_for_figure(question: str) -> bool:
    """Whether the question asks for any calculation `compute_figures` knows: most do
    not, and they need not load the articles' quantities."""
    return any(parse(question) is not None for parse in (parse_years, parse_extreme, parse_intent))


def compute_figures(question: str, quantities: Sequence[tuple[str, Quantity]],
                    embed: Embed | None = None, texts: Mapping[str, str] | None = None
                    ) -> list[Figure]:
    """Figures answering `question` from `quantities` (article_id, Quantity), best first.

    `quantities` come from the articles retrieval found relevant, most relevant first;
    `embed` is the sentence model's encode, used to match the question's phrases to
    each quantity's clause (without it, matching falls back to shared words). `texts`,
    the same articles' texts, let "how many years" questions see years stated in
    sentences that hold no other number.
    """
    years = parse_years(question)
    if years is not None:  # "how many years after A did B?"
        carriers = [*quantities, *sentence_carriers(texts or {})]
        calc = _elapsed(years, carriers, embed)
        figure = to_figure(calc) if calc is not None else None
        if figure is not None:
            return [figure]
    extreme = parse_extreme(question)
    if extreme is not None:  # "how many yards was the longest field goal?"
        calc = _extreme(extreme, quantities, texts or {})
        figure = to_figure(calc) if calc is not None else None
        return [figure] if figure is not None else []
    intent = parse_intent(question)
    if intent is None:
        return []
    operands = [Operand(aid, q, i) for i, (aid, q) in enumerate(quantities)
                if q.role != "period" and math.isfinite(q.value)]
    if not operands:
        return []
    matcher = Matcher(operands, embed)
    try:
        calc = _HANDLERS[intent.kind](intent, operands, matcher)
        if calc is not None and intent.currency and calc.unit != intent.currency:
            calc = in_currency(calc, intent.currency, operands)
        figure = to_figure(calc) if calc is not None else None
    except (ArithmeticError, ValueError):
        return []
    return [figure] if figure is not None else []


def _elapsed(intent: Intent, quantities: Sequence[tuple[str, Quantity]],
             embed: Embed | None) -> Calc | None:
    """ "How many years after A did B?": the later stated year minus the earlier."""
    pair = elapsed_years(intent, quantities, embed)
    if pair is None:
        return None
    earlier, later = pair
    gap = later.q.value - earlier.q.value
    label = {"events": f"years from {' to '.join(intent.phrases)}",
             "span": f"years of {intent.phrases[0]}"}.get(intent.unit, "years elapsed")
    return Calc(label_text(label),
                 gap, "year" if gap == 1 else "years", f"{later.q.text} - {earlier.q.text}",
                 [(later, 1), (earlier, -1)])


def _extreme(ask: Extreme, quantities: Sequence[tuple[str, Quantity]],
             texts: Mapping[str, str]) -> Calc | None:
    """The largest, the smallest, or their difference, of every amount of the thing."""
    found = candidates(ask, quantities, texts)
    if found is None:
        return None
    ops = [Operand(aid, q, rank) for rank, (aid, q) in enumerate(found)]
    listed = ", ".join(op.q.text for op in ops)
    hi = max(ops, key=lambda op: op.q.value)
    lo = min(ops, key=lambda op: op.q.value)
    whose = f"{ask.who}'s " if ask.who else ""
    if ask.kind == "spread":
        return Calc(label_text(f"{whose}longest {ask.thing} minus shortest"), hi.q.value - lo.q.value,
                     ask.unit, f"max({listed}) - min({listed})", [(op, 1) for op in ops])
    pick, name = (hi, "max") if ask.kind == "max" else (lo, "min")
    word = "longest" if ask.kind == "max" else "shortest"
    return Calc(label_text(f"{whose}{word} {ask.thing}"), pick.q.value, ask.unit,
                 f"{name}({listed})", [(op, 1) for op in ops])


_HANDLERS: dict[str, Callable[[Intent, list[Operand], Matcher], Calc | None]] = {
    "exchange_rate": implied_rate, "rate": per_period, "annualise": annualised,
    "before": value_before, "change": change_size, "ratio": ratio_of, "difference": difference_of,
    "share": share_of, "sum": total, "convert": conversion, "complement": complement_of,
}
