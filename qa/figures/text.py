"""How computed numbers are written: one rounding rule, used by formula and summary alike.

The composer checks that every number in an answer appears in a quote or a formula,
so the summary line (`describe_figure`) only repeats strings the formula already holds.
"""

from __future__ import annotations

import math
import re

from qa.answer import Figure

_SYMBOLS = {"USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$",
            "SGD": "S$", "NZD": "NZ$", "TWD": "NT$"}
_WORDS = {"CNY": "yuan", "CHF": "Swiss francs", "KRW": "won", "INR": "rupees", "SEK": "Swedish crowns",
          "NOK": "Norwegian crowns", "DKK": "Danish crowns", "CZK": "Czech crowns", "ZAR": "rand",
          "BRL": "reais", "RUB": "roubles", "TRY": "lira", "MXN": "pesos", "MYR": "ringgit", "THB": "baht",
          "IDR": "rupiah", "PLN": "zlotys", "AED": "dirhams", "SAR": "riyals", "NGN": "naira",
          "ILS": "shekels", "HUF": "forints", "EGP": "Egyptian pounds"}
_SINGULAR = {"CNY": "yuan", "JPY": "yen", "USD": "dollar", "HKD": "Hong Kong dollar",
             "EUR": "euro", "GBP": "pound", "AUD": "Australian dollar",
             "CAD": "Canadian dollar", "SGD": "Singapore dollar", "CHF": "Swiss franc", "SEK": "Swedish crown",
             "NOK": "Norwegian crown", "DKK": "Danish crown", "CZK": "Czech crown", "INR": "rupee",
             "KRW": "won", "ZAR": "rand", "BRL": "real", "RUB": "rouble", "TRY": "lira", "MXN": "peso",
             "EGP": "Egyptian pound"}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six",
                 7: "seven", 8: "eight", 9: "nine", 10: "ten", 12: "twelve"}


def exact(x: float) -> str:
    """A factor as the article implies it, to four decimals: "1.086" for "climbed 8.6%"."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def plain(x: float) -> str:
    """About three significant digits; "126.7" for values in the hundreds."""
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, 2 - mag) if abs(x) < 100 else (1 if abs(x) < 1000 else 0)
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def is_money(unit: str) -> bool:
    """ISO 4217 codes are three capital letters."""
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def amount(value: float, unit: str) -> str:
    """A value in base units as a reader writes it: "$17.9 billion", "126.7 billion yuan"."""
    if unit == "%":
        return f"{plain(value)}%"
    if unit == "x":
        return f"{plain(value)} times"
    if "/" in unit:
        top, bottom = unit.split("/", 1)
        return f"{plain(value)} {per_words(top, bottom)}"
    number = plain(value)
    for size, word in _SCALES:
        if abs(value) >= size:
            number = f"{plain(value / size)} {word}"
            break
    if is_money(unit):
        sign = "-" if number.startswith("-") else ""
        number = number.lstrip("-")
        if unit in _SYMBOLS:
            return f"{sign}{_SYMBOLS[unit]}{number}"
        return f"{sign}{number} {_WORDS.get(unit, unit)}"
    return f"{number} {unit}".strip()


def currency_word(code: str, singular: bool = False) -> str:
    """ "yuan", "dollars" / "dollar": the word a rate is read with."""
    if singular:
        return _SINGULAR.get(code, code)
    if code in _WORDS:
        return _WORDS[code]
    if code == "JPY":
        return "yen"
    word = _SINGULAR.get(code)
    return f"{word}s" if word else code


def per_words(top: str, bottom: str) -> str:
    """ "yuan per dollar"; "Hong Kong dollars per US dollar" when both are dollars."""
    below = currency_word(bottom, singular=True)
    if bottom == "USD" and "dollar" in currency_word(top):
        below = "US dollar"
    return f"{currency_word(top)} per {below}"


def count_words(n: float, unit: str) -> str:
    """ "3 years", "1 quarter": a period in digits, which the formula keeps."""
    unit = unit if n == 1 else f"{unit}s"
    return f"{plain(n)} {unit}"


def number_word(n: float) -> str:
    """Small whole numbers in words, for notes that must add no new digits."""
    return _NUMBER_WORDS.get(int(n), plain(n)) if float(n).is_integer() else plain(n)


def label_text(text: str) -> str:
    """A label from the question's words, without auxiliaries or numbers of its own.

    The composer checks every number a reader sees, so a label brings none.
    """
    text = re.sub(r"\S*\d\S*", "", text)
    text = re.sub(r"(?i)\b(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could)\b",
                  "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    # "change in sales from to": prepositions whose years the label cannot keep
    orphan = re.compile(r"(?i)(?:\s+\b(?:from|to|in|between|and|of|for|at|on|during|since|versus|than)\b)+"
                        r"(?=\s*(?:$|[,;)]|\b(?:relative|minus|plus|as\s+a|versus|and)\b))")
    text = orphan.sub("", re.sub(r"(?i)\b(?:from|between)\s+(?:to|and)\b", "", text))
    return re.sub(r"\s+", " ", text).strip(" ,")


LOWER_BOUND = "A lower bound"
UPPER_BOUND = "An upper bound"


def describe_figure(f: Figure) -> str:
    """One readable line: the rounded result, what it is, and how it was computed.

    The result is written by `amount`, exactly as the formula's "= result" wrote it,
    so every number in the line can be found in the formula or an input quote.
    """
    head = _change_head(f) if f.kind == "change" else amount(f.value, f.unit)
    if f.approximate:
        bound = "at least" if f.note.startswith(LOWER_BOUND) else (
            "at most" if f.note.startswith(UPPER_BOUND) else "about")
        word, _, rest = head.partition(" ")
        head = f"{word} {bound} {rest}" if f.kind == "change" else f"{bound} {head}"  # "up about $2.2 billion"
    head = head[0].upper() + head[1:]
    line = f"{head} ({f.label}): {f.formula}."
    if f.note:
        line += f" {f.note}"
    return line


_PCT_AFTER = re.compile(r"\((?P<pct>[+-]?[\d.,]+)%\)\s*$")


def _change_head(f: Figure) -> str:
    """ "fell 27.4%", "down $2.9 billion (50%)": the change in the words a reader uses.

    The label says what was asked ("fall in ...", "rise in ...", "change in ..."): a fall
    asked and a positive value is a fall; a change keeps its sign.
    """
    asked_fall = f.label.lower().startswith("fall")
    up = f.value < 0 if asked_fall else f.value >= 0
    size = abs(f.value)
    if f.unit == "%" and "× 100" not in f.formula:  # two percentages: a change in points
        return f"{'up' if up else 'down'} {plain(size)} percentage points"
    if f.unit == "%":
        return f"{'rose' if up else 'fell'} {amount(size, '%')}"
    head = f"{'up' if up else 'down'} {amount(size, f.unit)}"
    m = _PCT_AFTER.search(f.formula)
    if m:
        head += f" ({m.group('pct').lstrip('+-')}%)"
    return head
