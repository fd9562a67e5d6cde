"""Years an article states, found where a figure needs them: "in 1976", "from 1946 to 1954".

The quantity extractor leaves years out on purpose (a year is a date, not an amount
to add or divide), so "how many years after A did B?" needs its own small finder.
It reads only the sentences the figure step can see (those holding a quantity) and
gives each year as a `Quantity` of unit "year" whose offsets point into the article,
so the operand matcher and the quoted inputs work on it as on any other number.
Only digits read as a year count: "in 1085", "(1976)", "1946–54"; "1500 men" is not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from index.quantities.quantity import Quantity
from index.text.sentences import sentence_spans

YEAR_UNIT = "year"
_DIGITS = r"(?:1[0-9]|20)\d\d"
_YEAR = re.compile(rf"(?<![\w$£€¥.,/:])(?P<y>{_DIGITS})(?![\w%]|[.,:]\d)")
# Words after which four digits are a year: "in 1085", "the summer of 1212".
_CUE = re.compile(
    r"(?i)(?:\b(?:in|of|from|to|until|till|through|since|by|between|and|or|during|before|"
    r"after|early|late|mid|circa|c\.|year|years|summer|winter|spring|autumn|fall|january|"
    r"february|march|april|may|june|july|august|september|october|november|december)"
    r"\s+|\b(?:mid|late|early)-|[(\[–—-]\s*|^\s*|\d{1,2},?\s+)$")
_NOT_AFTER = re.compile(r"\s*(?:%|per\s*cent|percent)", re.IGNORECASE)
# "from 1946 to 1954", "between 1976 and 2011", "1946–1954", "1946-54",
# "from December 1575 to December 1577"; a bare "1575 and 1577" is two dates, not a span.
_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|"
           r"november|december)")
_DAY = rf"(?:(?:\d{{1,2}}\s+)?{_MONTHS}\s+(?:\d{{1,2}},?\s+)?)?"
_RANGE = re.compile(
    rf"(?i)(?:\bbetween\s+{_DAY}(?P<a1>{_DIGITS})\s+and\s+{_DAY}(?P<b1>{_DIGITS})"
    rf"|(?<![\w$£€¥.,/:]){_DAY}(?P<a2>{_DIGITS})\s*(?P<sep>–|—|-|\bto\b|\buntil\b|\btill\b|"
    rf"\bthrough\b)\s*{_DAY}(?P<b2>{_DIGITS}|\d\d))(?![\w%]|[.,:]\d)")


@dataclass(frozen=True)
class YearRange:
    """Two years stated as one span in one sentence: "from 1946 to 1954"."""

    first: Quantity
    last: Quantity


def sentence_carriers(texts: Mapping[str, str]) -> list[tuple[str, Quantity]]:
    """Every sentence of the articles as a number-less carrier (role "period", so no other
    figure uses it): a year stated in a sentence without any amount is visible too."""
    out = []
    for aid, text in texts.items():
        for a, b in sentence_spans(text):
            out.append((aid, Quantity(value=math.nan, unit="", text="", start=a, end=a,
                                      sentence=text[a:b], sentence_start=a, sentence_end=b,
                                      clause=text[a:b], clause_start=a, clause_end=b,
                                      role="period")))
    return out


def sentences(quantities: Iterable[tuple[str, Quantity]]) -> list[tuple[str, Quantity]]:
    """One quantity per distinct sentence, in order: the sentences the figure step sees."""
    seen: dict[tuple[str, int], tuple[str, Quantity]] = {}
    for aid, q in quantities:
        seen.setdefault((aid, q.sentence_start), (aid, q))
    return list(seen.values())


def years_in(q: Quantity) -> list[Quantity]:
    """The years stated in `q`'s sentence, each as a Quantity spanning its digits."""
    text, base = q.sentence, q.sentence_start
    out = []
    for m in _YEAR.finditer(text):
        if not _CUE.search(text[max(0, m.start() - 12):m.start()]) and not _bare_year_ok(
                text, m):
            continue
        if _NOT_AFTER.match(text, m.end()):
            continue
        out.append(_year(q, base + m.start(), base + m.end(), int(m.group("y"))))
    return out


def ranges_in(q: Quantity) -> list[YearRange]:
    """Spans of years in `q`'s sentence ("from 1946 to 1954"), the later year last."""
    text, base = q.sentence, q.sentence_start
    out = []
    for m in _RANGE.finditer(text):
        ka, kb = ("a1", "b1") if m.group("a1") else ("a2", "b2")
        a, b_text = int(m.group(ka)), m.group(kb)
        b = int(b_text) if len(b_text) == 4 else a // 100 * 100 + int(b_text)
        if b <= a:
            continue
        if len(b_text) == 2 and m.group("sep") not in ("–", "—", "-"):
            continue  # "1946 to 54" is not a way years are written
        out.append(YearRange(_year(q, base + m.start(ka), base + m.end(ka), a),
                             _year(q, base + m.start(kb), base + m.end(kb), b)))
    return out


def find_year(year: int, quantities: Sequence[tuple[str, Quantity]]
              ) -> tuple[str, Quantity] | None:
    """The first statement of `year` in the visible sentences, or None."""
    for aid, q in sentences(quantities):
        for y in years_in(q):
            if y.value == year:
                return aid, y
    return None


def _bare_year_ok(text: str, m: re.Match[str]) -> bool:
    """A modern year with no cue word, unless a noun follows ("1850 soldiers")."""
    return 1800 <= int(m.group("y")) <= 2099 and not re.match(r"\s+[a-z]", text[m.end():])


def _year(q: Quantity, start: int, end: int, value: int) -> Quantity:
    """A year as a Quantity whose clause is its whole sentence (what it dates)."""
    return Quantity(value=float(value), unit=YEAR_UNIT, text=q.sentence[start - q.sentence_start:
                    end - q.sentence_start], start=start, end=end, sentence=q.sentence,
                    sentence_start=q.sentence_start, sentence_end=q.sentence_end,
                    clause=q.sentence, clause_start=q.sentence_start,
                    clause_end=q.sentence_end)
