"""Two or more amounts combined: ratio, difference, "how many more", sum."""

from __future__ import annotations

from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import (
    amounts,
    common_unit,
    names_noun,
    per_something,
    period_notes,
    same_noun,
    same_value,
    supported_side,
)
from qa.figures.operands import Matcher, Operand
from qa.figures.text import (
    label_text,
)


def two_operands(intent: Intent, ops: list[Operand], m: Matcher,
         allow_percent: bool) -> tuple[Operand, Operand, list[str]] | None:
    pool = [op for op in amounts(ops, percent=allow_percent,
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
    pair = common_unit([a, b], ops, intent.currency)
    return (pair[0], pair[1], period_notes(pair)) if pair else None


def ratio_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    pair = two_operands(intent, ops, m, allow_percent=True)
    if pair is None or pair[1].q.value == 0:
        return None
    a, b, notes = pair
    calc = Calc(label_text(f"{intent.phrases[0]} relative to {intent.phrases[1]}"),
                 a.q.value / b.q.value, "x", f"{a.q.text} / {b.q.text}", [(a, 1), (b, -1)],
                 notes=notes)
    return calc


def difference_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    if intent.direction:
        return how_many_more(intent, ops, m)
    pair = two_operands(intent, ops, m, allow_percent=True)
    if pair is None:
        return None
    a, b, notes = pair
    return Calc(label_text(f"{intent.phrases[0]} minus {intent.phrases[1]}"),
                 a.q.value - b.q.value, a.q.unit, f"{a.q.text} - {b.q.text}",
                 [(a, 1), (b, -1)], notes=notes)


def how_many_more(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How many more A than B": A - B, which the question says is positive.


    Both sides must be matched with confidence, in the unit the question names (or
    counts of the nouns its phrases name: "more people than households"); a result
    of the wrong sign means a side was misread, so there is no figure.
    """
    pool = [op for op in amounts(ops, percent=intent.measure == "percent",
                                  measure=intent.measure)
            if op.q.role == "level" and op.q.factor is None and op.q.delta is None
            and not per_something(op.q)]
    if intent.unit:
        pool = [op for op in pool if same_noun(op.q.unit, intent.unit)]
    pair = two_of(intent, pool, m)
    if pair is None:
        return None
    a, b = pair
    if m.support(intent.phrases[0], a, intent.phrases[1], clause=True) < 0 or m.support(
            intent.phrases[1], b, intent.phrases[0], clause=True) < 0:
        return None  # a name or year that tells the sides apart is not beside its number
    if not same_noun(a.q.unit, b.q.unit) and not (
            a.q.unit and b.q.unit and a.q.unit != "%" and b.q.unit != "%"
            and names_noun(intent.phrases[0], a.q.unit)
            and names_noun(intent.phrases[1], b.q.unit)
            and not names_noun(intent.phrases[0], b.q.unit)
            and not names_noun(intent.phrases[1], a.q.unit)):
        return None  # "more people than households" only when each side names its own noun
    big, small = (a, b) if intent.direction > 0 else (b, a)
    value = big.q.value - small.q.value
    if value <= 0:
        return None
    label = f"{intent.phrases[0]} minus {intent.phrases[1]}" if intent.direction > 0 else \
        f"{intent.phrases[1]} minus {intent.phrases[0]}"
    unit = big.q.unit if same_noun(big.q.unit, small.q.unit) else ""
    return Calc(label_text(label), value, unit, f"{big.q.text} - {small.q.text}",
                 [(big, 1), (small, -1)], notes=period_notes([a, b]))


def two_of(intent: Intent, pool: list[Operand], m: Matcher) -> tuple[Operand, Operand] | None:
    """Each phrase's one clearly best operand, two different numbers, or None."""
    first, second = intent.phrases[0], intent.phrases[1]
    a = side_of(first, second, pool, m)
    if a is None:
        return None
    b = side_of(second, first, [op for op in pool if not op.same_item(a)], m)
    if b is None:
        return None
    a2 = side_of(first, second, [op for op in pool if not op.same_item(b)], m)
    if a2 is None or not a2.same_item(a):
        return None  # the first phrase would rather mean the second operand
    return a, b


def side_of(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    """The operand one side of a comparison means.


    A phrase naming a counted noun ("people", "housing units") means a number stated
    with that noun: one such number is the answer, several are told apart by meaning.
    """
    nouns = [op for op in pool if op.q.unit and op.q.unit != "%" and names_noun(phrase, op.q.unit)
             and not names_noun(other, op.q.unit)]
    if nouns and all(same_value(o, nouns[0]) for o in nouns[1:]):
        return nouns[0]
    if pool and all(op.q.unit == "%" for op in pool):  # shares listed beside their groups
        return supported_side(phrase, other, pool, m)
    return m.best(phrase, nouns or pool, contrast=[other])


def total(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    pool = amounts(ops, measure=intent.measure)
    chosen: list[Operand] = []
    for k, phrase in enumerate(intent.phrases):
        others = intent.phrases[:k] + intent.phrases[k + 1:]
        op = m.best(phrase, [o for o in pool if not any(o.same_item(c) for c in chosen)],
                    contrast=others)
        if op is None:
            return None
        chosen.append(op)
    aligned = common_unit(chosen, ops, intent.currency)
    if aligned is None:
        return None
    first = aligned[0]
    return Calc(label_text(" plus ".join(intent.phrases)), sum(o.q.value for o in aligned),
                 first.q.unit, " + ".join(o.q.text for o in aligned),
                 [(o, 1) for o in aligned], notes=period_notes(aligned))
