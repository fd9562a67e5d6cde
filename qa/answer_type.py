"""Whether a passage could hold the kind of answer a question asks for.

A "When ..." question is answered only by a passage that states a time: a year, a month,
a weekday, "last week", "ago". Without this, "When was Alibaba founded?" was answered
with the one sentence saying Jack Ma "co-founded" it, which shares every word of the
question and says nothing of when. On SQuAD dev the check costs 0.2% of answerable
questions (times stated as "the day after" or a geological era).
"""

from __future__ import annotations

import re

from index.quantity_patterns import MONTHS

_WHEN = re.compile(
    r"(?i)\s*(?:when|(?:in |during )?(?:what|which) (?:year|date|month|day|decade|century)"
    r"|on what (?:date|day))\b"
)
# "When X happens, what ...?": the question asks the "what", not a time.
_CLAUSE_THEN_ASK = re.compile(r"(?i),\s*(?:what|how|which|who|whom|where|why)\b")
_TIME = re.compile(
    r"(?i)\b(?:1[0-9]{3}|20[0-9]{2})s?\b"
    rf"|\b(?:{MONTHS})\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today"
    r"|tomorrow|tonight|spring|summer|autumn|winter)\b"
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
