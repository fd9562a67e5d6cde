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
from dataclasses import dataclass, field

from index.quantities import TIME_UNITS, Quantity
from qa.answer import Figure, FigureInput
from qa.extremes import Extreme, candidates, parse_extreme
from qa.figure_text import (
    LOWER_BOUND,
    UPPER_BOUND,
    amount,
    count_words,
    currency_word,
    describe_figure,
    label_text,
    per_words,
    plain,
)
from qa.labels import labelled
from qa.operands import Embed, Matcher, Operand
from qa.question_intent import Intent, parse_intent
from qa.year_events import elapsed_years
from qa.year_intent import parse_years
from qa.years import sentence_carriers

__all__ = ["asks_for_figure", "compute_figures", "describe_figure"]


@dataclass
class _Calc:
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


@dataclass(frozen=True)
class _Rate:
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
        figure = _figure(calc) if calc is not None else None
        if figure is not None:
            return [figure]
    extreme = parse_extreme(question)
    if extreme is not None:  # "how many yards was the longest field goal?"
        calc = _extreme(extreme, quantities, texts or {})
        figure = _figure(calc) if calc is not None else None
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
            calc = _in_currency(calc, intent.currency, operands)
        figure = _figure(calc) if calc is not None else None
    except (ArithmeticError, ValueError):
        return []
    return [figure] if figure is not None else []


# --- one handler per kind of question ------------------------------------------------


def _elapsed(intent: Intent, quantities: Sequence[tuple[str, Quantity]],
             embed: Embed | None) -> _Calc | None:
    """ "How many years after A did B?": the later stated year minus the earlier."""
    pair = elapsed_years(intent, quantities, embed)
    if pair is None:
        return None
    earlier, later = pair
    gap = later.q.value - earlier.q.value
    label = {"events": f"years from {' to '.join(intent.phrases)}",
             "span": f"years of {intent.phrases[0]}"}.get(intent.unit, "years elapsed")
    return _Calc(label_text(label),
                 gap, "year" if gap == 1 else "years", f"{later.q.text} - {earlier.q.text}",
                 [(later, 1), (earlier, -1)])


def _extreme(ask: Extreme, quantities: Sequence[tuple[str, Quantity]],
             texts: Mapping[str, str]) -> _Calc | None:
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
        return _Calc(label_text(f"{whose}longest {ask.thing} minus shortest"), hi.q.value - lo.q.value,
                     ask.unit, f"max({listed}) - min({listed})", [(op, 1) for op in ops])
    pick, name = (hi, "max") if ask.kind == "max" else (lo, "min")
    word = "longest" if ask.kind == "max" else "shortest"
    return _Calc(label_text(f"{whose}{word} {ask.thing}"), pick.q.value, ask.unit,
                 f"{name}({listed})", [(op, 1) for op in ops])


def _exchange_rate(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
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
        twin = _twin(op, ops)
        inputs = [(op, 1)] + ([(twin, -1)] if twin else [])
        return _Calc(label=f"{per_words(top_u, bot_u)} implied by the article",
                     value=top_v / bot_v, unit=f"{top_u}/{bot_u}",
                     formula=f"{top_t} / {bot_t}", inputs=inputs)
    return None


def _rate(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    """ "Per year": spread a total stated over a longer period evenly."""
    op = m.best(intent.phrases[0], _amounts(ops, measure=intent.measure),
                _prefer_currency(intent.currency))
    target = 1 / TIME_UNITS[intent.period]
    years = _years(op.q) if op else None
    if op is None or years is None or years <= target * 1.0001:
        return None
    divisor = years / target
    q = op.q
    formula = f"{q.text} / {count_words(divisor, intent.period)}"
    calc = _Calc(label=label_text(f"{intent.phrases[0]} per {intent.period}"),
                 value=q.value / divisor, unit=q.unit, formula=formula, inputs=[(op, 1)])
    if q.equiv_value is not None and q.equiv_unit and q.equiv_unit != intent.currency:
        calc.extra = (f"in {currency_word(q.equiv_unit)}: {q.equiv_text} / {plain(divisor)}"
                      f" = {amount(q.equiv_value / divisor, q.equiv_unit)}")
    return calc


def _annualise(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    """ "Annualised": scale a quarter's or month's amount up to a year."""
    op = m.best(intent.phrases[0], _amounts(ops, measure=intent.measure),
                _prefer_currency(intent.currency))
    years = _years(op.q) if op else None
    if op is None or op.q.role != "level" or years is None or years >= 0.9999:
        return None
    times = 1 / years
    q = op.q
    per = f"in {count_words(q.period_count, q.period_unit)}" if q.period_count != 1 else \
        f"a {q.period_unit}"
    calc = _Calc(label=label_text(f"{intent.phrases[0]}, annualised"), value=q.value * times,
                 unit=q.unit, formula=f"{q.text} {per} × {plain(times)}", inputs=[(op, 1)])
    calc.notes.append(f"This assumes the rest of the year runs at the rate stated "
                      f"({q.period_text}).")
    return calc


def _before(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    """The value before a stated change: "halved to $2.9 billion" -> $5.8 billion."""
    op = m.best(intent.phrases[0], _amounts(ops, percent=True, measure=intent.measure),
                _prefer_currency(intent.currency))
    if op is None or op.q.role != "level" or op.q.previous is not None:
        return None  # no change stated, or the earlier value is stated outright
    q = op.q
    label = label_text(f"{intent.phrases[0]} before the change")
    inputs = [(op, 1)] + [(p, -1) for p in _change_partner(op, ops)]
    if q.factor is not None and q.factor > 0:
        calc = _Calc(label, q.value / q.factor, q.unit, _undo_factor(q), inputs)
    elif q.delta is not None:
        sign = "-" if q.delta >= 0 else "+"
        calc = _Calc(label, q.value - q.delta, q.unit,
                     f"{q.text} {sign} {amount(abs(q.delta), q.unit)}", inputs)
    else:
        return None
    calc.bound = _change_bound(q, before=True)
    return calc


def _change_bound(q: Quantity, before: bool) -> str:
    """ "More than doubled to 4.5 million": at most 2.25 million before, at least 2.25 more."""
    if q.change_approx in ("at least", "at most") and q.factor is not None:
        grows = (q.factor > 1) == (q.change_approx == "at least")
        return ("at most" if grows else "at least") if before else (
            "at least" if grows else "at most")
    return "about" if q.change_approx else ""


def _undo_factor(q: Quantity) -> str:
    """ "$4.4 billion / 2 (nearly doubled)", "$2.9 billion × 2 (halved)"."""
    factor = q.factor or 1.0
    inverse = 1 / factor
    how = f"{q.text} × {plain(inverse)}" if factor < 1 and math.isclose(
        inverse, round(inverse)) else f"{q.text} / {plain(factor)}"
    return f"{how} ({q.change_text})" if q.change_text else how


def _change(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    """The size of a stated change, from the level it reached and how it got there."""
    op = m.best(intent.phrases[0], _amounts(ops, percent=True, measure=intent.measure),
                _prefer_currency(intent.currency))
    if op is None or op.q.role != "level":
        return None  # a change stated outright ("grew 34 per cent") needs no arithmetic
    q = op.q
    inputs = [(op, 1)]
    if q.previous is not None:
        earlier = _earlier(op, ops)
        before = q.previous
        how = f"{q.text} - {earlier.q.text if earlier else amount(before, q.unit)}"
        inputs += [(earlier, -1)] if earlier else []
    elif q.factor is not None and q.factor > 0:
        before = q.value / q.factor
        how = f"{q.text} - {_undo_factor(q)}"
        inputs += [(p, 1) for p in _change_partner(op, ops)]
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
        calc = _Calc(label, value, "%", how, inputs)
    else:
        calc = _Calc(label, q.value - before, q.unit, how, inputs)
    calc.bound = _change_bound(q, before=False)
    return calc


def _two(intent: Intent, ops: list[Operand], m: Matcher,
         allow_percent: bool) -> tuple[Operand, Operand, list[str]] | None:
    pool = [op for op in _amounts(ops, percent=allow_percent,
                                  measure=intent.measure)
            if not (op.q.unit == "%" and op.q.role == "change")]  # growth rates
    first, second = intent.phrases[0], intent.phrases[1]
    a = m.best(first, pool, contrast=[second])
    if a is None:
        return None
    b = m.best(second, [op for op in pool if not op.same_item(a)], contrast=[first])
    if b is None:
        return None
    a2 = m.best(first, [op for op in pool if not op.same_item(b)], contrast=[second])
    if a2 is None or not a2.same_item(a):
        return None  # the first phrase would rather mean the second operand
    pair = _common_unit([a, b], ops, intent.currency)
    return (pair[0], pair[1], _period_notes(pair)) if pair else None


def _ratio(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    pair = _two(intent, ops, m, allow_percent=True)
    if pair is None or pair[1].q.value == 0:
        return None
    a, b, notes = pair
    calc = _Calc(label_text(f"{intent.phrases[0]} relative to {intent.phrases[1]}"),
                 a.q.value / b.q.value, "x", f"{a.q.text} / {b.q.text}", [(a, 1), (b, -1)],
                 notes=notes)
    return calc


def _difference(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    if intent.direction:
        return _how_many_more(intent, ops, m)
    pair = _two(intent, ops, m, allow_percent=True)
    if pair is None:
        return None
    a, b, notes = pair
    return _Calc(label_text(f"{intent.phrases[0]} minus {intent.phrases[1]}"),
                 a.q.value - b.q.value, a.q.unit, f"{a.q.text} - {b.q.text}",
                 [(a, 1), (b, -1)], notes=notes)


def _how_many_more(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    """ "How many more A than B": A - B, which the question says is positive.

    Both sides must be matched with confidence, in the unit the question names (or
    counts of the nouns its phrases name: "more people than households"); a result
    of the wrong sign means a side was misread, so there is no figure.
    """
    pool = [op for op in _amounts(ops, percent=intent.measure == "percent",
                                  measure=intent.measure)
            if op.q.role == "level" and op.q.factor is None and op.q.delta is None
            and not _per_something(op.q)]
    if intent.unit:
        pool = [op for op in pool if _same_noun(op.q.unit, intent.unit)]
    pair = _two_of(intent, pool, m)
    if pair is None:
        return None
    a, b = pair
    if m.support(intent.phrases[0], a, intent.phrases[1], clause=True) < 0 or m.support(
            intent.phrases[1], b, intent.phrases[0], clause=True) < 0:
        return None  # a name or year that tells the sides apart is not beside its number
    if not _same_noun(a.q.unit, b.q.unit) and not (
            a.q.unit and b.q.unit and a.q.unit != "%" and b.q.unit != "%"
            and _names_noun(intent.phrases[0], a.q.unit)
            and _names_noun(intent.phrases[1], b.q.unit)
            and not _names_noun(intent.phrases[0], b.q.unit)
            and not _names_noun(intent.phrases[1], a.q.unit)):
        return None  # "more people than households" only when each side names its own noun
    big, small = (a, b) if intent.direction > 0 else (b, a)
    value = big.q.value - small.q.value
    if value <= 0:
        return None
    label = f"{intent.phrases[0]} minus {intent.phrases[1]}" if intent.direction > 0 else \
        f"{intent.phrases[1]} minus {intent.phrases[0]}"
    unit = big.q.unit if _same_noun(big.q.unit, small.q.unit) else ""
    return _Calc(label_text(label), value, unit, f"{big.q.text} - {small.q.text}",
                 [(big, 1), (small, -1)], notes=_period_notes([a, b]))


def _two_of(intent: Intent, pool: list[Operand], m: Matcher) -> tuple[Operand, Operand] | None:
    """Each phrase's one clearly best operand, two different numbers, or None."""
    first, second = intent.phrases[0], intent.phrases[1]
    a = _side(first, second, pool, m)
    if a is None:
        return None
    b = _side(second, first, [op for op in pool if not op.same_item(a)], m)
    if b is None:
        return None
    a2 = _side(first, second, [op for op in pool if not op.same_item(b)], m)
    if a2 is None or not a2.same_item(a):
        return None  # the first phrase would rather mean the second operand
    return a, b


def _side(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    """The operand one side of a comparison means.

    A phrase naming a counted noun ("people", "housing units") means a number stated
    with that noun: one such number is the answer, several are told apart by meaning.
    """
    nouns = [op for op in pool if op.q.unit and op.q.unit != "%" and _names_noun(phrase, op.q.unit)
             and not _names_noun(other, op.q.unit)]
    if nouns and all(_same_value_op(o, nouns[0]) for o in nouns[1:]):
        return nouns[0]
    if pool and all(op.q.unit == "%" for op in pool):  # shares listed beside their groups
        return _supported(phrase, other, pool, m)
    return m.best(phrase, nouns or pool, contrast=[other])


def _per_something(q: Quantity) -> bool:
    """ "88 people per square mile", "4,111.5/sq mi": a density or rate, not a count."""
    after = q.sentence[q.end - q.sentence_start:]
    return re.match(r"(?i)\s*(?:[a-z-]+\s+)?(?:per|/|a\s+(?:day|week|month|year|game))\b|\s*/",
                    after) is not None


def _supported(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    """The operand `phrase` means, said right next to its number, or None.

    The words next to the number must name what the phrase names (`Matcher.support`),
    cover at least half its words, more than any other number's words do, and the
    model's closest match among the numbers that name it must agree. The model's floor
    is not asked for: a short phrase ("white") scores low against a long clause, and
    the words beside the number already say what it counts.
    """
    scored = [(m.support(phrase, op, other), op) for op in pool]
    named = [(s, op) for s, op in scored if s >= 0]
    if not named:
        return None
    top = max(s for s, _ in named)
    leaders = [op for s, op in named if s == top]
    if top < 0.5 or any(not _same_value_op(o, leaders[0]) for o in leaders[1:]):
        return None
    pool = [o for _, o in named]
    scores = m.scores(phrase, pool, contrast=[other] if other else ())
    op = pool[max(range(len(pool)), key=lambda i: scores[i])]
    return op if _same_value_op(op, leaders[0]) else None


def _same_value_op(a: Operand, b: Operand) -> bool:
    return a.q.unit == b.q.unit and math.isclose(a.q.value, b.q.value)


def _same_noun(u: str, v: str) -> bool:
    return bool(u) and (u == v or (u.rstrip("s") == v.rstrip("s") and u != "%" and not (
        len(u) == 3 and u.isupper())))


def _names_noun(phrase: str, unit: str) -> bool:
    """The phrase itself names the counted noun: "people" for "19,234 people"."""
    stem = unit.lower()[:5].rstrip("s")
    return any(w[:5].rstrip("s") == stem for w in re.findall(r"[a-z]+", phrase.lower()))


def _complement(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    """ "How many percent were not X": 100% less the stated share of X."""
    phrase = intent.phrases[0]
    pool = [op for op in ops if op.q.unit == "%" and op.q.role == "level"
            and op.q.factor is None and op.q.delta is None and 0 < op.q.value < 100]
    named = labelled(phrase, pool)
    if len({round(o.q.value, 9) for o in named}) > 1:
        return None  # two lists label a share so ("from 18 to 24" in 2000 and in 2010)
    op = named[0] if named else None if intent.exact else _supported(phrase, "", pool, m)
    if op is None:
        return None
    return _Calc(label_text(f"share not {intent.phrases[0]}"), 100 - op.q.value, "%",
                 f"100% - {op.q.text}", [(op, -1)])


def _share(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    pair = _two(intent, ops, m, allow_percent=False)
    if pair is None or pair[1].q.value == 0:
        return None
    part, whole, notes = pair
    return _Calc(label_text(f"{intent.phrases[0]} as a share of {intent.phrases[1]}"),
                 part.q.value / whole.q.value * 100, "%",
                 f"{part.q.text} / {whole.q.text} × 100", [(part, 1), (whole, -1)],
                 notes=notes)


def _sum(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    pool = _amounts(ops, measure=intent.measure)
    chosen: list[Operand] = []
    for k, phrase in enumerate(intent.phrases):
        others = intent.phrases[:k] + intent.phrases[k + 1:]
        op = m.best(phrase, [o for o in pool if not any(o.same_item(c) for c in chosen)],
                    contrast=others)
        if op is None:
            return None
        chosen.append(op)
    aligned = _common_unit(chosen, ops, intent.currency)
    if aligned is None:
        return None
    first = aligned[0]
    return _Calc(label_text(" plus ".join(intent.phrases)), sum(o.q.value for o in aligned),
                 first.q.unit, " + ".join(o.q.text for o in aligned),
                 [(o, 1) for o in aligned], notes=_period_notes(aligned))


def _convert(intent: Intent, ops: list[Operand], m: Matcher) -> _Calc | None:
    op = m.best(intent.phrases[0], _amounts(ops, measure=intent.measure))
    if op is None or not op.q.is_money or op.q.unit == intent.currency:
        return None
    if op.q.equiv_unit == intent.currency:
        return None  # the article states it in that currency already
    return _Calc(label_text(f"{intent.phrases[0]} in {currency_word(intent.currency)}"),
                 op.q.value, op.q.unit, op.q.text, [(op, 1)])


_HANDLERS: dict[str, Callable[[Intent, list[Operand], Matcher], _Calc | None]] = {
    "exchange_rate": _exchange_rate, "rate": _rate, "annualise": _annualise,
    "before": _before, "change": _change, "ratio": _ratio, "difference": _difference,
    "share": _share, "sum": _sum, "convert": _convert, "complement": _complement,
}


# --- units, currencies and periods ---------------------------------------------------


def _amounts(ops: list[Operand], percent: bool = False, measure: str = "") -> list[Operand]:
    """Operands that can be added or divided: money, counts (and % when asked).

    "How much" asks for money and "how many" for a count, so the other kind is left out.
    """
    out = []
    for op in ops:
        q = op.q
        if (measure == "money" and not q.is_money) or (
                measure == "count" and (q.is_money or q.unit == "%")) or (
                measure == "percent" and q.unit != "%"):
            continue
        if "/" in q.unit or q.unit == "x" or (q.unit == "%" and not percent):
            continue
        if q.unit.rstrip("s") in TIME_UNITS or q.unit == "times":
            continue
        out.append(op)
    return out


def _prefer_currency(currency: str) -> Callable[[Operand], int]:
    return lambda op: int(op.q.unit == currency)


def _years(q: Quantity) -> float | None:
    per_year = q.periods_per_year
    return 1 / per_year if per_year else None


def _period_notes(ops: list[Operand]) -> list[str]:
    notes = []
    spans = [(_years(o.q), o) for o in ops]
    known = [(y, o) for y, o in spans if y is not None]
    if len(known) >= 2 and any(not math.isclose(y, known[0][0]) for y, _ in known):
        parts = "; ".join(f"{o.q.text} is {o.q.period_text}" for _, o in known)
        notes.append(f"The periods differ: {parts}.")
    if len({o.article_id for o in ops}) > 1:
        notes.append("The numbers come from different articles.")
    return notes


def _earlier(op: Operand, ops: list[Operand]) -> Operand | None:
    """The quantity stating a level's earlier value ("up from €16.4 billion")."""
    return next((o for o in ops if o.article_id == op.article_id
                 and o.q.sentence_start == op.q.sentence_start and o.q.unit == op.q.unit
                 and o.q.value == op.q.previous and o.q.start != op.q.start), None)


def _change_partner(op: Operand, ops: list[Operand]) -> list[Operand]:
    """The stated change a level came from ("up 94%" for "$35.1 billion, up 94%")."""
    return [o for o in ops if o.article_id == op.article_id and o.q.role == "change"
            and o.q.sentence_start == op.q.sentence_start and o.q.text in op.q.change_text][:1]


def _twin(op: Operand, ops: list[Operand]) -> Operand | None:
    """The operand for the other side of a stated conversion."""
    return next((o for o in ops if o.article_id == op.article_id
                 and o.q.start == op.q.equiv_start), None)


def _common_unit(chosen: list[Operand], ops: list[Operand], currency: str
                 ) -> list[Operand] | None:
    """The chosen operands in one unit, using stated conversions ("($53.8 billion)").

    Counts must share their noun; currencies are mixed only through a conversion the
    article states for that very number. Otherwise there is no common unit.
    """
    units = [currency] if currency else []
    for op in chosen:
        units += [op.q.unit] + ([op.q.equiv_unit] if op.q.equiv_unit else [])
    for unit in dict.fromkeys(u for u in units if u):
        out = []
        for op in chosen:
            if op.q.unit == unit or (op.q.unit.rstrip("s") == unit.rstrip("s")
                                     and not op.q.is_money and unit != "%"):
                out.append(op)
            elif op.q.equiv_unit == unit:
                twin = _twin(op, ops)
                if twin is None:
                    break
                out.append(twin)
            else:
                break
        else:
            return out
    return None


def _find_rate(src: str, dst: str, ops: list[Operand], near: Operand) -> _Rate | None:
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
    twin = _twin(o, ops)
    return _Rate(top=tu, bottom=bu, per=tv / bv, source=f"{tt} = {bt}",
                 ops=(o,) + ((twin,) if twin else ()))


def _in_currency(calc: _Calc, target: str, ops: list[Operand]) -> _Calc | None:
    """Convert a money result at a rate the articles imply; no rate, no figure."""
    if not (len(calc.unit) == 3 and calc.unit.isupper()) or not calc.inputs:
        return None
    near = calc.inputs[0][0]
    rate = _find_rate(calc.unit, target, ops, near)
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


# --- building the Figure ------------------------------------------------------------


def _figure(calc: _Calc) -> Figure | None:
    if not math.isfinite(calc.value):
        return None
    bound = _bound(calc)
    formula = f"{calc.formula} = {amount(calc.value, calc.unit)}"
    if calc.extra:
        formula += f" ({calc.extra})"
    inputs = [_input(op) for op, _ in calc.inputs] + [_input(op) for op in calc.rate_ops]
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
                  formula=formula, inputs=_dedupe(inputs), approximate=bool(bound),
                  note=" ".join(notes))


def _bound(calc: _Calc) -> str:
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


def _input(op: Operand) -> FigureInput:
    q = op.q
    start, end = q.clause_start, q.clause_end
    if q.equiv_start >= 0:  # keep both sides of a stated conversion in the quote
        start, end = min(start, q.equiv_start), max(end, q.equiv_end)
    start, end = max(start, q.sentence_start), min(end, q.sentence_end)
    quote = q.sentence[start - q.sentence_start:end - q.sentence_start]
    return FigureInput(value=q.value, unit=q.unit, quote=quote, article_id=op.article_id,
                       start=start, end=end)


def _dedupe(inputs: list[FigureInput]) -> list[FigureInput]:
    seen, out = set(), []
    for i in inputs:
        key = (i.article_id, i.value, i.unit, i.start)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out
