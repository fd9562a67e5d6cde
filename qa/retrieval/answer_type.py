"""Whether a passage could hold the kind of answer a question asks for.

A "When ..." question is answered only by a passage that states a time: a year, a month,
a weekday, "last week", "ago". Without this, "When was Alibaba founded?" was answered
with the one sentence saying Jack Ma "co-founded" it, which shares every word of the
question and says nothing of when. On SQuAD dev the check costs 0.2% of answerable
questions (times stated as "the day after" or a geological era).
"""

from __future__ import annotations

import re
from typing import Literal

from index.quantities.patterns import MONTHS
from index.text.terms import terms

_WHEN = re.compile(
    r"(?i)\s*(?:when|(?:in |during )?(?:what|which) (?:year|date|month|day|decade|century)"
    r"|on what (?:date|day))\b"
)
# "When X happens, what ...?" or "When X, Y is?": a clause that sets a condition, then the
# question proper; it asks the "what", not a time.
_CLAUSE_THEN_ASK = re.compile(r"(?i)^\s*when\b[^,?]+,\s*\S")
_TIME = re.compile(
    r"(?i)\b(?:c\.?\s?|ca\.\s?)?(?:1[0-9]{3}|20[0-9]{2})s?\b"
    rf"|\b(?:{MONTHS})\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today"
    r"|tomorrow|tonight|spring|summer|autumn|winter|midsummer|christmas|easter|morning|evening"
    r"|night|noon|midnight|dawn|dusk)\b"
    r"|\b(?:last|this|next|previous|same|that|the following|the previous)\s+(?:week|month"
    r"|year|quarter|decade|century|season|weekend|day|night|morning|evening)\b"
    r"|\b(?:ago|since|until|century|centuries|decade|decades|era|dynasty|bce?|ad|ce)\b"
    r"|\b\d+(?:st|nd|rd|th)\b"
)


def wants_time(question: str) -> bool:
    """True for questions asking when something happened."""
    return bool(_WHEN.match(question)) and not _CLAUSE_THEN_ASK.search(question)


def states_time(text: str) -> bool:
    """True when the passage names a time a "when" question could be answered with."""
    return bool(_TIME.search(text))


_HOW_MANY = re.compile(r"(?i)\s*how\s+many\s+(?P<noun>[^\W\d_]+)")
_NOT_A_NOUN = frozenset({"more", "fewer", "less", "times", "of", "in", "percent", "per", "than",
                         "other", "different", "additional", "total"})


def counted_noun(question: str) -> str | None:
    """The thing a "How many X" question counts ("customers"), or None."""
    m = _HOW_MANY.match(question)
    if m is None or m.group("noun").lower() in _NOT_A_NOUN:
        return None
    return m.group("noun")


AnswerKind = Literal["time", "number", "name", "place"]

_NUMBER_ASKED = re.compile(
    r"(?i)\s*(?:how (?:many|much|long|far|old|large|big|tall|high|often)"
    r"|what (?:percentage|percent|proportion|number|amount))\b"
)
_WHO = re.compile(r"(?i)\s*(?:who|whom|whose)\b")
_WHERE = re.compile(r"(?i)\s*where\b")
_NUMBER = re.compile(r"(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven"
                     r"|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen)\b")
# A capitalised word or run of them, not the first word of a sentence.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def wanted_kind(question: str) -> AnswerKind | None:
    """The kind of answer a question asks for, when its first words say so."""
    if wants_time(question):
        return "time"
    if _NUMBER_ASKED.match(question):
        return "number"
    if _WHO.match(question):
        return "name"
    if _WHERE.match(question):
        return "place"
    return None


def holds_kind(kind: AnswerKind, question: str, text: str) -> bool:
    """Whether a passage holds an answer of that kind; a name or place must be one the
    question does not already use ("Who founded Alibaba?" is not answered by "Alibaba")."""
    if kind == "time":
        return states_time(text)
    if kind == "number":
        return bool(_NUMBER.search(text))
    asked = set(re.findall(r"[a-z]+", question.lower()))
    return any(not set(m.group(0).lower().split()) <= asked for m in _NAME.finditer(text))


# "How much did X make?" asks for a profit the article words as "net profit": the measure a
# money verb asks about, added to the words BM25 looks for.
_VERB_MEASURE = re.compile(r"(?i)^\s*how\s+much\s+(?:money\s+)?(?:did|does|do|will|would|has|have|had|is|was)\b.*?"
                           r"\b(?P<verb>make|made|makes|making|earn|earns|earned|earning|lose|loses|lost|losing)\b")
_MEASURE_WORDS = {"make": "profit", "earn": "profit earnings", "lose": "loss"}


def measure_terms(question: str) -> list[str]:
    """BM25 terms for the measure a money verb asks about ("make" -> "profit"), or none."""
    m = _VERB_MEASURE.match(question)
    if m is None:
        return []
    verb = m.group("verb").lower()
    base = "make" if verb.startswith("ma") else "earn" if verb.startswith("earn") else "lose"
    return terms(_MEASURE_WORDS[base])
