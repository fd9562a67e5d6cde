"""Quantities in an article's cleaned text, found once at index time.

Computed figures may only use numbers the article states, so every number is kept
with its exact span, the sentence and clause that say what it measures, the period
it covers, any change it states ("halved to", "grew 34 per cent") and any
parenthetical conversion ("380 billion yuan ($53.8 billion)"). A focused set of
regular expressions does this: quantulum3 reads "($53.8 billion)" as negative and
"bn" as bit-newtons, and price-parser reads one price per string without offsets.
Extraction never raises: a number it cannot read is only a number missed.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any

log = logging.getLogger(__name__)

MAX_QUANTITIES = 5_000  # far beyond any article; bounds work on pathological input
_CONTEXT = 100  # characters before a number searched for the words that qualify it
_MAX_SENTENCE = 600  # longer "sentences" (no punctuation) are cut to a window
_WINDOW = 240

# --- units -----------------------------------------------------------------

TIME_UNITS = {"year": 1.0, "quarter": 4.0, "month": 12.0, "week": 52.0, "day": 365.0}
_DOLLAR_CODES = {"US": "USD", "U.S.": "USD", "HK": "HKD", "A": "AUD", "AU": "AUD",
                 "C": "CAD", "CA": "CAD", "S": "SGD", "NZ": "NZD", "NT": "TWD",
                 "CN": "CNY", "RMB": "CNY", "JP": "JPY", "": "USD"}
_CURRENCY_WORD_CODES = {
    "dollar": "USD", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "euro": "EUR",
    "pound": "GBP", "sterling": "GBP", "yen": "JPY", "franc": "CHF", "won": "KRW",
    "rupee": "INR",
}
_DOLLAR_NATIONS = {"us": "USD", "u.s.": "USD", "american": "USD", "hong kong": "HKD",
                   "hk": "HKD", "australian": "AUD", "canadian": "CAD", "singapore": "SGD",
                   "new zealand": "NZD", "taiwan": "TWD", "taiwanese": "TWD"}
_ISO = "USD|CNY|RMB|EUR|GBP|JPY|HKD|CHF|AUD|CAD|SGD"
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
WORD_VALUES.update({"a": 1, "an": 1, "dozen": 12, "a dozen": 12, "single": 1, "decade": 10})
_FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
_FACTORS = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0, "halved": 0.5}

# --- patterns ----------------------------------------------------------------

_DIGITS = re.compile(r"(?<![\w.,/:\-−$€£¥])(?P<sign>[-−](?=\d))?(?P<num>\d+(?:,\d+)*(?:\.\d+)?)"
                     r"|(?:(?<=[$€£¥])|(?<=RMB|CNY|USD|EUR|GBP|JPY|HKD|CHF|AUD|CAD|SGD))"
                     r"(?P<sign2>[-−])?(?P<num2>\d+(?:,\d+)*(?:\.\d+)?)")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ONES_ALT = "|".join(_ONES[1:])
_WORDNUM = re.compile(
    rf"(?i)(?<![\w\-])(?P<w>(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_ONES[1:10])}))?"
    rf"|a\s+dozen|{_ONES_ALT}|an?(?=\s+(?:thousand|million|billion|trillion)\b))"
    rf"(?:\s+(?P<hundred>hundred))?\b")
_FRACTION = re.compile(
    r"(?i)(?<![\w\-])(?:(?:a|one)\s+)?(?P<f>half|third|quarter|fifth|tenth)\b"
    r"|(?<![\w\-])(?P<n>two|three|four|nine)[- ](?P<fp>thirds|quarters|fifths|tenths)\b")
_FRACTION_NEXT = re.compile(r"(?i)\s+(?:of|the|its|their|his|her|our|all)\b")
_FRACTION_PREV = re.compile(r"(?i)(?:first|second|third|fourth|last|final|latest|next|"
                            r"previous|the|this|that|each|every|per)\s+$")
_CUR_PREFIX = re.compile(
    r"(?:(?<![A-Za-z.])(?P<code>US|U\.S\.|HK|AU|A|CA|C|S|NZ|NT|CN|RMB|JP)?(?P<sym>[$€£¥])"
    rf"|(?<![A-Za-z])(?P<iso>{_ISO}))\s?(?P<sign>[-−])?$")
_SCALE_ATTACHED = re.compile(r"(?i)(bn|mn|tn|m|k|b)(?![A-Za-z\d])")
_SCALE_WORD = re.compile(r"(?i)\s(thousand|million|billion|trillion|bn|mn|tn)\b")
_PERCENT = re.compile(r"(?i)\s?%|\s?(?:per\s?cent|percent|pct)\b|\s(?:percentage\s+points?)\b")
_CUR_WORD = re.compile(
    r"(?i)\s(?:(?P<nation>US|U\.S\.|American|Hong Kong|HK|Australian|Canadian|Singapore|"
    r"New Zealand|Taiwan|Taiwanese)\s)?(?P<word>dollars?|yuan|renminbi|rmb|euros?|"
    r"pounds?(?:\s+sterling)?|sterling|yen|francs?|won|rupees?)\b"
    rf"|\s(?P<iso>{_ISO})\b")
_PER_CURRENCY = re.compile(
    r"(?i)\s+(?:per|to\s+the|to\s+one|to\s+a|against\s+the|for\s+each|for\s+every|for\s+one|a)"
    r"\s+(?:(?P<nation>US|U\.S\.|American|Hong Kong|HK)\s+)?"
    r"(?P<word>dollar|yuan|renminbi|euro|pound|yen|franc)\b")
_TIMES = re.compile(r"(?i)x(?![\w])|\s?-?fold\b|\s(times)\b")
_COMPARATIVE = re.compile(r"(?i)\s+(?:larger|bigger|more|greater|higher|smaller|less|lower|"
                          r"as|over|the)\b")
_NOUN = re.compile(r"\s(?:(?:straight|consecutive|successive|more|new|additional|other|extra|"
                   r"full|different|separate|fewer|active|monthly|daily|annual|unique)\s)?"
                   r"(?P<noun>[a-z][a-z\-]*[a-z])\b")
_TIME_COMPOUND = re.compile(r"(?i)-(?P<tu>year|month|week|day|quarter|hour|minute)s?\b")
_STOP = frozenset(
    """a an the of in on at to by for from with as and or but than that this
these those which who whom whose is was were are be been being has had have will would
could should may might can do did does it its their his her our your my per since over under
after before when while into onto during compared against up down about around out off
through until within without via between among percent cent if so not no nor yet also just
only still even there here where why how what then thus hence s""".split()  # noqa: SIM905
)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_MONTH_BEFORE = re.compile(rf"(?i)\b(?:{_MONTHS})\.?\s+$")
_MONTH_AFTER = re.compile(rf"(?i)\s+(?:{_MONTHS})\b")
_YEN_IS_YUAN = re.compile(r"(?i)\b(?:yuan|renminbi|rmb|cny)\b")
_YEN_IS_YEN = re.compile(r"(?i)\byen\b|\bjpy\b")

_APPROX_WORDS = {
    "about": "about", "around": "about", "approximately": "about", "approx.": "about",
    "roughly": "about", "some": "about", "nearly": "about", "almost": "about",
    "close to": "about", "an estimated": "about", "estimated": "about", "circa": "about",
    "~": "about", "more than": "at least", "over": "at least", "at least": "at least",
    "upwards of": "at least", "in excess of": "at least", "just over": "at least",
    "above": "at least", "less than": "at most", "under": "at most", "up to": "at most",
    "at most": "at most", "fewer than": "at most", "no more than": "at most",
    "just under": "at most", "below": "at most",
}
_APPROX_ALT = "|".join(sorted((re.escape(w) for w in _APPROX_WORDS), key=len, reverse=True))
_APPROX_BEFORE = re.compile(rf"(?i)(?:^|(?<=[\s(]))(?P<w>{_APPROX_ALT})\s*$")
_HEDGE_BEFORE = re.compile(r"(?i)(?<![\w-])(?:estimated|expected|forecast|projected)\s+to\s+"
                           r"(?:[a-z]+\s+){1,3}$")

_UP = ("increased|rose|risen|grew|grown|jumped|climbed|gained|surged|soared|rallied|advanced|"
       "expanded|swelled|widened|increase|increases|rise|rises|grow|grows|gain|gains|jump|jumps|up|"
       "higher|more")
_DOWN = ("fell|fallen|dropped|declined|decreased|slid|sank|shrank|shrunk|slumped|plunged|"
         "tumbled|contracted|dipped|eased|slipped|narrowed|fall|falls|drop|drops|decline|declines|"
         "decrease|decreases|down|lower|less")
_FILLER_APPROX = r"(?:(?:just|only|a\s+further|another|an?\s+additional|some|about|around|" \
                 r"roughly|nearly|almost|more\s+than|approximately|close\s+to)\s+)*"
_VERB_BEFORE = re.compile(
    rf"(?i)\b(?P<verb>{_UP}|{_DOWN}|cut|reduced|lowered|raised|boosted|lifted)\s+(?:by\s+)?"
    rf"{_FILLER_APPROX}$")
_PCT_VERB_BEFORE = re.compile(
    rf"(?i)\b(?P<verb>{_UP}|{_DOWN}|cut|reduced|lowered|raised|boosted)\s+(?:by\s+)?"
    r"(?:[^\d\s.;,]+\s+){0,4}$")
_NOUN_CHANGE_BEFORE = re.compile(
    r"(?i)\b(?P<verb>increase|rise|jump|gain|growth|drop|fall|decline|decrease|reduction|cut)"
    rf"\s+of\s+{_FILLER_APPROX}$")
_CHANGE_AFTER = re.compile(
    r"(?i)^\s*(?:-\s*)?(?P<verb>increase|rise|jump|gain|growth|climb|drop|fall|decline|"
    r"decrease|reduction|slump|more|less|higher|lower)\b")
_TO_BEFORE = re.compile(rf"(?i)\bto\s+{_FILLER_APPROX}$")
_FACTOR_BEFORE = re.compile(
    r"(?i)(?:\b(?P<approx>nearly|almost|more\s+than|roughly|about|close\s+to|just\s+over|"
    r"just\s+under|at\s+least)\s+)?\b(?P<verb>doubled|tripled|trebled|quadrupled|halved|"
    r"(?:rose|grew|increased|jumped|climbed|expanded|surged)\s+(?P<fold>\w+)[- ]?fold|"
    r"(?P<fold2>\w+)[- ]?fold)\b(?P<mid>[^.;\d]{0,80}?)\bto\s+"
    rf"{_FILLER_APPROX}$")
_FROM_TO = re.compile(r"(?i)\bfrom\s+(?:about\s+|around\s+|roughly\s+|nearly\s+)?$")
_EQUIV_BETWEEN = re.compile(
    r"(?i)^(?:\s*\(\s*(?:about|around|roughly|approximately|some|or|equivalent\s+to|~)?\s*"
    r"|\s*,?\s+or\s+(?:about\s+|around\s+|roughly\s+|some\s+|approximately\s+)?"
    r"|[^\d.;()]{0,60},\s+(?:or\s+)?(?:about|around|roughly|approximately|some|equivalent\s+to)\s+)$")
_EQUIV_AFTER = re.compile(r"^\s*[),.;]|^\s*$|^\s+[a-z]")
_LINK_TO = re.compile(rf"(?i)^[^.;\d]{{0,60}}?\bto\s+{_FILLER_APPROX}$")
_LINK_PP = r"(?:\s+(?:in|for|during|over|at|on)\b[^.;\d,()]{0,40})?"  # "in the fourth quarter"
_LINK_UPDOWN = re.compile(rf"(?i)^{_LINK_PP}\s*,?\s*\(?\s*(?:(?:up|down|higher|lower)\s+(?:by\s+)?|an?\s+"
                          r"(?:increase|rise|gain|jump|drop|fall|decline|decrease)\s+of\s+)$")
_LINK_FROM = re.compile(rf"(?i)^{_LINK_PP}\s*,?\s*\(?\s*(?:(?:up|down|rising|falling|climbing|dropping)\s+"
                        rf"from|compared\s+(?:with|to)|against|versus|from)\s+{_FILLER_APPROX}$")
_CHANGE_CUES = re.compile(
    rf"(?i)\b(?:{_UP}|{_DOWN}|doubled|tripled|trebled|quadrupled|halved|\w+-?fold|"
    r"increased|decreased|climbed|declined)\b")

_WORDNUM_TOKEN = r"(?:\d+(?:\.\d+)?|" + "|".join(_ONES[1:] + _TENS) + r"|a|an|one|a\s+dozen)"
_P_UNIT = r"(?P<unit>years?|quarters?|months?|weeks?|days?|decades?)"
_PERIOD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("count", re.compile(
        rf"(?i)\b(?:over|across|during|within|for|in)\s+(?:the\s+)?(?:next|coming|past|last|"
        rf"following|previous|first|subsequent)?\s*(?P<n>{_WORDNUM_TOKEN})\s+{_P_UNIT}\b")),
    ("decade", re.compile(r"(?i)\b(?:over|across|during|within|in)\s+(?:the\s+)?(?:next|"
                          r"coming|past|last|following)\s+decade\b")),
    ("horizon", re.compile(r"(?i)\b(?:over|across|in|during)\s+the\s+(?:past|last|previous|"
                           r"preceding)\s+(?:year|twelve\s+months|12\s+months)\b")),
    ("months_to", re.compile(
        rf"(?i)\b(?P<n>{_WORDNUM_TOKEN})\s+(?P<unit>months|weeks)\s+(?:to|ended|ending|"
        r"through|until|to\s+the\s+end\s+of)\b")),
    ("quarter", re.compile(
        r"(?i)\b(?:in|during|for|over|of)\s+(?:the|its|their|this|that|a)\s+(?:(?:latest|most\s+"
        r"recent|last|recent|first|second|third|fourth|final|previous|same|current|past|"
        r"\w+-\w+|september|june|march|december)\s+)*(?:fiscal\s+|financial\s+)?quarter\b"
        r"|\bquarterly\b|\b(?:a|per|each|every)\s+quarter\b|\bq[1-4]\b")),
    ("half", re.compile(r"(?i)\b(?:first|second|the)\s+half(?:\s+of\s+the\s+year)?\b"
                        r"|\bhalf-year(?:ly)?\b|\bsemi-?annual(?:ly)?\b")),
    ("year", re.compile(
        r"(?i)\b(?:annual(?:ly)?|yearly|per\s+(?:year|annum)|a\s+year(?!\s+(?:ago|earlier|"
        r"before|later|after))|each\s+year|every\s+year|year[- ]on[- ]year|"
        r"(?:in|for|during)\s+(?:the\s+)?(?:full|fiscal|financial|calendar|whole)\s+year|"
        r"(?:in|for)\s+(?:fiscal\s+)?(?:19|20)\d\d)\b")),
    ("month", re.compile(r"(?i)\b(?:monthly|per\s+month|a\s+month(?!\s+(?:ago|earlier|later))|"
                         r"each\s+month|every\s+month)\b")),
    ("week", re.compile(r"(?i)\b(?:weekly|per\s+week|a\s+week(?!\s+(?:ago|earlier|later))|"
                        r"each\s+week|every\s+week)\b")),
    ("day", re.compile(r"(?i)\b(?:daily|per\s+day|a\s+day(?!\s+(?:ago|earlier|later))|"
                       r"each\s+day|every\s+day)\b")),
]
_PERIOD_HINT = re.compile(r"(?i)year|quarter|month|week|day|annu|half|decade|q[1-4]")
_ADJECTIVE_PERIOD = re.compile(r"(?i)quarterly|annual(?:ly)?|yearly|monthly|weekly|daily|"
                               r"semi-?annual(?:ly)?|half-year(?:ly)?")
_YEAR_ON_YEAR = re.compile(r"(?i)annually|year[- ]on[- ]year")
_CLAUSE_BOUNDARY = re.compile(r"[,;:](?=\s)|\s[-—–]\s|—")
_SUBJECT_STARTS = frozenset("""the a an its their his her our my your it they we he she i this
that these those some many most all each every both net total one two no while whereas but
although though because when as and""".split())  # noqa: SIM905 (a clause of its own follows)
_CONNECTIVE = re.compile(r"(?i)^(?:with|which|who|whose|including|includes|or|"
                         r"compared|from|to|up|down|after|before|against|"
                         r"versus|than|representing|equivalent|accounting|making|"
                         r"bringing|taking)\b")


@dataclass(frozen=True)
class Quantity:
    """One number stated in an article, with what it measures and how it was said.

    `value` is in base units (380e9 for "380 billion yuan", 34.0 for "34 per cent").
    Offsets are into the article's cleaned text: `text == article_text[start:end]`,
    and likewise for `sentence`, `clause` and `equiv_text`.
    """

    value: float
    unit: str  # ISO 4217 code, "%", "x", "CNY/USD" for a stated rate, a count noun, or ""
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    clause: str  # what it measures: verbatim part of `sentence` holding the number
    clause_start: int
    clause_end: int
    approx: str = ""  # "", "about", "at least", "at most"
    approx_text: str = ""  # the words saying so, with the number: "more than 10 million times"
    role: str = "level"  # "level"; "change" (size of a change: "grew 34%", "rose by $3m");
    # "period" (the number belongs to a period phrase: "three" in "over three years")
    direction: int = 0  # +1 / -1 for a change
    period_count: float = 0.0  # "over three years" -> 3 year; 0 when none is stated
    period_unit: str = ""  # "year", "quarter", "month", "week", "day"
    period_text: str = ""
    factor: float | None = None  # a level reached by a change: level / previous level
    delta: float | None = None  # level - previous level, in `unit`
    previous: float | None = None  # the previous level, when stated ("from 5 to 7")
    change_text: str = ""  # the words stating the change ("nearly doubled")
    change_approx: str = ""
    equiv_value: float | None = None  # "380 billion yuan ($53.8 billion)" -> 53.8e9 USD
    equiv_unit: str = ""
    equiv_text: str = ""
    equiv_start: int = -1
    equiv_end: int = -1

    @property
    def is_money(self) -> bool:
        """True for ISO currency codes (three capitals)."""
        return len(self.unit) == 3 and self.unit.isupper() and self.unit.isalpha()

    @property
    def periods_per_year(self) -> float | None:
        """How many of this quantity's periods make a year (3 years -> 1/3)."""
        per = TIME_UNITS.get(self.period_unit)
        if per is None or self.period_count <= 0:
            return None
        return per / self.period_count

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, for storage beside the chunk."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quantity:
        """Inverse of `to_dict`; unknown keys (a newer schema) are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class _Raw:
    """A number being read, before its context is known."""

    start: int
    end: int
    value: float
    unit: str
    approx: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- public entry -----------------------------------------------------------


def extract_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order; never raises."""
    if not isinstance(text, str) or not text:
        return []
    try:
        return _extract(text)
    except Exception:  # a bug here must not stop indexing; the article is still quotable
        log.exception("quantity extraction failed; article indexed without quantities")
        return []


def _extract(text: str) -> list[Quantity]:
    yen = "CNY" if _YEN_IS_YUAN.search(text) and not _YEN_IS_YEN.search(text) else "JPY"
    raws = _scan(text, yen)
    spans = _sentences(text)
    starts = [s for s, _ in spans]
    clause_cache: dict[int, list[tuple[int, int]]] = {}
    out: list[Quantity] = []
    for raw in raws:
        ss, se = _sentence_of(raw, spans, starts, text)
        cs, ce = _clause_of(text, ss, se, raw.start, raw.end, clause_cache)
        q = Quantity(
            value=raw.value, unit=raw.unit, text=text[raw.start:raw.end],
            start=raw.start, end=raw.end, sentence=text[ss:se], sentence_start=ss,
            sentence_end=se, clause=text[cs:ce], clause_start=cs, clause_end=ce,
            approx=raw.approx, approx_text=_approx_text(text, raw))
        out.append(_read_context(text, q))
    out = _link(text, out)
    return out


# --- scanning numbers -----------------------------------------------------------


def _scan(text: str, yen: str) -> list[_Raw]:
    found: list[_Raw] = []
    for m in _DIGITS.finditer(text):
        raw = _read_digits(text, m, yen)
        if raw is not None:
            found.append(raw)
            if len(found) >= MAX_QUANTITIES:
                break
    taken = [(r.start, r.end) for r in found]
    for m in _WORDNUM.finditer(text):
        if len(found) >= 2 * MAX_QUANTITIES:
            break
        raw = _read_words(text, m, yen)
        if raw is not None and not _overlaps(raw, taken):
            found.append(raw)
    for m in _FRACTION.finditer(text):
        if len(found) >= 2 * MAX_QUANTITIES:
            break
        raw = _read_fraction(text, m)
        if raw is not None and not _overlaps(raw, taken):
            found.append(raw)
    found.sort(key=lambda r: (r.start, -r.end))
    kept: list[_Raw] = []
    for raw in found:
        if kept and raw.start < kept[-1].end:
            continue
        kept.append(raw)
    return kept[:MAX_QUANTITIES]


def _overlaps(raw: _Raw, taken: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(taken, (raw.start, math.inf))
    return any(s < raw.end and raw.start < e for s, e in taken[max(0, i - 2):i + 1])


def _read_digits(text: str, m: re.Match[str], yen: str) -> _Raw | None:
    num = m.group("num") or m.group("num2") or ""
    sign = m.group("sign") or m.group("sign2")
    if len(num) > 24 or not _GROUPED.fullmatch(num):
        return None  # "1,2,3" or an absurdly long digit string: not a stated quantity
    end = m.end()
    nxt = text[end:end + 2]
    if re.match(r"[.,/:\-][\d]", nxt):
        return None  # dates, times, versions, ranges: "2025-11-28", "3:30", "1.2.3"
    value = float(num.replace(",", ""))
    if sign:
        value = -value
    start = m.start()
    prefix = _CUR_PREFIX.search(text, max(0, start - 8), start + (1 if sign else 0))
    currency = ""
    if prefix is not None and prefix.end() == start + (1 if sign else 0):
        currency = _prefix_code(prefix, yen)
        if prefix.group("sign"):
            value = -value
        start = prefix.start()
    elif start > 0 and text[start - 1].isalpha():
        return None  # "XUSD5": letters glued to the number, no currency we know
    return _finish(text, start, end, value, currency, yen, digits=num)


def _prefix_code(m: re.Match[str], yen: str) -> str:
    if m.group("iso"):
        return "CNY" if m.group("iso") == "RMB" else m.group("iso")
    sym, code = m.group("sym"), m.group("code") or ""
    if sym == "€":
        return "EUR"
    if sym == "£":
        return "GBP"
    if sym == "¥":
        return {"CN": "CNY", "RMB": "CNY", "JP": "JPY"}.get(code, yen)
    return _DOLLAR_CODES.get(code, "USD")


def _read_words(text: str, m: re.Match[str], yen: str) -> _Raw | None:
    word = re.sub(r"\s+", " ", m.group("w").lower())
    if "-" in word or (" " in word and not word.startswith("a ")):
        tens, _, ones = word.replace("-", " ").partition(" ")
        value = float(WORD_VALUES[tens] + WORD_VALUES.get(ones, 0))
    else:
        value = float(WORD_VALUES[word])
    if m.group("hundred"):
        value *= 100
    end = m.end()
    if text[end:end + 1] == "-" and not _TIME_COMPOUND.match(text, end):
        return None  # "two-speed economy", "one-off"
    raw = _finish(text, m.start(), end, value, "", yen, digits="")
    if raw is None:
        return None
    if raw.unit == "" or (value == 1 and raw.unit not in ("x",) and not raw.extra.get("scaled")
                          and not raw.extra.get("strong")):
        return None  # "one of the", "one analyst": a word number needs a unit to count
    return raw


def _read_fraction(text: str, m: re.Match[str]) -> _Raw | None:
    if not _FRACTION_NEXT.match(text, m.end()):
        return None
    if _FRACTION_PREV.search(text, max(0, m.start() - 12), m.start()):
        return None  # "the first half", "each quarter"
    if m.group("f"):
        name = m.group("f").lower()
        if name == "quarter" and not text[m.end():m.end() + 4].lower().startswith(" of"):
            return None
        value = _FRACTIONS[name]
    else:
        value = WORD_VALUES[m.group("n").lower()] * _FRACTIONS[m.group("fp").lower()[:-1]]
    return _Raw(m.start(), m.end(), value, "%")


def _finish(text: str, start: int, end: int, value: float, currency: str, yen: str,
            digits: str) -> _Raw | None:
    """Read scale, unit and approximation words around a number core."""
    scaled = False
    sm = _SCALE_ATTACHED.match(text, end)
    if sm and (currency or sm.group(1).lower() not in ("m", "b")):
        value = _scaled(value, _SCALES[sm.group(1).lower()])
        end, scaled = sm.end(), True
    elif end < len(text) and text[end].isalnum() and not _TIMES.match(text, end):
        return None  # "1e308", "10am", "3rd": not a quantity we can read
    sw = _SCALE_WORD.match(text, end)
    if sw:
        value = _scaled(value, _SCALES[sw.group(1).lower()])
        end, scaled = sw.end(), True
    unit, strong = currency, bool(currency)
    if not unit:
        pm = _PERCENT.match(text, end)
        cm = _CUR_WORD.match(text, end)
        if pm:
            unit, end, strong = "%", pm.end(), True
        elif cm:
            unit, end, strong = _word_code(cm, yen), cm.end(), True
    if unit and unit != "%":
        rate = _PER_CURRENCY.match(text, end)
        if rate:
            other = _word_code(rate, yen)
            if other != unit:
                unit, end = f"{unit}/{other}", rate.end()
    if not unit:
        tm = _TIMES.match(text, end)
        cmp_follows = tm is not None and _COMPARATIVE.match(text, tm.end())
        if tm and (not tm.group(1) or cmp_follows):
            unit, end, strong = "x", tm.end(), True
        elif tm:
            unit, end = "times", tm.end()
        else:
            tc = _TIME_COMPOUND.match(text, end)
            nm = _NOUN.match(text, end)
            if tc:
                unit, end = tc.group("tu").lower() + "s", tc.end()
            elif nm and nm.group("noun") not in _STOP:
                unit, end = nm.group("noun"), nm.end()
    if not math.isfinite(value) or abs(value) > 1e18:
        return None
    if digits and not strong and not scaled and _is_date_like(text, start, end, digits, unit):
        return None
    raw = _Raw(start, end, value, unit, extra={"scaled": scaled, "strong": strong})
    raw.approx, raw.extra["approx_start"] = _approx_before(text, start, unit)
    return raw


def _scaled(value: float, scale: float) -> float:
    """16.4 billion is 16400000000.0, not 16399999999.999998."""
    return float(Decimal(repr(value)) * int(scale))


def _approx_text(text: str, raw: _Raw) -> str:
    at = raw.extra.get("approx_start", -1)
    return text[at:raw.end] if raw.approx and 0 <= at < raw.start else ""


def _word_code(m: re.Match[str], yen: str) -> str:
    if m.groupdict().get("iso"):
        return "CNY" if m.group("iso") == "RMB" else m.group("iso")
    word = m.group("word").lower().split()[0]
    nation = (m.group("nation") or "").lower()
    if word.startswith("dollar"):
        return _DOLLAR_NATIONS.get(nation, "USD")
    code = _CURRENCY_WORD_CODES.get(word.rstrip("s")) or _CURRENCY_WORD_CODES.get(word, "")
    return yen if code == "JPY" and word == "yen" and yen == "JPY" else code


def _is_date_like(text: str, start: int, end: int, digits: str, unit: str) -> bool:
    if "," in digits or "." in digits:
        return False
    n = int(digits)
    if len(digits) == 4 and 1800 <= n <= 2100:
        return True  # a year
    return 1 <= n <= 31 and bool(_MONTH_BEFORE.search(text, max(0, start - 12), start)
                                 or _MONTH_AFTER.match(text, end - len(unit) - 1 if unit else end))


def _approx_before(text: str, start: int, unit: str) -> tuple[str, int]:
    """("about" / "at least" / "at most" / "", where the hedging words start)."""
    m = _APPROX_BEFORE.search(text, max(0, start - 16), start)
    if m:
        word = m.group("w").lower()
        if word == "over" and unit.rstrip("s") in TIME_UNITS:
            return "", -1  # "over three years" is a period, not "more than"
        return _APPROX_WORDS[word], m.start("w")
    hedge = _HEDGE_BEFORE.search(text, max(0, start - 80), start)
    if hedge:
        return "about", hedge.start()
    return "", -1


# --- sentences and clauses ----------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
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
        from index.sentences import sentence_spans

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


def _sentence_of(raw: _Raw, spans: list[tuple[int, int]], starts: list[int],
                 text: str) -> tuple[int, int]:
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


def _clause_of(text: str, ss: int, se: int, qs: int, qe: int,
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
    if _CONNECTIVE.match(piece) or len(piece.split()) < 6:
        return True
    first = piece.split(maxsplit=1)[0] if piece else ""
    return first[:1].islower() and first.lower() not in _SUBJECT_STARTS


def _segments(text: str, ss: int, se: int) -> list[tuple[int, int]]:
    sentence = text[ss:se]
    depth, cuts = 0, []
    marks = {m.start(): m.end() for m in _CLAUSE_BOUNDARY.finditer(sentence)}
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


# --- context: approximation, period, change -------------------------------------


def _read_context(text: str, q: Quantity) -> Quantity:
    pre_start = max(q.clause_start, q.start - _CONTEXT)  # bounded: regexes here are costly
    clause_pre = text[pre_start:q.start]
    has_change = bool(_CHANGE_CUES.search(text, pre_start, min(q.clause_end, q.end + _CONTEXT)))
    role, direction = "level", 0
    change_approx, change_text, factor = "", "", None
    if q.unit == "%":
        vm = _PCT_VERB_BEFORE.search(clause_pre)
        am = _CHANGE_AFTER.match(text, q.end, q.clause_end)
        if vm and not _TO_BEFORE.search(clause_pre):
            role, direction = "change", _direction(vm.group("verb"))
            change_text = text[pre_start + vm.start():q.end]
        elif am and am.group("verb").lower() not in ("more", "less"):
            role, direction = "change", _direction(am.group("verb"))
            change_text = text[q.start:am.end()]
    elif q.unit and q.unit != "x":
        vm = _VERB_BEFORE.search(clause_pre) or _NOUN_CHANGE_BEFORE.search(clause_pre)
        am = _CHANGE_AFTER.match(text, q.end, q.clause_end)
        if vm:
            role, direction = "change", _direction(vm.group("verb"))
            change_text = text[pre_start + vm.start():q.end]
        elif am:
            role, direction = "change", _direction(am.group("verb"))
            change_text = text[q.start:am.end()]
    fm = _FACTOR_BEFORE.search(clause_pre) if role == "level" else None
    if fm:
        factor = _factor(fm)
        if factor is not None:
            change_approx = _APPROX_WORDS.get(re.sub(r"\s+", " ", (fm.group("approx") or "")
                                                     .lower()), "")
            change_text = text[pre_start + fm.start():pre_start + fm.start()
                               + len(fm.group(0).rstrip())].rstrip()
            change_text = re.sub(r"\s+to$", "", change_text)
    count, unit, ptext, in_period = _period(text, q, has_change)
    if in_period:
        role = "period"
    return replace(q, role=role, direction=direction, factor=factor, change_text=change_text,
                   change_approx=change_approx, period_count=count, period_unit=unit,
                   period_text=ptext)


def _direction(verb: str) -> int:
    return -1 if re.fullmatch(rf"(?i){_DOWN}|cut|reduced|lowered", verb) else 1


def _factor(m: re.Match[str]) -> float | None:
    verb = m.group("verb").lower()
    if verb in _FACTORS:
        return _FACTORS[verb]
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
        if not _PERIOD_HINT.search(text, scope_start, scope_end):
            continue  # one cheap scan spares ten costly ones
        for kind, pattern in _PERIOD_PATTERNS:
            for m in pattern.finditer(text, scope_start, scope_end):
                ms, me = m.start(), m.end()
                if ms <= q.start and q.end <= me and kind in ("count", "months_to"):
                    in_period = True
                    continue
                found = _period_value(kind, m)
                if found is None or kind == "horizon":
                    continue
                if wide and (
                        me > q.clause_start or _ADJECTIVE_PERIOD.fullmatch(m.group(0))
                        or re.search(r"\d", text[me:q.clause_start])):
                    continue  # only an opening "In the third quarter, ..." covers the clause
                if has_change and _YEAR_ON_YEAR.fullmatch(m.group(0)):
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
    if kind in ("count", "months_to"):
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


# --- links between quantities ------------------------------------------------------


def _link(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Join a conversion to its original, a change to the level it led to."""
    out = list(qs)
    numbers = [k for k, q in enumerate(out) if q.role != "period"]  # "five years" sits between
    for i, j in pairwise(numbers):
        a, b = out[i], out[j]
        if a.sentence_start != b.sentence_start:
            continue
        between = text[a.end:b.start]
        if (a.is_money and b.is_money and a.unit != b.unit
                and _EQUIV_BETWEEN.match(between) and _EQUIV_AFTER.match(text[b.end:b.end + 2])):
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
                break
        q = out[i]
        after = next((out[k] for k in range(i + 1, len(out)) if out[k].role != "period"), None)
        if q.previous is None and after is not None and after.sentence_start == q.sentence_start:
            out[i] = _link_pair(text, after, q, before=False) or q
    return out


def _link_pair(text: str, p: Quantity, q: Quantity, before: bool) -> Quantity | None:
    """q is a level; p a change or earlier level stated next to it."""
    if before:
        between = text[p.end:q.start]
        if (p.role == "level" and p.unit == q.unit
                and _FROM_TO.search(text, p.clause_start, p.start)
                and re.fullmatch(rf"(?i)\s+to\s+{_FILLER_APPROX}", between)):
            return replace(q, previous=p.value, change_text=q.change_text or text[p.start:q.end])
        if p.role != "change" or not _LINK_TO.match(between):
            return None
    else:
        between = text[q.end:p.start]
        if p.role == "level" and p.unit == q.unit and _LINK_FROM.match(between):
            return replace(q, previous=p.value, change_text=q.change_text or text[q.start:p.end])
        if p.role != "change" or not _LINK_UPDOWN.match(between):
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
