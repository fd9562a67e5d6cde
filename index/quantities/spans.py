"""The sentence and clause around each number: what the number measures.

Sentences come from the index's own segmenter (punctuation if it fails); the clause
is the comma/dash-delimited part of the sentence, widened when it has no subject.
"""

from __future__ import annotations

import bisect
import logging
import re
from typing import TYPE_CHECKING

from index.quantities.patterns import CLAUSE_BOUNDARY, CONNECTIVE, MONTHS, SUBJECT_STARTS

if TYPE_CHECKING:
    from index.quantities.scan import Raw

log = logging.getLogger(__name__)

_DAY_BEFORE = re.compile(rf"(?i)\b(?:{MONTHS})\.?\s+\d{{1,2}}\s*$")
_YEAR_AFTER = re.compile(r"\s*(?:19|20)\d\d\b")
_NUMBER_BEFORE = re.compile(r"(?i)\d\s*(?:%|million|billion|thousand|trillion|bn|mn|m|k)?\s*$")
_NUMBER_AFTER = re.compile(r"\s*(?:(?:and|or)\s+)?(?:[$€£¥]\s*)?\d")
_MAX_SENTENCE = 600  # longer "sentences" (no punctuation) are cut to a window
_WINDOW = 240


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans per paragraph line, by the index's own segmenter."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            for s, e in _split_line(line):
                spans.append((pos + s, pos + e))
        pos += len(line) + 1
    return spans


def _split_line(line: str) -> list[tuple[int, int]]:
    try:
        from index.text.sentences import sentence_spans

        spans = sentence_spans(line)
        if all(0 <= s <= e <= len(line) for s, e in spans):
            return spans
    except Exception:  # the segmenter failing must not lose the numbers
        log.debug("sentence segmenter failed; using punctuation", exc_info=True)
    spans, pos = [], 0
    for m in re.finditer(r"[.!?][\"'”’)]*(?=\s)|$", line):
        piece = line[pos:m.end()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((pos + lead, pos + len(piece.rstrip())))
        pos = m.end()
        if pos >= len(line):
            break
    return spans


def sentence_of(raw: Raw, spans: list[tuple[int, int]], starts: list[int],
                 text: str) -> tuple[int, int]:
    """The sentence holding `raw`, or a window around it when the sentence runs on."""
    i = bisect.bisect_right(starts, raw.start) - 1
    if i >= 0 and spans[i][0] <= raw.start and raw.end <= spans[i][1]:
        ss, se = spans[i]
    else:
        ss, se = raw.start, raw.end
    if se - ss <= _MAX_SENTENCE:
        return ss, se
    # No sentence end for a long way: a window cut at white space stands in.
    lo, hi = max(ss, raw.start - _WINDOW), min(se, raw.end + _WINDOW)
    if lo > ss:
        k = text.find(" ", lo, raw.start)
        lo = k + 1 if k >= 0 else lo
    if hi < se:
        k = text.rfind(" ", raw.end, hi)
        hi = k if k >= 0 else hi
    return lo, hi


def clause_of(text: str, ss: int, se: int, qs: int, qe: int,
               cache: dict[int, list[tuple[int, int]]]) -> tuple[int, int]:
    """The comma/dash-delimited part of the sentence holding the number.

    A part with no subject of its own ("with a relatively paltry $1.8 billion...",
    "halved to HK$3.1 billion") takes in the part before it, and an appositive
    before that ("Profit at Hang Seng Bank, its local unit, halved to ...").
    """
    key = ss * 1_000_003 + se
    segs = cache.get(key)
    if segs is None:
        segs = _segments(text, ss, se)
        cache[key] = segs
    first = next((k for k, (s, e) in enumerate(segs) if s <= qs < e), None)
    if first is None:
        return ss, se
    last = first
    while segs[last][1] < qe and last + 1 < len(segs):  # "$1,000, or" spans a boundary
        last += 1
    k = first
    if k > 0 and _needs_context(text[segs[k][0]:segs[k][1]].strip()):
        k -= 1
        for _ in range(2):
            added = text[segs[k][0]:segs[k][1]].strip()
            if k == 0 or len(added.split()) >= 6 or not added[:1].islower():
                break
            k -= 1
    cs, ce = _trim(text, segs[k][0], segs[last][1])
    return min(cs, qs), max(ce, qe)  # trimming never cuts into the number ("-0")


def _needs_context(piece: str) -> bool:
    if CONNECTIVE.match(piece) or len(piece.split()) < 6:
        return True
    first = piece.split(maxsplit=1)[0] if piece else ""
    return first[:1].islower() and first.lower() not in SUBJECT_STARTS


def _segments(text: str, ss: int, se: int) -> list[tuple[int, int]]:
    sentence = text[ss:se]
    depth, cuts = 0, []
    marks = {m.start(): m.end() for m in CLAUSE_BOUNDARY.finditer(sentence)
             if not (_DAY_BEFORE.search(sentence, max(0, m.start() - 16), m.start())
                     and _YEAR_AFTER.match(sentence, m.end()))  # "december 31 , 2016" is one date
             and not (_NUMBER_BEFORE.search(sentence, max(0, m.start() - 12), m.start())
                      and _NUMBER_AFTER.match(sentence, m.end()))}  # "$ 35.1 , $ 29.6 and $ 31.4": one list
    for k, ch in enumerate(sentence):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif k in marks and depth == 0:
            cuts.append((k, marks[k]))
    segs, pos = [], 0
    for a, b in cuts:
        segs.append((ss + pos, ss + a))
        pos = b
    segs.append((ss + pos, se))
    return [(s, e) for s, e in segs if e > s]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\n,;:—–-":
        s += 1
    while e > s and text[e - 1] in " \t\n":
        e -= 1
    return s, e
