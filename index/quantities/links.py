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
    COMMA_FROM,
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


_TOTAL_TO = re.compile(rf"(?i)[^.;\d]{{0,60}}?\b(?P<verb>bringing|taking|lifting|raising|pushing|cutting|reducing|"
                       rf"lowering)\s+(?:its|the|their|his|her|our)\s+(?:total|tally|number|count|headcount|"
                       rf"workforce|payroll|fleet|network|estate)(?:\s+\w+)?\s+to\s+{FILLER_APPROX}")
_LEVEL_TO = re.compile(
    rf"(?i)\s+(?:(?:would|will|could|should|is\s+(?:expected|set|forecast|due)\s+to|are\s+(?:expected|set)\s+to)\s+)"
    rf"(?:fall|drop|rise|grow|increase|decrease|decline|climb|shrink|jump|be\s+cut|be\s+reduced|be\s+raised)\s+"
    rf"to\s+{FILLER_APPROX}")
_LINK_PP_TEXT = r"(?:\s+(?:in|for|during|over|at|on)\b[^.;\d,()]{0,40})?"
# "wiping about $142bn off its stock market value and leaving the company worth about $605bn"
_WIPE_VERB = re.compile(r"(?i)\b(?P<verb>wiping|wiped|knocking|knocked|shaving|shaved|erasing|erased|adding|added)"
                        r"\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+|some\s+)?(?=$|[$€£¥\d])")
_WIPED_LEAVING = re.compile(rf"(?i)\s+(?:off|from|to|onto)\s+(?:its|the|their|[A-Z][\w&.'’-]*['’]s?)\s+"
                            rf"(?:[\w'’-]+\s+){{0,3}}?"
                            rf"(?:value|valuation|worth|capitali[sz]ation)\s*,?\s+(?:and\s+)?(?:leaving|valuing|taking|"
                            rf"giving|putting)\s+(?:it|them|the\s+[\w-]+|its\s+[\w-]+|[A-Z][\w&.'’-]*)?\s*(?:[\w-]+\s+)?"
                            rf"(?:worth|at|to|a\s+(?:market\s+)?(?:value|valuation)\s+of)\s+{FILLER_APPROX}")
_REPEAT = re.compile(r"\(\s*[-−]?[\d.,]+\s*(?:%|per\s*cent|percent)?\s*\)")
_YEAR_WORD = re.compile(r"\b(?:19|20)\d\d\b")
# "rose £88m, or 31%", "decreased by $932 million (13.4%)": one change said two ways.
_CHANGE_PCT = re.compile(r"(?i)^\s*(?:,\s*or|\(|,\s*(?:up|down)|,)\s*(?:about\s+|roughly\s+|some\s+)?$")


_PREMIUM_BETWEEN = re.compile(r"(?i)(?:\s+(?:in\s+cash\s+)?(?:a|per|for\s+each)\s+(?-i:(?:[A-Z][\w&.'’-]*\s+){1,3})?"
                              r"share)?(?:\s*,[^,;.()\d]{0,60})?\s*,\s*(?:(?:a|an)\s+|a\s+premium\s+of\s+)")
_PREMIUM_AFTER = re.compile(r"(?i)\s+premium\b|\s+(?:to|over|above)\s+(?:the|its|their|[A-Z][\w&.'’-]*['’]s?)\s+"
                            r"(?:[\w'’-]+\s+){0,2}(?:closing\s+)?(?:share\s+)?price")


# "€2.47bn ($3.21bn), compared with €1.88bn": a bracketed conversion between two linked numbers.
_EQUIV_BRACKET = re.compile(r"^\s*\(\s*(?:about\s+|around\s+|roughly\s+)?[$€£¥]?\s?\d[\d.,]*\s*(?:bn|m|k|"
                            r"billion|million|trillion|[a-z]+)?(?:\s*;\s*[$€£¥]?\s?\d[\d.,]*\s*(?:bn|m|k|billion|million)?)*"
                            r"\s*\)")


def _between(text: str, a: int, b: int) -> str:
    """The words between two numbers, a bracketed repeat, a bracketed conversion right after
    the first and years aside ("7% ( 7 % ) , from 2013 to")."""
    return _YEAR_WORD.sub("yyyy", _REPEAT.sub(" ", _EQUIV_BRACKET.sub(" ", text[a:b], count=1)))


def link(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Join a conversion to its original, a change to the level it led to."""
    out = _change_in_percent(text, _inherit_units(text, list(qs)))
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
            if out[i] is not q and p.role == "level" and out[i].delta is not None \
                    and (not p.is_money or _WIPE_VERB.match(out[i].change_text + " ")) \
                    and out[i].unit == p.unit and abs(out[i].delta) == p.value:
                # the count added ("220 new shops") is the change, not a level of its own
                out[j] = replace(p, role="change", direction=1 if out[i].delta > 0 else -1)
            if out[i] is not q:
                amount = out[j - 1] if j > 0 else None
                if (p.unit == "%" and amount is not None and amount.change_pct == p.value
                        and amount.unit == q.unit and out[i].delta is None):
                    out[i] = replace(out[i], delta=amount.direction * amount.value)  # exact, beside the %
                break
        q = out[i]
        after = next((out[k] for k in range(i + 1, len(out)) if out[k].role != "period"
                      and out[k].start != q.equiv_start), None)  # past its bracketed conversion
        if q.previous is None and after is not None and after.sentence_start == q.sentence_start:
            out[i] = _link_pair(text, after, q, before=False) or q
    return out


def _link_pair(text: str, p: Quantity, q: Quantity, before: bool) -> Quantity | None:
    """q is a level; p a change or earlier level stated next to it."""
    if before:
        between = _between(text, p.end, q.start)
        if (p.role == "level" and (p.unit == q.unit or _bare_count(q, p))
                and FROM_TO.search(text, p.clause_start, p.start)
                and re.fullmatch(rf"(?i)(?:\s+(?:a|an|per)\s+[a-z]+)?\s+to\s+{FILLER_APPROX}", between)):
            # "from 310,000 cars a year to about 190,000": the bare number counts cars too
            return replace(q, previous=p.value, unit=q.unit or p.unit,
                           change_text=q.change_text or text[p.start:q.end])
        wipe = _WIPE_VERB.search(text, max(p.sentence_start, p.start - 40), p.start) if p.is_money else None
        if p.role == "level" and wipe and p.unit == q.unit and _WIPED_LEAVING.fullmatch(between):
            sign = 1 if wipe.group("verb").lower().startswith("add") else -1
            return replace(q, delta=sign * p.value, change_text=text[wipe.start():q.end])
        total = _TOTAL_TO.fullmatch(between)
        if p.role == "level" and p.unit and not p.is_money and q.unit in ("", p.unit) and total:
            # "opened 220 new shops last year, bringing its total to 1,450": 220 more than before
            sign = -1 if total.group("verb").lower().startswith(("cut", "reduc", "lower")) else 1
            return replace(q, unit=p.unit, delta=sign * p.value, change_text=text[p.start:q.end])
        if p.role == "level" and p.unit == q.unit and _LEVEL_TO.fullmatch(between):
            # "its debt of €18.6bn would fall to €14.1bn": the earlier level, then the new one
            return replace(q, previous=p.value, change_text=q.change_text or text[p.start:q.end])
        if p.role != "change" or not LINK_TO.match(between):
            return None
    else:
        between = _between(text, q.end, p.start)
        if p.unit == "%" and q.is_money and _PREMIUM_BETWEEN.fullmatch(between) and _PREMIUM_AFTER.match(text, p.end):
            # "paying 1,450 koruna a share, a 19% premium": the price before was 1,450 / 1.19
            return replace(q, factor=1 + p.value / 100, change_text=text[p.start:p.end] + " premium",
                           change_approx=p.approx)
        if p.role == "level" and (p.unit == q.unit or _bare_count(p, q)) and LINK_FROM.match(between):
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


_OF_WHOLE = re.compile(r"(?i)^\s+of\s+(?:(?:all\s+)?(?:its|the|their|his|her|our)\s+|all\s+)?$")
_OF_THE_NOUN = re.compile(r"(?i)\s+of\s+(?:all\s+)?(?:its|the|their|his|her|our)\s+"
                          r"(?P<noun>[a-z][a-z-]*[a-z]s|staff|people|aircraft|personnel|crew)\b(?!['’])")
_OF_LEAD = re.compile(r"(?i)\bof\s+(?:all\s+)?(?:its|the|their|his|her|our)?\s*$")
_COUNT_FROM = re.compile(rf"(?i)^(?:{_LINK_PP_TEXT}\s*,?\s*\(?\s*(?:(?:(?:was|were|is|are)\s+)?"
                         r"(?:up|down|rising|falling)\s+from|compared\s+(?:with|to)|against|versus|from)"
                         rf"|{COMMA_FROM},\s*(?:up|down|rising|falling)\s+from)\s+(?:about\s+|around\s+|some\s+)?$")


def _bare_count(p: Quantity, q: Quantity) -> bool:
    """p is a bare number where q counts something: "187,400 ballots ..., up from 121,000"."""
    return not p.unit and bool(q.unit) and q.unit != "%" and not q.is_money


def _is_count(q: Quantity) -> bool:
    return bool(q.unit) and not q.is_money and q.unit not in ("%", "x", "times") and "/" not in q.unit


def _inherit_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """A bare number counts what its neighbour counts: "closed 140 of its 400 stores", "sold 2.35
    million vehicles in 2023, up from 2.1 million", "Of its 9,800 staff, 2,150 work ...", "412,000 of
    the vehicles sold"."""
    out = list(qs)
    for i, q in enumerate(out):
        if q.unit or q.role == "period":
            continue
        prev = out[i - 1] if i > 0 else None
        nxt = out[i + 1] if i + 1 < len(out) else None
        unit = ""
        if nxt is not None and _is_count(nxt) and nxt.sentence_start == q.sentence_start and _OF_WHOLE.match(
                text[q.end:nxt.start]):
            unit = nxt.unit
        elif prev is not None and _is_count(prev) and prev.sentence_start == q.sentence_start and (
                _COUNT_FROM.match(_between(text, prev.end, q.start))
                or (re.fullmatch(r"\s*,\s*", text[prev.end:q.start])
                    and _OF_LEAD.search(text, max(prev.sentence_start, prev.start - 16), prev.start))):
            unit = prev.unit
        else:
            m = _OF_THE_NOUN.match(text, q.end)
            if m and any(o.unit == m.group("noun") for o in out):
                unit = m.group("noun")
        if unit:
            out[i] = replace(q, unit=unit)
    return out


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
