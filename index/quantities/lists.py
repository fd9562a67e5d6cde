"""Numbers read together: a repeat in brackets, and a list that states its unit once.

Filings write "7% ( 7 % )": the bracketed repeat is one number, not a second one a
figure could add. "29.4 million, 18.9 million and 10.2 million shares" and "18, 14 and
11 per cent" name the unit only at the end: every number of the list counts it. A part
named against its whole counts what the whole counts: "close 140 of its 910 branches",
"812,000 vehicles, of which 305,000 were sold in North America".
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.quantities.quantity import Quantity

_REPEAT_BETWEEN = re.compile(r"\s*\(\s*$")
_REPEAT_AFTER = re.compile(r"\s*\)")
_LIST_GAP = re.compile(r"(?i)\s*(?:,\s*(?:and\s+)?|\s+and\s+)$")
_RANGE_BEFORE = re.compile(r"(?i)\b(?:to|from|between|and|aged|ages?|of)\s+$|[-–]\s*$")


def drop_repeats(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Without the bracketed repeat of the number just before: "22.8% ( 22.8 % )"."""
    out: list[Quantity] = []
    for q in qs:
        p = out[-1] if out else None
        if (p is not None and p.unit == q.unit and p.value == q.value
                and _REPEAT_BETWEEN.fullmatch(text, p.end, q.start)
                and _REPEAT_AFTER.match(text, q.end)):
            continue
        out.append(q)
    return out


def share_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """A list's last unit given to the bare numbers before it: "18, 14 and 11 per cent"."""
    out = list(qs)
    for i, j in reversed(list(pairwise(range(len(out))))):
        a, b = out[i], out[j]
        if a.unit or not b.unit or b.is_money or a.sentence_start != b.sentence_start:
            continue
        if not _LIST_GAP.fullmatch(text, a.end, b.start):
            continue
        if _RANGE_BEFORE.search(text, max(0, a.start - 12), a.start):
            continue  # "under the age of 18, 55.2% ...", "from 18 to 24, 15.3%": an age, not a share
        if b.unit != "%" and _scaled(a.text) != _scaled(b.text):
            continue  # "3 and 4 million shares" is ambiguous: leave "3" bare
        out[i] = replace(a, unit=b.unit)
    return out


_PART_OF = re.compile(r"(?i)\s+(?:out\s+)?of\s+(?:its|their|the|his|her|our|a\s+total\s+of)\s+$")
_OF_WHICH = re.compile(r"(?i)[,(]\s*(?:of\s+which|of\s+whom|including)\s+$")


# Counts listed place by place: "... in Germany and 95,000 in the US".
_PLACE_THEN_AND = re.compile(r"\b(?:in|to|at|from)\s+(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*"
                             r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)$")
_IN_PLACE = re.compile(r"\s+(?:in|to|at|from)\s+(?:the\s+)?[A-Z]")


def part_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """A bare count takes the unit of the whole it is a part of, in the same sentence."""
    out = list(qs)
    for i, j in pairwise(range(len(out))):
        a, b = out[i], out[j]
        if a.sentence_start != b.sentence_start or a.is_money or b.is_money:
            continue
        if not a.unit and b.unit and b.unit != "%" and _PART_OF.fullmatch(text, a.end, b.start):
            out[i] = replace(a, unit=b.unit)  # "140 of its 910 branches"
        elif a.unit and not b.unit and a.unit != "%" and _OF_WHICH.search(text, a.end, b.start) \
                and b.start - a.end <= 80:
            out[j] = replace(b, unit=a.unit)  # "812,000 vehicles ..., of which 305,000 ..."
    return out


def place_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """A bare count listed after a count of one place takes its unit: "168,000 of the cars were
    sold in Germany and 95,000 in the US" (run once the first count has its unit)."""
    out = list(qs)
    for i, j in pairwise(range(len(out))):
        a, b = out[i], out[j]
        if (a.sentence_start == b.sentence_start and a.unit and not b.unit and a.unit != "%" and not a.is_money
                and b.start - a.end <= 80 and _PLACE_THEN_AND.search(text, a.end, b.start)
                and _IN_PLACE.match(text, b.end)):
            out[j] = replace(b, unit=a.unit)
    return out


def _scaled(number: str) -> bool:
    return re.search(r"(?i)\d\s*(?:thousand|million|billion|trillion|bn|mn|m|k)\b", number) is not None
