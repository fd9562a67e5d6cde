"""Links between neighbouring quantities in a sentence.

A parenthetical conversion ("380 billion yuan ($53.8 billion)") is joined to its
original, and a level to the change or earlier level stated beside it, so a figure
can cite both numbers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from index.quantities.patterns import (
    EQUIV_AFTER,
    EQUIV_BETWEEN,
    FILLER_APPROX,
    FROM_TO,
    LINK_FROM,
    LINK_TO,
    LINK_UPDOWN,
)

if TYPE_CHECKING:
    from index.quantities.quantity import Quantity


_REPEAT = re.compile(r"\(\s*[-−]?[\d.,]+\s*(?:%|per\s*cent|percent)?\s*\)")
_YEAR_WORD = re.compile(r"\b(?:19|20)\d\d\b")
# "rose £88m, or 31%", "decreased by $932 million (13.4%)": one change said two ways.
_CHANGE_PCT = re.compile(r"(?i)^\s*(?:,\s*or|\(|,\s*(?:up|down)|,)\s*(?:about\s+|roughly\s+|some\s+)?$")


def _between(text: str, a: int, b: int) -> str:
    """The words between two numbers, a bracketed repeat and years aside ("7% ( 7 % ) , from 2013 to")."""
    return _YEAR_WORD.sub("yyyy", _REPEAT.sub(" ", text[a:b]))


def link(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Join a conversion to its original, a change to the level it led to."""
    out = _change_in_percent(text, list(qs))
    numbers = [k for k, q in enumerate(out) if q.role != "period"]  # "five years" sits between
    for i, j in pairwise(numbers):
        a, b = out[i], out[j]
        if a.sentence_start != b.sentence_start:
            continue
        between = text[a.end:b.start]
        if (a.is_money and b.is_money and a.unit != b.unit
                and EQUIV_BETWEEN.match(between) and EQUIV_AFTER.match(text[b.end:b.end + 2])):
            out[i] = replace(a, equiv_value=b.value, equiv_unit=b.unit, equiv_text=b.text,
                             equiv_start=b.start, equiv_end=b.end,
                             period_count=a.period_count or b.period_count,
                             period_unit=a.period_unit or b.period_unit,
                             period_text=a.period_text or b.period_text)
            out[j] = replace(b, equiv_value=a.value, equiv_unit=a.unit, equiv_text=a.text,
                                 equiv_start=a.start, equiv_end=a.end, role=a.role,
                                 period_count=a.period_count or b.period_count,
                                 period_unit=a.period_unit or b.period_unit,
                                 period_text=a.period_text or b.period_text)
    for i, q in enumerate(out):
        if q.role != "level":
            continue
        for j in range(i - 1, -1, -1):
            p = out[j]
            if p.sentence_start != q.sentence_start:
                break
            out[i] = _link_pair(text, p, q, before=True) or out[i]
            if out[i] is not q:
                amount = out[j - 1] if j > 0 else None
                if (p.unit == "%" and amount is not None and amount.change_pct == p.value
                        and amount.unit == q.unit and out[i].delta is None):
                    out[i] = replace(out[i], delta=amount.direction * amount.value)  # exact, beside the %
                break
        q = out[i]
        after = next((out[k] for k in range(i + 1, len(out)) if out[k].role != "period"), None)
        if q.previous is None and after is not None and after.sentence_start == q.sentence_start:
            out[i] = _link_pair(text, after, q, before=False) or q
    return out


def _link_pair(text: str, p: Quantity, q: Quantity, before: bool) -> Quantity | None:
    """q is a level; p a change or earlier level stated next to it."""
    if before:
        between = _between(text, p.end, q.start)
        if (p.role == "level" and p.unit == q.unit
                and FROM_TO.search(text, p.clause_start, p.start)
                and re.fullmatch(rf"(?i)\s+to\s+{FILLER_APPROX}", between)):
            return replace(q, previous=p.value, change_text=q.change_text or text[p.start:q.end])
        if p.role != "change" or not LINK_TO.match(between):
            return None
    else:
        between = _between(text, q.end, p.start)
        if p.role == "level" and p.unit == q.unit and LINK_FROM.match(between):
            return replace(q, previous=p.value, change_text=q.change_text or text[q.start:p.end])
        if p.role != "change" or not LINK_UPDOWN.match(between):
            return None
    if p.unit == "%":
        factor = 1 + p.direction * p.value / 100
        if factor <= 0:
            return None
        return replace(q, factor=factor, change_text=p.change_text or p.text,
                       change_approx=p.approx)
    if p.unit == q.unit:
        return replace(q, delta=p.direction * p.value, change_text=p.change_text or p.text,
                       change_approx=p.approx)
    return None


def _change_in_percent(text: str, qs: list[Quantity]) -> list[Quantity]:
    """An amount's change with its percentage beside it: the percentage is the same change."""
    out = list(qs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (a.role == "change" and a.unit not in ("%", "") and b.unit == "%" and b.role == "level"
                and a.sentence_start == b.sentence_start and b.factor is None
                and _CHANGE_PCT.match(_between(text, a.end, b.start))):
            out[i] = replace(a, change_pct=b.value)
            start = a.end - len(a.change_text) if a.change_text.endswith(a.text) else a.start
            out[i + 1] = replace(b, role="change", direction=a.direction, change_text=text[start:b.end])
    return out
