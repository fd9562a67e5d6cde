"""Questions asking how many years lie between two dates or two events.

Three forms, each with a fixed reading of which year comes later:
- the question names both years ("between 1976 and 2011"): later minus earlier;
- it names two events ("how many years after A did B?", "B how many years after A?",
  "how many years passed between A and B?"): each event's year is found in the article;
- it names one span ("how many years did the war last?"): a range the article states.
A phrase that could be split more than one way ("between A and B and C") gives none.
"""

from __future__ import annotations

import re

from qa.figures.intent import Intent, clean

_YEARS_Q = r"how\s+many\s+years"
_EXPLICIT = re.compile(r"(?<![\w$£€.,])(?:1[0-9]|20)\d\d(?![\w%]|[.,]\d)")
_AUX = r"(?:did|does|do|was|were|is|are|had|has|have|would|could|will)"
_AFTER = re.compile(rf"(?i)^{_YEARS_Q}\s+(?P<rel>after|before|later\s+than|earlier\s+than)\s+"
                    rf"(?P<a>.+)\s+{_AUX}\s+(?P<b>.+)$")
_TAIL_AFTER = re.compile(rf"(?i)^(?P<b>.+?),?\s+{_YEARS_Q}\s+(?P<rel>after|before|later\s+than|"
                         rf"earlier\s+than)\s+(?P<a>.+)$")
_BETWEEN = re.compile(rf"(?i)\b{_YEARS_Q}\s+(?:(?:had\s+|have\s+)?(?:passed|elapsed|went\s+by|"
                      rf"gone\s+by)|(?:were|are)\s+there|(?:was|is)\s+it|{_AUX}\s+it\s+take)?\s*"
                      rf"(?:in\s+)?(?P<prep>between|from)\s+(?P<rest>.+)$")
_DURATION = re.compile(rf"(?i)^(?:for\s+)?{_YEARS_Q}\s+(?:did|was|were|had|has|have)\s+(?P<a>.+?)\s+"
                       rf"(?:last|take|span|continue|endure|go\s+on|run|exist|persist)\b"
                       rf"(?P<rest>.*)$")
_IT_TOOK = re.compile(rf"(?i)^{_YEARS_Q}\s+did\s+it\s+take\s+(?:for\s+)?(?P<a>.+)$")
_COUNTED = re.compile(rf"(?i)\b{_YEARS_Q}\s+(?:saw|had|have|showed|recorded|with|in\s+which|"
                      r"when|where|did\s+\S+\s+(?:increase|decrease|rise|fall|grow|decline))\b")
# "How many years was the Polish-Soviet War?", "for how many years did X rule Y?"
_HOW_LONG = re.compile(rf"(?i)^(?:for\s+)?{_YEARS_Q}\s+(?:did|was|were)\s+(?P<a>.+)$")
_WHEN = re.compile(r"(?i)^(?:when|the\s+time|the\s+year)\s+")


def parse_years(question: str) -> Intent | None:
    """An "elapsed" intent for a how-many-years question, or None.

    phrases: the two years, or the earlier event then the later one, or the one span;
    `unit` says which ("named", "events", "span"); `direction` is +1 when the question
    says the second event came later, 0 when it does not say.
    """
    q = re.sub(r"\s+", " ", question or "").strip().rstrip("?.! ")
    if not re.search(rf"(?i)\b{_YEARS_Q}\b", q) or len(q) > 400:
        return None
    named = list(dict.fromkeys(_EXPLICIT.findall(q)))
    if len(named) == 2:
        asked = re.search(rf"(?i)\b{_YEARS_Q}\b", q)
        first = _EXPLICIT.search(q)
        if asked is None or first is None or first.start() < asked.start() or _COUNTED.search(q):
            return None  # "between 1990 and 2003, how many years saw ...": a count of years
        return Intent("elapsed", tuple(named), unit="named")
    if named:
        return None  # one year named beside events: its role is not clear
    for pattern in (_AFTER, _TAIL_AFTER):
        m = pattern.search(q)
        if m:
            a, b = _event(m.group("a")), _event(m.group("b"))
            if not (a and b):
                return None
            earlier_first = m.group("rel").lower().startswith(("after", "later"))
            pair = (a, b) if earlier_first else (b, a)
            return Intent("elapsed", pair, unit="events", direction=1)
    m = _BETWEEN.search(q)
    if m:
        joiner = r"\s+and\s+" if m.group("prep").lower() == "between" else \
            r"\s+(?:to|until|till|and)\s+"
        parts = re.split(joiner, m.group("rest"))
        if len(parts) != 2:
            return None
        a, b = _event(parts[0]), _event(parts[1])
        return Intent("elapsed", (a, b), unit="events") if a and b else None
    m = _IT_TOOK.search(q) or _DURATION.search(q)
    if m and m.re is _DURATION and m.group("rest").strip():
        return None  # "did the war last after ...": more than one span
    m = m or _HOW_LONG.search(q)
    if m:
        a = _event(m.group("a"))
        return Intent("elapsed", (a,), unit="span") if a else None
    return None


def _event(phrase: str) -> str:
    """ "when Guadalajara was retaken" -> "Guadalajara was retaken"."""
    return clean(_WHEN.sub("", clean(phrase)))
