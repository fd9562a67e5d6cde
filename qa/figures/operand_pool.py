"""Which operands fit together: amounts of one kind, a common unit, periods, partners in one sentence."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from index.quantities.patterns import TIME_UNITS
from index.quantities.quantity import Quantity
from qa.figures.operands import Matcher, Operand


def amounts(ops: list[Operand], percent: bool = False, measure: str = "") -> list[Operand]:
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


def prefer_currency(currency: str) -> Callable[[Operand], int]:
    return lambda op: int(op.q.unit == currency)


def years_of(q: Quantity) -> float | None:
    per_year = q.periods_per_year
    return 1 / per_year if per_year else None


def period_notes(ops: list[Operand]) -> list[str]:
    notes = []
    spans = [(years_of(o.q), o) for o in ops]
    known = [(y, o) for y, o in spans if y is not None]
    if len(known) >= 2 and any(not math.isclose(y, known[0][0]) for y, _ in known):
        parts = "; ".join(f"{o.q.text} is {o.q.period_text}" for _, o in known)
        notes.append(f"The periods differ: {parts}.")
    if len({o.article_id for o in ops}) > 1:
        notes.append("The numbers come from different articles.")
    return notes


def earlier_of(op: Operand, ops: list[Operand]) -> Operand | None:
    """The quantity stating a level's earlier value ("up from €16.4 billion")."""
    return next((o for o in ops if o.article_id == op.article_id
                 and o.q.sentence_start == op.q.sentence_start and o.q.unit == op.q.unit
                 and o.q.value == op.q.previous and o.q.start != op.q.start), None)


def change_partner(op: Operand, ops: list[Operand]) -> list[Operand]:
    """The stated change a level came from ("up 94%" for "$35.1 billion, up 94%")."""
    return [o for o in ops if o.article_id == op.article_id and o.q.role == "change"
            and o.q.sentence_start == op.q.sentence_start and o.q.text in op.q.change_text][:1]


def twin_of(op: Operand, ops: list[Operand]) -> Operand | None:
    """The operand for the other side of a stated conversion."""
    return next((o for o in ops if o.article_id == op.article_id
                 and o.q.start == op.q.equiv_start), None)


def common_unit(chosen: list[Operand], ops: list[Operand], currency: str
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
                twin = twin_of(op, ops)
                if twin is None:
                    break
                out.append(twin)
            else:
                break
        else:
            return out
    return None


def same_value(a: Operand, b: Operand) -> bool:
    return a.q.unit == b.q.unit and math.isclose(a.q.value, b.q.value)


def same_noun(u: str, v: str) -> bool:
    return bool(u) and (u == v or (u.rstrip("s") == v.rstrip("s") and u != "%" and not (
        len(u) == 3 and u.isupper())))


def names_noun(phrase: str, unit: str) -> bool:
    """The phrase itself names the counted noun: "people" for "19,234 people"."""
    stem = unit.lower()[:5].rstrip("s")
    return any(w[:5].rstrip("s") == stem for w in re.findall(r"[a-z]+", phrase.lower()))


def per_something(q: Quantity) -> bool:
    """ "88 people per square mile", "4,111.5/sq mi": a density or rate, not a count."""
    after = q.sentence[q.end - q.sentence_start:]
    return re.match(r"(?i)\s*(?:[a-z-]+\s+)?(?:per|/|a\s+(?:day|week|month|year|game))\b|\s*/",
                    after) is not None


def supported_side(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
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
    if top < 0.5 or any(not same_value(o, leaders[0]) for o in leaders[1:]):
        return None
    pool = [o for _, o in named]
    scores = m.scores(phrase, pool, contrast=[other] if other else ())
    op = pool[max(range(len(pool)), key=lambda i: scores[i])]
    return op if same_value(op, leaders[0]) else None
