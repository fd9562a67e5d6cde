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
import re
from collections.abc import Callable, Mapping, Sequence

from index.quantities.quantity import Quantity
from qa.answer import Figure
from qa.figures.calc import Calc, to_figure
from qa.figures.changes import change_size, value_after, value_before
from qa.figures.combine import average_of, difference_of, ratio_of, remainder_of, total
from qa.figures.currency import conversion, implied_rate, in_currency
from qa.figures.derive import derived_value
from qa.figures.extremes import Extreme, candidates, parse_extreme
from qa.figures.intent import Intent, parse_intent
from qa.figures.operands import Embed, Matcher, Operand
from qa.figures.periods import annualised, lasts, per_period
from qa.figures.plays import (
    CountAsk,
    PairAsk,
    YardAsk,
    count_plays,
    pair_plays,
    parse_count,
    parse_pair,
    parse_yards,
    play_quantities,
    yard_plays,
)
from qa.figures.shares import complement_of, left_of, share_of
from qa.figures.text import (
    describe_figure,
    label_text,
)
from qa.figures.units import per_unit
from qa.figures.year_events import elapsed_years
from qa.figures.year_intent import parse_years
from qa.figures.years import sentence_carriers

__all__ = ["asks_for_figure", "compute_figures", "describe_figure"]


def asks_for_figure(question: str) -> bool:
    """Whether the question asks for any calculation `compute_figures` knows: most do
    not, and they need not load the articles' quantities."""
    return any(parse(question) is not None
               for parse in (parse_years, parse_extreme, parse_count, parse_pair, parse_yards, parse_intent))


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
    pair = parse_pair(question)
    if pair is not None:  # "how many yards longer was Cutler's longest touchdown pass than Favre's?"
        calc = _pair(question, pair, texts or {})
        figure = to_figure(calc) if calc is not None else None
        return [figure] if figure is not None else []
    yards = parse_yards(question)
    if yards is not None:  # "how many total yards of field goals did Gould kick?"
        calc = _yards(question, yards, texts or {})
        figure = to_figure(calc) if calc is not None else None
        return [figure] if figure is not None else []
    count = parse_count(question)
    if count is not None:  # "how many field goals did Bironas kick in the second quarter?"
        calc = _count(question, count, texts or {})
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
        if calc is not None:
            calc.kind = calc.kind or _KIND.get(intent.kind, intent.kind)
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
                 [(later, 1), (earlier, -1)], kind="elapsed")


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
                     ask.unit, f"max({listed}) - min({listed})", [(op, 1) for op in ops], kind="extreme")
    pick, name = (hi, "max") if ask.kind == "max" else (lo, "min")
    word = "longest" if ask.kind == "max" else "shortest"
    return Calc(label_text(f"{whose}{word} {ask.thing}"), pick.q.value, ask.unit,
                 f"{name}({listed})", [(op, 1) for op in ops], kind="extreme")


def _count(question: str, ask: CountAsk, texts: Mapping[str, str]) -> Calc | None:
    """The number of plays of the kind asked that the report states, each play quoted."""
    found = count_plays(ask, texts)
    if found is None or not found[2]:
        return None
    aid, text, plays = found
    ops = [Operand(a, q, k) for k, (a, q) in enumerate(play_quantities(aid, text, plays))]
    listed = ", ".join(dict.fromkeys(op.q.text for op in ops))
    n = len(plays)
    unit = ask.kind if n == 1 else f"{ask.kind}s"
    label = re.sub(r"(?i)^how\s+many\s+", "", question.strip().rstrip("?.! "))
    return Calc(label_text(label), float(n), unit, f"count({listed})", [(op, 1) for op in ops], kind="count")


def _yards(question: str, ask: YardAsk, texts: Mapping[str, str]) -> Calc | None:
    """The total, mean or n-th length of the plays asked, each play quoted."""
    found = yard_plays(ask, texts)
    if found is None:
        return None
    aid, text, plays = found
    ops = [Operand(a, q, k) for k, (a, q) in enumerate(play_quantities(aid, text, plays))]
    lengths = [p.yards or 0.0 for p in plays]
    listed = ", ".join(op.q.text for op in ops)
    label = label_text(re.sub(r"(?i)^how\s+many\s+", "", question.strip().rstrip("?.! ")))
    if ask.op == "sum":
        value, formula = sum(lengths), " + ".join(op.q.text for op in ops)
    elif ask.op == "mean":
        value, formula = sum(lengths) / len(lengths), f"({' + '.join(op.q.text for op in ops)}) / {len(ops)}"
    else:
        k = ask.nth - 1 if ask.nth > 0 else len(ops) + ask.nth
        if not 0 <= k < len(ops):
            return None
        value, formula = lengths[k], f"{ops[k].q.text}, play {k + 1} of ({listed})"
        ops = [ops[k]]
    unit = "yard" if value == 1 else "yards"
    return Calc(label, value, unit, formula, [(op, 1) for op in ops], kind="extreme" if ask.op == "nth" else
                ("sum" if ask.op == "sum" else "average"))


def _pair(question: str, ask: PairAsk, texts: Mapping[str, str]) -> Calc | None:
    """The difference in length of the two plays compared: positive as the question says."""
    found = pair_plays(ask, texts)
    if found is None:
        return None
    aid, text, a, b = found
    (oa, qa), (ob, qb) = play_quantities(aid, text, [a, b])
    op_a, op_b = Operand(oa, qa, 0), Operand(ob, qb, 1)
    big, small = (op_a, op_b) if ask.longer >= 0 else (op_b, op_a)
    ya, yb = (a.yards or 0.0, b.yards or 0.0) if ask.longer >= 0 else (b.yards or 0.0, a.yards or 0.0)
    value = ya - yb
    if ask.longer == 0:
        value, big, small = abs(value), (op_a if (a.yards or 0) >= (b.yards or 0) else op_b), \
            (op_b if (a.yards or 0) >= (b.yards or 0) else op_a)
    elif value <= 0:
        return None  # the question says the other way round: a play was misread
    label = label_text(re.sub(r"(?i)^how\s+many\s+", "", question.strip().rstrip("?.! ")))
    return Calc(label, value, "yard" if value == 1 else "yards", f"{big.q.text} - {small.q.text}",
                [(big, 1), (small, -1)], kind="difference")


_HANDLERS: dict[str, Callable[[Intent, list[Operand], Matcher], Calc | None]] = {
    "exchange_rate": implied_rate, "rate": per_period, "annualise": annualised,
    "before": value_before, "after": value_after, "change": change_size, "ratio": ratio_of,
    "difference": difference_of, "remainder": remainder_of, "share": share_of, "sum": total,
    "average": average_of, "convert": conversion, "complement": complement_of, "per_unit": per_unit,
    "value": derived_value, "left": left_of, "lasts": lasts,
}
# The operation a figure names (`Figure.kind`) when its handler does not say.
_KIND = {"remainder": "difference", "value": "before", "left": "difference"}
