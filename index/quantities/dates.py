"""The year each number belongs to: "$1.3 billion in fiscal 2013", "... in 2016 and 2015, respectively".

Reports and news state one measure for several years in one sentence, and a figure
comparing two years must know which number is which. Each number gets `when`, the
year it measures, and a change gets `since`, the year it is measured from ("up $108
million from 2013"). Years that name a thing ("the 2010 plan") or bound a term
("through 2012", "since 2007") are not a number's year. Runs after linking, so an
earlier level ("up from $4bn") does not take the later level's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.quantities.patterns import MONTHS

if TYPE_CHECKING:
    from index.quantities.quantity import Quantity

_YEAR = re.compile(r"(?<![\w$€£¥.,/:])(?P<y>(?:19|20)\d\d)(?![\w%$£€¥]|[.,]\d)")
_DAY = rf"(?:(?:{MONTHS})\.?\s+(?:\d{{1,2}}\s*,?\s*)?)"
_FISCAL = r"(?:(?:fiscal|financial|calendar|full|fy)\s+(?:year\s+)?)"
# Words before a year that make it a bound or a deadline, not the year measured.
_BOUND_BEFORE = re.compile(
    rf"(?i)\b(?:since|prior\s+to|before|after|until|till|through|thru|due|expir\w*|matur\w*|"
    rf"beginning|starting|commencing|effective|by)\s+(?:(?:in|on|by|from)\s+)?(?:the\s+)?{_FISCAL}?{_DAY}?$")
_BASE_BEFORE = re.compile(
    rf"(?i)\b(?:from|compared\s+(?:to|with)|versus|vs\.?|than|over|against|relative\s+to|(?<=%\s)on|"
    rf"since\s+the\s+end\s+of)\s+(?:(?:the|its|their|our|his|her)\s+)?(?:(?:end|close)\s+of\s+)?{_FISCAL}?{_DAY}?$")
_NAME_AFTER = re.compile(
    r"(?i)^[\s-]*(?:employee|omnibus|incentive|stock|share|equity|long-term|senior|"
    r"plan|program|programme|notes?|act|agreement|facility|credit|repurchase|asr|bonds?|"
    r"debentures?|revolving|series|term\s+loan|acquisition|transaction|restructuring|"
    r"offering|authori[sz]ation|directors)\b")
# "at December 31, 2015", "in fiscal 2013", "for the year ended June 30, 2016": the
# year right after a number is the year it measures.
_AFTER = re.compile(
    rf"(?i)(?:\s*\([^()\d]{{0,60}}(?:\d[^()]{{0,40}})?\))?(?:\s+(?!(?:and|or|but|while|whereas|compared|from|"
    rf"than|versus|against|up|down|which|that)\b)[a-z][a-z'’-]*){{0,4}}?"
    rf"(?:\s*,?\s*or\s+[\d.]+\s*%\s+of\s+[^,.;\d]{{0,60}})?\s*,?\s*(?:(?:in|for|during|at|as\s+of|"
    rf"on(?!\s+(?:19|20)\d\d)|of)\s+(?:the\s+)?(?:(?:first|second|third|fourth|final|last)\s+(?:quarter|half)\s+"
    rf"of\s+)?(?:(?:fiscal\s+)?years?\s+(?:ended|ending)\s+)?{_FISCAL}?|{_FISCAL}){_DAY}?"
    rf"(?P<y>(?:19|20)\d\d)(?![\w%$]|[.,]\d)")
_LIST_GAP = re.compile(rf"(?i)^\s*(?:,\s*)?(?:(?:and|&)\s+)?(?:{_FISCAL})?{_DAY}?$")
_RESPECTIVELY = re.compile(r"(?i)\brespectively\b")
# "For the years ended December 31, 2019, 2018 and 2017, ... $0.3 million, $0.9 million and $0.6 million":
# filings list the years first and the numbers in the same order, "respectively" left unsaid.
_YEARS_ENDED = re.compile(r"(?i)\b(?:fiscal\s+)?(?:years|periods)\s+(?:ended|ending)\b")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    year: str
    kind: str  # "at" (the year measured), "base" (compared from), "bound" (not either)


def read_years(text: str, qs: list[Quantity]) -> list[Quantity]:
    """`qs` with `when` and `since` set where the sentence says which year is which."""
    out = list(qs)
    by_sentence: dict[int, list[int]] = {}
    for k, q in enumerate(out):
        if q.role != "period":
            by_sentence.setdefault(q.sentence_start, []).append(k)
    for members in by_sentence.values():
        first = out[members[0]]
        mentions = _mentions(text, first.sentence_start, first.sentence_end, out, members)
        if not mentions:
            continue
        whens = _assign(text, out, members, mentions)
        for k, when in whens.items():
            out[k] = replace(out[k], when=when)
        for k in members:
            since = _since(text, out[k], mentions) or _earlier_year(out, members, k)
            if since and since != out[k].when:
                out[k] = replace(out[k], since=since)
    return _year_earlier(text, _bracketed_prior(text, out))


# "612m euros for 2004, down from 745m euros a year earlier": the earlier level's year.
_YEAR_EARLIER_AFTER = re.compile(r"(?i)[\s,]*(?:(?:a|one)\s+year\s+(?:earlier|before|ago)|(?:in\s+)?the\s+"
                                 r"(?:previous|prior|preceding)\s+year|(?:in\s+)?the\s+year\s+before)\b")
_YEAR_EARLIER_BEFORE = re.compile(r"(?i)\b(?:year[- ]earlier|previous\s+year's|prior\s+year's)\s+$")


def _year_earlier(text: str, qs: list[Quantity]) -> list[Quantity]:
    out = list(qs)
    for q in qs:
        if q.previous is None or not q.when:
            continue
        for j, p in enumerate(out):
            if (p.sentence_start == q.sentence_start and not p.when and p.unit == q.unit
                    and p.value == q.previous and p.start > q.end
                    and (_YEAR_EARLIER_AFTER.match(text, p.end) or _YEAR_EARLIER_BEFORE.search(
                        text, max(q.sentence_start, p.start - 20), p.start))):
                out[j] = replace(p, when=str(int(q.when) - 1))
    return out


# "revenue of £1.2bn (2023: £1.1bn)", "a 32.0% (2018: 32.0%) interest": the bracket gives the
# same measure's value in an earlier year (or "last year", "prior year").
_PRIOR_BRACKET = re.compile(r"(?i)^\s*\(\s*(?:(?:fy|h[12]|q[1-4])\s*)?(?:(?P<y>(?:19|20)\d\d)|(?P<word>last\s+year|"
                            r"prior\s+year|previous\s+year|a\s+year\s+earlier))\s*[:=-]\s*$")


def _bracketed_prior(text: str, qs: list[Quantity]) -> list[Quantity]:
    out = list(qs)
    bracketed: dict[int, list[str]] = {}  # sentence start -> years said only as "(2023: ...)"
    priors: set[int] = set()
    for i in range(len(out) - 1):
        q, p = out[i], out[i + 1]
        if q.sentence_start != p.sentence_start or q.role != "level" or p.start < q.end:
            continue
        m = _PRIOR_BRACKET.match(text[q.end:p.start])
        if not m or not re.match(r"\s*\)", text[p.end:p.end + 3]) or p.unit not in ("", q.unit):
            continue
        out[i + 1] = replace(p, unit=q.unit, when=m.group("y") or "", role="level")
        priors.add(i + 1)
        if m.group("y"):
            bracketed.setdefault(q.sentence_start, []).append(m.group("y"))
        if q.previous is None:
            out[i] = replace(q, previous=p.value, when=q.when if q.when != m.group("y") else "",
                             change_text=q.change_text or text[q.start:p.end + 1])
    for k, q in enumerate(out):  # a year said only in such brackets is not the year of the others
        years = bracketed.get(q.sentence_start, [])
        if k not in priors and q.when in years and q.sentence.count(q.when) == years.count(q.when):
            out[k] = replace(q, when="")
    return out


def _mentions(text: str, ss: int, se: int, qs: list[Quantity], members: list[int]) -> list[_Mention]:
    taken = [(qs[k].start, qs[k].end) for k in members]
    found = []
    for m in _YEAR.finditer(text, ss, se):
        if any(s <= m.start() < e for s, e in taken):
            continue  # the digits belong to an amount ("$ 2010 million")
        before = text[max(ss, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 30]
        if _NAME_AFTER.match(after):
            kind = "bound"  # "the 2010 employee plan" names a plan
        elif _BASE_BEFORE.search(before):
            kind = "base"
        elif _BOUND_BEFORE.search(before):
            kind = "bound"
        else:
            kind = "at"
        found.append(_Mention(m.start(), m.end(), m.group("y"), kind))
    return found


def _assign(text: str, qs: list[Quantity], members: list[int], mentions: list[_Mention]) -> dict[int, str]:
    whens: dict[int, str] = {}
    at = [m for m in mentions if m.kind == "at"]
    first = qs[members[0]]
    if _RESPECTIVELY.search(text, first.sentence_start, first.sentence_end) or _YEARS_ENDED.search(
            text, first.sentence_start, first.sentence_end):
        whens.update(_respectively(text, qs, members, at))
    earlier = _earlier_levels(qs, members)
    trailing = {}
    for k in members:
        q = qs[k]
        m = _AFTER.match(text, q.end, min(q.sentence_end, q.end + 90))
        if m:
            trailing[k] = m
    attached = {m.start("y") for m in trailing.values()}
    every = {m.year for m in at}
    at = [y for y in at if y.start not in attached]  # "$691 million in 2005": that number's year
    for k in members:
        if k in whens:
            continue
        q = qs[k]
        if k in trailing:
            whens[k] = trailing[k].group("y")
            continue
        if k in earlier:
            continue  # "up from $4bn": the later level's year is not its own
        lead = [y for y in at if q.clause_start <= y.start and y.end <= q.start
                and not _number_between(qs, [j for j in members if j not in earlier], y.end, q.start, k)]
        if lead:
            whens[k] = lead[-1].year
            continue
        opening = [y for y in at if y.start < q.start and _opens_sentence(text, q.sentence_start, y)
                   and not _in_list(text, y, at)]
        if opening:
            whens[k] = opening[-1].year
    if len(every) == 1 and not any(m.kind == "base" for m in mentions):
        year = next(iter(every))
        # "€2.47bn, compared with €1.88bn in 2003": the year is the earlier level's, not the later's
        later = {k for k in members if qs[k].previous is not None
                 and any(qs[j].value == qs[k].previous and whens.get(j) == year for j in members)}
        later |= {k for k in members if any(qs[k].equiv_start == qs[j].start for j in later)}
        for k in members:
            if k not in whens and k not in earlier and k not in later and not _after_comparison(text, qs[k]):
                whens[k] = year
    return whens


def _respectively(text: str, qs: list[Quantity], members: list[int], at: list[_Mention]) -> dict[int, str]:
    """ "$241 million, $250 million and $205 million in 2006, 2005 and 2004, respectively"."""
    lists: list[list[_Mention]] = []
    for m in at:
        if lists and _LIST_GAP.match(text[lists[-1][-1].end:m.start]):
            lists[-1].append(m)
        else:
            lists.append([m])
    lists = [ys for ys in lists if len(ys) >= 2 and len({y.year for y in ys}) == len(ys)
             and not _event_dates(text, ys)]
    if not lists:
        return {}
    groups: dict[tuple[str, int], list[int]] = {}
    ss = qs[members[0]].sentence_start
    for k in members:
        q = qs[k]
        depth = _depth(text, ss, q.start)
        groups.setdefault((q.unit, depth), []).append(k)
    out: dict[int, str] = {}
    for group in groups.values():
        fits = [ys for ys in lists if len(ys) == len(group)]
        if fits:
            last = qs[group[-1]].end
            ys = min(fits, key=lambda ys: abs(ys[0].start - last))
            for k, y in zip(group, ys, strict=True):
                out[k] = y.year
            continue
        for ys in lists:  # "$366 million in 2010 compared with $137 million and $567 million in 2009 and 2008"
            before = [k for k in group if qs[k].end <= ys[0].start and k not in out]
            if len(before) <= len(ys):
                continue
            # "a contribution of $3.8, $4.0 and $4.9 offset by forfeitures of $2.7, $7.8, $6.0 in 2009,
            # 2008 and 2007, respectively": each run of the list's length is one measure
            runs = [before[i:i + len(ys)] for i in range(0, len(before), len(ys))] if (
                len(before) % len(ys) == 0 and len(before) == len(group)) else [before[-len(ys):]]
            for run in runs:
                for k, y in zip(run, ys, strict=True):
                    out[k] = y.year
    return out


def _event_dates(text: str, ys: list[_Mention]) -> bool:
    """ "in September 2001 and July 2002": each year its own month, the dates of events."""
    months = [re.search(rf"(?i)\b({MONTHS})\.?\s+(?:\d{{1,2}}\s*,?\s*)?$", text[max(0, y.start - 20):y.start])
              for y in ys]
    named = {m.group(1).lower() for m in months if m}
    return len(named) > 1


def _in_list(text: str, y: _Mention, at: list[_Mention]) -> bool:
    """The year is one of a list ("2019, 2018 and 2017"), not one year for the sentence."""
    return any(o is not y and (_LIST_GAP.match(text[o.end:y.start]) if o.end <= y.start
                               else _LIST_GAP.match(text[y.end:o.start])) for o in at)


def _depth(text: str, start: int, at: int) -> int:
    depth = 0
    for ch in text[start:at]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
    return depth


def _earlier_levels(qs: list[Quantity], members: list[int]) -> set[int]:
    """Numbers stated as another's earlier level ("from $128 million to $201 million")."""
    out = set()
    for k in members:
        for j in members:
            p = qs[j]
            if j != k and p.previous is not None and p.unit == qs[k].unit and p.previous == qs[k].value:
                out.add(k)
    return out


def _number_between(qs: list[Quantity], members: list[int], a: int, b: int, skip: int) -> bool:
    return any(k != skip and a <= qs[k].start < b for k in members)


def _opens_sentence(text: str, ss: int, y: _Mention) -> bool:
    """ "In 2014, ...", "As of December 31, 2017, ...", "During fiscal 2013, ..."."""
    head = text[ss:y.start]
    tail = text[y.end:y.end + 3]
    return bool(re.fullmatch(rf"(?i)\s*(?:(?:in|during|for|at|as\s+of|on|by\s+the\s+end\s+of)\s+)?"
                             rf"(?:the\s+)?(?:(?:fiscal\s+)?years?\s+(?:ended|ending)\s+)?{_FISCAL}?"
                             rf"{_DAY}?", head)) and tail.startswith(",")


def _after_comparison(text: str, q: Quantity) -> bool:
    """ "compared with $4.9 billion", "down from $691 million": the other period's number."""
    before = text[max(q.sentence_start, q.start - 30):q.start]
    return bool(re.search(r"(?i)\b(?:from|compared\s+(?:to|with)|versus|vs\.?|than|against)\s+"
                          r"(?:about\s+|approximately\s+|roughly\s+)?$", before))


def _earlier_year(qs: list[Quantity], members: list[int], k: int) -> str:
    """The year of a level's stated earlier level ("compared with $4.9 billion in 2006")."""
    q = qs[k]
    if q.previous is None:
        return ""
    return next((qs[j].when for j in members if j != k and qs[j].unit == q.unit
                 and qs[j].value == q.previous and qs[j].when), "")


def _since(text: str, q: Quantity, mentions: list[_Mention]) -> str:
    """The year a stated change is measured from: "... from 2013 to $1.6 billion"."""
    changed = q.role == "change" or q.factor is not None or q.delta is not None or (
        q.previous is not None)
    if not changed:
        return ""
    base = [m for m in mentions if m.kind == "base"]
    if not base:
        return ""
    near = min(base, key=lambda m: abs(m.start - q.end))
    return near.year
