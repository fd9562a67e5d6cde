"""Finding the numbers in text: digits, number words and fractions, with their units.

The first pass of extraction: each number is read with its currency, scale, unit
and hedging words ("about", "more than") before anything about its sentence is
known. A number that cannot be read is skipped, never an error.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from index.quantities.patterns import (
    APPROX_BEFORE,
    APPROX_WORDS,
    COMPARATIVE,
    COUNT_HEADS,
    CUR_PREFIX,
    CUR_WORD,
    CURRENCY_WORD_CODES,
    DIGITS,
    DOLLAR_CODES,
    DOLLAR_NATIONS,
    FRACTION,
    FRACTION_NEXT,
    FRACTION_PREV,
    FRACTIONS,
    GROUPED,
    HEAD_NOUN,
    HEDGE_BEFORE,
    MEASURE_COMPOUND,
    MEASURE_PLURALS,
    MONTH_AFTER,
    MONTH_BEFORE,
    NATION_CODES,
    NOT_NOUNS,
    NOUN,
    PER_CURRENCY,
    PERCENT,
    SCALE_ATTACHED,
    SCALE_WORD,
    SCALES,
    STOP,
    TIME_COMPOUND,
    TIME_UNITS,
    TIMES,
    WORD_VALUES,
    WORDNUM,
)

MAX_QUANTITIES = 5_000  # far beyond any article; bounds work on pathological input


@dataclass
class Raw:
    """A number being read, before its context is known."""

    start: int
    end: int
    value: float
    unit: str
    approx: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_NAMED_NUMBER = re.compile(r"\b(?:Chapter|Article|Section|Rule|Form|Flight|Route|Apollo|Windows)\s+$")


def scan(text: str, yen: str) -> list[Raw]:
    """Every readable number in `text`, in order, overlaps dropped; `yen` is what "¥" means here."""
    found: list[Raw] = []
    for m in DIGITS.finditer(text):
        if _NAMED_NUMBER.search(text, max(0, m.start() - 12), m.start()):
            continue  # "Chapter 11", "Article 50": part of a name
        raw = _read_digits(text, m, yen)
        if raw is not None:
            found.append(raw)
            if len(found) >= MAX_QUANTITIES:
                break
    taken = [(r.start, r.end) for r in found]
    for m in WORDNUM.finditer(text):
        if len(found) >= 2 * MAX_QUANTITIES:
            break
        raw = _read_words(text, m, yen)
        if raw is not None and not _overlaps(raw, taken):
            found.append(raw)
    for m in FRACTION.finditer(text):
        if len(found) >= 2 * MAX_QUANTITIES:
            break
        raw = _read_fraction(text, m)
        if raw is not None and not _overlaps(raw, taken):
            found.append(raw)
    found.sort(key=lambda r: (r.start, -r.end))
    kept: list[Raw] = []
    for raw in found:
        if kept and raw.start < kept[-1].end:
            continue
        kept.append(raw)
    return kept[:MAX_QUANTITIES]


def _overlaps(raw: Raw, taken: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(taken, (raw.start, math.inf))
    return any(s < raw.end and raw.start < e for s, e in taken[max(0, i - 2):i + 1])


def _read_digits(text: str, m: re.Match[str], yen: str) -> Raw | None:
    num = m.group("num") or m.group("num2") or ""
    sign = m.group("sign") or m.group("sign2")
    if len(num) > 24 or not GROUPED.fullmatch(num):
        return None  # "1,2,3" or an absurdly long digit string: not a stated quantity
    end = m.end()
    nxt = text[end:end + 2]
    if re.match(r"[.,/:\-][\d]", nxt):
        return None  # dates, times, versions, ranges: "2025-11-28", "3:30", "1.2.3"
    value = float(num.replace(",", ""))
    if sign:
        value = -value
    start = m.start()
    prefix = CUR_PREFIX.search(text, max(0, start - 8), start + (1 if sign else 0))
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
    if m.group("rs"):
        return "INR"
    sym, code = m.group("sym"), m.group("code") or ""
    if sym in "₹₩":
        return "INR" if sym == "₹" else "KRW"
    if code == "R":
        return "BRL"
    if sym == "€":
        return "EUR"
    if sym == "£":
        return "GBP"
    if sym == "¥":
        return {"CN": "CNY", "RMB": "CNY", "JP": "JPY"}.get(code, yen)
    return DOLLAR_CODES.get(code, "USD")


def _read_words(text: str, m: re.Match[str], yen: str) -> Raw | None:
    word = re.sub(r"\s+", " ", m.group("w").lower())
    if "-" in word or (" " in word and not word.startswith("a ")):
        tens, _, ones = word.replace("-", " ").partition(" ")
        value = float(WORD_VALUES[tens] + WORD_VALUES.get(ones, 0))
    else:
        value = float(WORD_VALUES[word])
    if m.group("hundred"):
        value *= 100
    end = m.end()
    if text[end:end + 1] == "-" and not TIME_COMPOUND.match(text, end):
        return None  # "two-speed economy", "one-off"
    raw = _finish(text, m.start(), end, value, "", yen, digits="")
    if raw is None:
        return None
    if raw.unit == "" or (value == 1 and raw.unit not in ("x",) and not raw.extra.get("scaled")
                          and not raw.extra.get("strong")):
        return None  # "one of the", "one analyst": a word number needs a unit to count
    return raw


def _read_fraction(text: str, m: re.Match[str]) -> Raw | None:
    if not FRACTION_NEXT.match(text, m.end()):
        return None
    if FRACTION_PREV.search(text, max(0, m.start() - 12), m.start()):
        return None  # "the first half", "each quarter"
    if m.group("f"):
        name = m.group("f").lower()
        if name == "quarter" and not text[m.end():m.end() + 4].lower().startswith(" of"):
            return None
        value = FRACTIONS[name]
    else:
        value = WORD_VALUES[m.group("n").lower()] * FRACTIONS[m.group("fp").lower()[:-1]]
    return Raw(m.start(), m.end(), value, "%")


def _finish(text: str, start: int, end: int, value: float, currency: str, yen: str,
            digits: str) -> Raw | None:
    """Read scale, unit and approximation words around a number core."""
    scaled = False
    sm = SCALE_ATTACHED.match(text, end)
    if sm and (currency or sm.group(1).lower() not in ("m", "b") or _million_of(text, sm.end())):
        value = _scaled(value, SCALES[sm.group(1).lower()])
        end, scaled = sm.end(), True
    elif end < len(text) and text[end].isalnum() and not TIMES.match(text, end):
        return None  # "1e308", "10am", "3rd": not a quantity we can read
    sw = SCALE_WORD.match(text, end)
    if sw:
        value = _scaled(value, SCALES[re.sub(r"[-\s]", "", sw.group(1).lower())])  # "bil- lion": a broken line
        end, scaled = sw.end(), True
    unit, strong = currency, bool(currency)
    if not unit:
        pm = PERCENT.match(text, end)
        cm = CUR_WORD.match(text, end)
        if pm:
            unit, end, strong = "%", pm.end(), True
        elif cm:
            unit, end, strong = _word_code(cm, yen), cm.end(), True
    if unit and unit != "%":
        rate = PER_CURRENCY.match(text, end)
        if rate:
            other = _word_code(rate, yen)
            if other != unit:
                unit, end = f"{unit}/{other}", rate.end()
    if not unit:
        tm = TIMES.match(text, end)
        cmp_follows = tm is not None and COMPARATIVE.match(text, tm.end())
        if tm and (not tm.group(1) or cmp_follows):
            unit, end, strong = "x", tm.end(), True
        elif tm:
            unit, end = "times", tm.end()
        else:
            tc = TIME_COMPOUND.match(text, end)
            mc = MEASURE_COMPOUND.match(text, end)
            nm = NOUN.match(text, end)
            if tc:
                unit, end = tc.group("tu").lower() + "s", tc.end()
            elif mc:
                mu = mc.group("mu").lower()
                unit, end = MEASURE_PLURALS.get(mu, mu + "s"), mc.end()
            elif nm and nm.group("noun") not in STOP and nm.group("noun") not in NOT_NOUNS:
                unit, end = nm.group("noun"), nm.end()
                head = HEAD_NOUN.match(text, end)
                if head and not unit.endswith("s") and unit not in COUNT_HEADS and head.group("noun") not in STOP \
                        and head.group("noun") not in NOT_NOUNS:
                    unit, end = head.group("noun"), head.end()  # "11.4 million mobile customers" counts customers
    if not math.isfinite(value) or abs(value) > 1e18:
        return None
    if digits and not strong and not scaled and _is_date_like(text, start, end, digits, unit):
        return None
    raw = Raw(start, end, value, unit, extra={"scaled": scaled, "strong": strong})
    raw.approx, raw.extra["approx_start"] = _approx_before(text, start, unit)
    return raw


# "612m euros", "6.2m subscribers": an attached "m" or "b" is a scale when a currency or a
# plural noun follows ("100m race", "a 30m wall" are metres).
_PLURAL_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?[a-z]{2,}s\b")


def _million_of(text: str, end: int) -> bool:
    return bool(CUR_WORD.match(text, end) or _PLURAL_AFTER.match(text, end))


def _scaled(value: float, scale: float) -> float:
    """16.4 billion is 16400000000.0, not 16399999999.999998."""
    return float(Decimal(repr(value)) * int(scale))


def approx_text(text: str, raw: Raw) -> str:
    """The hedging words with the number ("more than 10 million"), or "" when unhedged."""
    at = raw.extra.get("approx_start", -1)
    return text[at:raw.end] if raw.approx and 0 <= at < raw.start else ""


def _word_code(m: re.Match[str], yen: str) -> str:
    if m.groupdict().get("iso"):
        return "CNY" if m.group("iso") == "RMB" else m.group("iso")
    word = m.group("word").lower().split()[0]
    nation = (m.group("nation") or "").lower()
    if word.startswith("dollar"):
        return DOLLAR_NATIONS.get(nation, "USD")
    if nation in NATION_CODES:
        return NATION_CODES[nation]
    code = CURRENCY_WORD_CODES.get(word.rstrip("s")) or CURRENCY_WORD_CODES.get(word, "")
    return yen if code == "JPY" and word == "yen" and yen == "JPY" else code


def _is_date_like(text: str, start: int, end: int, digits: str, unit: str) -> bool:
    if "," in digits or "." in digits:
        return False
    n = int(digits)
    if len(digits) == 4 and 1800 <= n <= 2100:
        return True  # a year
    return 1 <= n <= 31 and bool(MONTH_BEFORE.search(text, max(0, start - 12), start)
                                 or MONTH_AFTER.match(text, end - len(unit) - 1 if unit else end))


def _approx_before(text: str, start: int, unit: str) -> tuple[str, int]:
    """("about" / "at least" / "at most" / "", where the hedging words start)."""
    m = APPROX_BEFORE.search(text, max(0, start - 16), start)
    if m:
        word = m.group("w").lower()
        if word == "over" and unit.rstrip("s") in TIME_UNITS:
            return "", -1  # "over three years" is a period, not "more than"
        return APPROX_WORDS[word], m.start("w")
    hedge = HEDGE_BEFORE.search(text, max(0, start - 80), start)
    if hedge:
        return "about", hedge.start()
    return "", -1
