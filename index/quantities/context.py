"""What the words around a number say: a stated change, a factor, the period it covers.

Runs once a number's sentence and clause are known, and only searches near the
number: these regexes are costly on long text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from index.quantities.patterns import (
    ADJECTIVE_PERIOD,
    APPROX_WORDS,
    CHANGE_AFTER,
    CHANGE_CUES,
    DOWN,
    FACTOR_BEFORE,
    FACTORS,
    FROM_AFTER_VERB,
    NOUN_CHANGE_BEFORE,
    PCT_VERB_BEFORE,
    PER_THING_AFTER,
    PER_THING_BEFORE,
    PERIOD_HINT,
    PERIOD_PATTERNS,
    TIME_UNITS,
    TO_BEFORE,
    VERB_BEFORE,
    WORD_VALUES,
    YEAR_ON_YEAR,
)

if TYPE_CHECKING:
    from index.quantities.quantity import Quantity

_CONTEXT = 100  # characters before a number searched for the words that qualify it


def read_context(text: str, q: Quantity) -> Quantity:
    """`q` with the change, factor and period its clause states; role "period" if it counts one."""
    pre_start = max(q.clause_start, q.start - _CONTEXT)  # bounded: regexes here are costly
    clause_pre = text[pre_start:q.start]
    has_change = bool(CHANGE_CUES.search(text, pre_start, min(q.clause_end, q.end + _CONTEXT)))
    role, direction = "level", 0
    change_approx, change_text, factor = "", "", None
    if q.unit == "%":
        vm = PCT_VERB_BEFORE.search(clause_pre)
        am = CHANGE_AFTER.match(text, q.end, q.clause_end)
        if vm and not TO_BEFORE.search(clause_pre) and not FROM_AFTER_VERB.search(vm.group(0)):
            role, direction = "change", _direction(vm.group("verb"))
            change_text = text[pre_start + vm.start():q.end]
        elif am and am.group("verb").lower() not in ("more", "less"):
            role, direction = "change", _direction(am.group("verb"))
            change_text = text[q.start:am.end()]
    elif q.unit and q.unit != "x":
        vm = VERB_BEFORE.search(clause_pre) or NOUN_CHANGE_BEFORE.search(clause_pre)
        am = CHANGE_AFTER.match(text, q.end, q.clause_end)
        if vm:
            role, direction = "change", _direction(vm.group("verb"))
            change_text = text[pre_start + vm.start():q.end]
        elif am:
            role, direction = "change", _direction(am.group("verb"))
            change_text = text[q.start:am.end()]
    fm = FACTOR_BEFORE.search(clause_pre) if role == "level" else None
    if fm:
        factor = _factor(fm)
        if factor is not None:
            change_approx = APPROX_WORDS.get(re.sub(r"\s+", " ", (fm.group("approx") or "")
                                                     .lower()), "")
            change_text = text[pre_start + fm.start():pre_start + fm.start()
                               + len(fm.group(0).rstrip())].rstrip()
            change_text = re.sub(r"\s+to$", "", change_text)
    count, unit, ptext, in_period = _period(text, q, has_change)
    if in_period:
        role = "period"
    return replace(q, role=role, direction=direction, factor=factor, change_text=change_text,
                   change_approx=change_approx, period_count=count, period_unit=unit,
                   period_text=ptext, per=_per_thing(text, q, clause_pre))


def _per_thing(text: str, q: Quantity, clause_pre: str) -> str:
    """ "share" for "$23.10 a share" or "a share price of $23.10": the one thing it prices."""
    if q.unit == "%" or q.unit == "x" or "/" in q.unit:
        return ""
    m = PER_THING_AFTER.match(text, q.end, min(q.sentence_end, q.end + 40))
    if m:
        return re.sub(r"\s+", " ", m.group("noun").lower())
    if not q.is_money:
        return ""
    b = PER_THING_BEFORE.search(clause_pre[-60:])
    if b:
        return (b.group("noun") or b.group("noun2") or "share").lower()
    return ""


def _direction(verb: str) -> int:
    return -1 if re.fullmatch(rf"(?i){DOWN}|cut|reduced|lowered", verb) else 1


def _factor(m: re.Match[str]) -> float | None:
    verb = m.group("verb").lower()
    if verb in FACTORS:
        return FACTORS[verb]
    word = (m.group("fold") or m.group("fold2") or "").lower()
    if word.isdigit():
        return float(word) if 0 < int(word) < 1000 else None
    value = WORD_VALUES.get(word)
    return float(value) if value and value > 1 else None


def _period(text: str, q: Quantity, has_change: bool) -> tuple[float, str, str, bool]:
    """The period the quantity covers, and whether the number is itself a period's count."""
    best: tuple[int, float, str, str] | None = None
    in_period = False
    for scope_start, scope_end, wide in ((q.clause_start, q.clause_end, False),
                                         (q.sentence_start, q.sentence_end, True)):
        scope_start = max(scope_start, q.start - 2 * _CONTEXT)
        scope_end = min(scope_end, q.end + 2 * _CONTEXT)
        if not PERIOD_HINT.search(text, scope_start, scope_end):
            continue  # one cheap scan spares ten costly ones
        for kind, pattern in PERIOD_PATTERNS:
            for m in pattern.finditer(text, scope_start, scope_end):
                ms, me = m.start(), m.end()
                if ms <= q.start and q.end <= me and kind in ("count", "months_to", "compound"):
                    in_period = True
                    continue
                found = _period_value(kind, m)
                if found is None or kind == "horizon":
                    continue
                if wide and (
                        me > q.clause_start or ADJECTIVE_PERIOD.fullmatch(m.group(0))
                        or re.search(r"\d", text[me:q.clause_start])):
                    continue  # only an opening "In the third quarter, ..." covers the clause
                if has_change and YEAR_ON_YEAR.fullmatch(m.group(0)):
                    continue  # "increased by $132m annually": a comparison, not a period
                dist = q.start - me if me <= q.start else ms - q.end
                if best is None or abs(dist) < best[0]:
                    best = (abs(dist), found[0], found[1], m.group(0))
        if best is not None or in_period:
            break
    if best is None:
        return 0.0, "", "", in_period
    return best[1], best[2], best[3], in_period


def _period_value(kind: str, m: re.Match[str]) -> tuple[float, str] | None:
    if kind in ("count", "months_to", "compound"):
        n = _word_or_digits(m.group("n"))
        unit = m.group("unit").lower().rstrip("s")
        if n is None or n <= 0:
            return None
        if unit == "decade":
            return n * 10, "year"
        if unit == "month" and n == 3:
            return 1.0, "quarter"
        if unit == "month" and n == 12:
            return 1.0, "year"
        return n, unit
    if kind == "span":
        span = int(m.group("y2")) - int(m.group("y1")) + 1
        return (float(span), "year") if 2 <= span <= 30 else None
    if kind == "decade":
        return 10.0, "year"
    if kind == "half":
        return 6.0, "month"
    if kind in TIME_UNITS:
        return 1.0, kind
    return None


def _word_or_digits(token: str) -> float | None:
    token = re.sub(r"\s+", " ", token.lower())
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    value = WORD_VALUES.get(token)
    return float(value) if value is not None else None
