"""What calculation a question asks for, and the question's words for each operand.

Only wording that unambiguously asks for arithmetic counts: a question that merely
asks for a stated number ("How much did X announce?") gets no intent, so no figure
is ever computed for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

KINDS = ("exchange_rate", "share", "ratio", "difference", "sum", "before", "change",
         "annualise", "rate", "convert", "complement")

_CURRENCY_NAMES: list[tuple[str, str]] = [
    (r"hong\s+kong\s+dollars?|hk\s+dollars?|hkd|hk\$", "HKD"),
    (r"(?:us\s+|u\.s\.\s+|american\s+)?dollars?|usd|us\$|\$", "USD"),
    (r"yuan|renminbi|rmb|cny", "CNY"),
    (r"euros?|eur|€", "EUR"),
    (r"pounds?(?:\s+sterling)?|sterling|gbp|£", "GBP"),
    (r"yen|jpy", "JPY"),
]
_CURRENCY_ALT = "|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(_CURRENCY_NAMES))
_TARGET = re.compile(rf"(?i),?\s*\b(?:in|into|to|as)\s+(?:{_CURRENCY_ALT})(?:\s+terms)?\b")
_ANY_CURRENCY = re.compile(rf"(?i)(?<![\w$])(?:{_CURRENCY_ALT})(?!\w)")
_PER_PAIR = re.compile(rf"(?i)\bhow\s+many\s+(?P<a>{_CURRENCY_ALT.replace('?P<c', '?P<a')})\s+"
                       rf"(?:per|to|for|buys?|in)\s+(?:a|an|one|each|the)?\s*"
                       rf"(?P<b>{_CURRENCY_ALT.replace('?P<c', '?P<b')})")

_EXCHANGE = re.compile(r"(?i)\b(?:exchange|conversion|currency)\s+rate\b|\brate\s+between\b"
                       r"|\bhow\s+many\s+\w+\s+(?:per|to|for|buys?)\s+(?:a|an|one|each|the)\b")
_SHARE = [
    re.compile(r"(?i)\bwhat\s+(?:percentage|percent|per\s+cent|share|proportion|fraction|part|%)"
               r"\s+of\s+(?P<whole>.+?)\s+(?:does|do|did|is|was|are|were|would)\s+(?P<part>.+?)"
               r"(?:\s+(?:represent|make\s+up|account\s+for|amount\s+to|equal|constitute|take"
               r"\s+up|come\s+to|be))?\s*$"),
    re.compile(r"(?i)^(?P<part>.+?)\s+as\s+an?\s+(?:percentage|percent|per\s+cent|share|"
               r"proportion|fraction)\s+of\s+(?P<whole>.+)$"),
    re.compile(r"(?i)^(?P<part>.+?)\s+(?:is|was|are|were|represents?|makes?\s+up|accounts?\s+"
               r"for)\s+what\s+(?:percentage|percent|per\s+cent|share|proportion|fraction)\s+"
               r"of\s+(?P<whole>.+)$"),
]
_RATIO = [
    re.compile(r"(?i)\bhow\s+many\s+times\s+(?:larger|bigger|more|greater|higher|smaller|"
               r"lower|less)\s+(?:is|was|are|were|does|did)\s+(?P<a>.+?)\s+than\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bhow\s+many\s+times\s+(?:(?:larger|bigger|more|greater|higher)\s+)?"
               r"(?:is|was|are|were|does|did)\s+(?P<a>.+?)\s+(?:than|compared\s+(?:with|to)|"
               r"relative\s+to)\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bhow\s+many\s+times\s+(?:is|was|are|were)\s+(?P<a>.+?)\s+(?:as\s+\w+\s+as|"
               r"the\s+size\s+of)\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bratio\s+(?:of|between)\s+(?P<a>.+?)\s+(?:to|and|versus|vs\.?)\s+"
               r"(?P<b>.+)$"),
    re.compile(r"(?i)\bhow\s+(?:does|do|did|is|was)\s+(?P<a>.+?)\s+compare\s+(?:with|to|"
               r"against)\s+(?P<b>.+)$"),
    re.compile(r"(?i)^(?:how\s+(?:big|large)\s+(?:is|was|are|were)\s+|what\s+(?:is|was)\s+)?"
               r"(?P<a>.+?)\s+(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?)\s+"
               r"(?P<b>.+)$"),
]
_DIFFERENCE = [
    re.compile(r"(?i)\bhow\s+much\s+(?:more|less|bigger|larger|higher|lower|smaller|greater)"
               r"\s+(?P<a>.+?)\s+than\s+(?P<b>.+)$"),
    re.compile(r"(?i)\b(?:difference|gap)\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bby\s+how\s+much\s+(?:does|did|is|was)\s+(?P<a>.+?)\s+(?:exceed|"
               r"outstrip|top|trail|beat)\s+(?P<b>.+)$"),
]
# "How many more votes did A get than B?", "how many yards longer was A than B?": the
# question says which side is larger, so the result must come out positive. Words that
# say the first is smaller ("fewer", "shorter") mean second minus first.
_LARGER = r"more|longer|higher|bigger|larger|greater|older|taller|farther|further|heavier|wider"
_DIFFERENCE_WORD = re.compile(r"(?i)\b(?:difference|gap)\b")
_SMALLER = r"fewer|less|shorter|lower|smaller|younger|lighter|narrower"
_AGAINST = r"than|compared\s+(?:with|to)|as\s+compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)"
_HOW_MANY_MORE = [
    re.compile(rf"(?i)\bhow\s+many\s+(?P<cmp>{_LARGER}|{_SMALLER})\s+(?P<a>.+?)\s+(?:{_AGAINST})"
               rf"\s+(?P<b>.+)$"),
    re.compile(rf"(?i)\bhow\s+many\s+(?P<unit>(?!times\b)[a-z]+(?:\s+of\s+[a-z]+)?)\s+(?P<cmp>{_LARGER}|"
               rf"{_SMALLER})\s+(?P<a>.+?)\s+(?:{_AGAINST})\s+(?P<b>.+)$"),
]
_GROUPED = re.compile(r"(?i),|\b(?:and|or|combined|together|total|altogether|both|either)\b")
_PERCENT_OF = re.compile(r"(?i)^\s*(?:percent(?:age)?s?|per\s+cent)\s+(?:of\s+)?")
_CENSUS = re.compile(r"(?i)\b(?:from|in|according\s+to|of)\s+the\s+census\b")
_HOW_MANY_MORE_WORD = re.compile(rf"(?i)\bhow\s+many\s+(?:(?!times\b)[a-z]+\s+)?(?:{_LARGER}|"
                                 rf"{_SMALLER})\b")
# "How many percent do not have children ...?", "what percentage of people were not
# Hispanic?": the rest of a whole, 100% less the stated share of the group named.
_COMPLEMENT = re.compile(
    r"(?i)\b(?:how\s+many\s+(?:in\s+)?|what\s+)(?:percent|percentage|per\s+cent|%)\b"
    r"(?:\s+of\s+(?P<whole>[^,]+?))?\s+(?P<rest>.*)$")
# "65 or older", "2 or more": one open-ended group, not two groups.
_OPEN_ENDED = re.compile(r"(?i)\b(?:or|and)\s+(?:more|older|over)\b")
_NEGATION = re.compile(r"(?i)\b(?:(?:do|does|did|is|was|are|were|had|has|have)\s+not|not|"
                       r"(?:do|does|did|is|was|are|were|had|has|have)n[’']t)\b")
_SUM = re.compile(r"(?i)\b(?:together|combined|in\s+total|altogether|in\s+all|put\s+together"
                  r"|between\s+them)\b|\b(?:total|sum)\s+of\b|\badd\s+up\b")
_BEFORE = re.compile(
    r"(?i)\b(?:a|one)\s+(?:year|quarter)\s+(?:ago|earlier|before)\b|\b(?:twelve|12)\s+months"
    r"\s+(?:ago|earlier|before)\b|\bbefore\s+(?:it|they|the|this|that|its|their)\b.*$"
    r"|\bbefore\s+\w+(?:ing|ed)\b.*$|\bpreviously\b|\boriginally\b|\bprior\b|\bused\s+to\s+be\b"
    r"|\b(?:the\s+)?previous\s+(?:year|quarter|level)\b|\blast\s+year\b|\bin\s+the\s+"
    r"year[- ]earlier\s+(?:period|quarter)\b|\bat\s+first\b")
_CHANGE = [
    re.compile(r"(?i)\bby\s+how\s+much\s+(?:did|has|have|had|does|do|was|were|is)\s+(?P<a>.+?)"
               r"(?:\s+(?:increase|rise|grow|fall|drop|decline|decrease|change|jump|shrink|go"
               r"\s+up|go\s+down|climb|improve|worsen))?\s*$"),
    re.compile(r"(?i)\bhow\s+much\s+(?:did|has|have|had|does|do)\s+(?P<a>.+?)\s+(?:increase|"
               r"rise|grow|fall|drop|decline|decrease|change|jump|shrink|go\s+up|go\s+down|"
               r"climb)\b"),
    re.compile(r"(?i)\bhow\s+(?:big|large|much)\s+(?:was|is|were)\s+the\s+(?:increase|rise|"
               r"drop|fall|decline|decrease|change|growth|jump)\s+(?:in|of)\s+(?P<a>.+)$"),
    re.compile(r"(?i)\b(?:by\s+)?what\s+(?:percentage|percent|per\s+cent)\s+(?:did|has|have|"
               r"does)\s+(?P<a>.+?)\s+(?:increase|rise|grow|fall|drop|decline|decrease|change"
               r"|jump|shrink)\b"),
    re.compile(r"(?i)\b(?:size|amount|extent)\s+of\s+the\s+(?:increase|rise|drop|fall|decline|"
               r"decrease|change|growth|jump)\s+(?:in|of)\s+(?P<a>.+)$"),
    re.compile(r"(?i)\b(?:percentage|per\s+cent|percent)\s+(?:change|increase|rise|drop|fall|"
               r"decline|decrease|growth)\s+(?:in|of)\s+(?P<a>.+)$"),
]
_PREP = r"(?:in|at|for|from|of|on|to|by)"
_LAST_PP = re.compile(rf"(?i)\b({_PREP})\s+(?:(?!\b{_PREP}\b)[^,])+$")
_HOW_MANY = re.compile(r"(?i)\bhow\s+many\b(?!\s+times)")
_HOW_MUCH = re.compile(r"(?i)\bhow\s+much\b")
_PERCENT_WORDS = re.compile(r"(?i)\b(?:percentage|percent|per\s+cent)\b|%")
_ANNUALISE = re.compile(r"(?i)\bannuali[sz]ed\b|\brun[- ]rate\b|\bon\s+an\s+annual\s+basis\b"
                        r"|\bannual\s+rate\b|\bfor\s+a\s+full\s+year\b|\bannuali[sz]e\b")
_RATE = re.compile(r"(?i)\b(?:per|a|each|every)\s+(?P<p>year|annum|quarter|month|week|day)\b"
                   r"|\b(?P<adv>annually|yearly|quarterly|monthly|weekly|daily)\s*\??$")
_LEAD = re.compile(
    r"(?i)^(?:(?:how\s+(?:much|many|big|large)|what|which|who|when|is|was|are|were|does|do|"
    r"did|has|have|had|will|would|could|can|by|in|the|of|at|on|a|an|that|this|its|their|"
    r"then|so|and|value|amount|figure|number|level|size)\b[\s,]*)+")
_TAIL = re.compile(r"(?i)[\s,]*(?:\b(?:is|was|are|were|be|been|then|now|there|represent|"
                   r"make\s+up|account\s+for|amount\s+to|equal|do|does|did)\b[\s,]*)*[?.!\s]*$")


@dataclass(frozen=True)
class Intent:
    """A recognised calculation: its kind and the question's words for each operand."""

    kind: str
    phrases: tuple[str, ...]
    period: str = ""  # the period asked for: "year", "quarter", ...
    currency: str = ""  # "in dollars" -> "USD"
    pair: tuple[str, ...] = ()  # currencies named in an exchange-rate question, in order
    percent: bool = False  # a change asked for as a percentage
    ordered: bool = False  # the pair's order was asked for ("how many yuan per dollar")
    measure: str = ""  # "money" for "how much", "count" for "how many": filters operands
    direction: int = 0  # +1: the question says the first is larger ("how many more"), -1 smaller
    unit: str = ""  # the unit the question names: "yards" in "how many yards longer"
    exact: bool = False  # the phrase must be a share's label word for word (qa/labels.py)


def parse_intent(question: str) -> Intent | None:
    """The calculation `question` asks for, or None when it asks for none."""
    intent = _parse(question)
    if intent is None or intent.kind == "exchange_rate":
        return intent
    measure = ""
    if intent.kind == "complement" or (_HOW_MANY.search(question) and _PERCENT_WORDS.search(
            question) and intent.kind == "difference"):
        measure = "percent"
    elif _HOW_MANY.search(question):
        measure = "count"
    elif _HOW_MUCH.search(question) and not _PERCENT_WORDS.search(question):
        measure = "money"
    return replace(intent, measure=measure)


def _parse(question: str) -> Intent | None:
    q = re.sub(r"\s+", " ", question or "").strip()
    if not q or len(q) > 2000:
        return None
    currency = ""
    tm = _TARGET.search(q)
    if tm:
        currency = _code(tm)
        q_wo = (q[:tm.start()] + q[tm.end():]).strip()
    else:
        q_wo = q
    body = re.sub(r"(?i),\s*in\s+(?:percent|percentage|per\s+cent)(?:\s+terms)?\s*,", " percent",
                  q_wo.rstrip("?.! "))

    if _EXCHANGE.search(q) or _PER_PAIR.search(q):
        pair, ordered = _pair(q)
        return Intent("exchange_rate", (), pair=pair, ordered=ordered)
    cm = _COMPLEMENT.search(body)
    if cm and _NEGATION.search(cm.group("rest")) and len(_NEGATION.findall(cm.group("rest"))) == 1:
        rest = _NEGATION.sub(" ", cm.group("rest"))
        plain = _OPEN_ENDED.sub(" ", rest)
        if not re.search(r"(?i)\b(?:than|compared|more|less|fewer|difference|combined|total|"
                         r"change|increase|decrease)\b", plain):
            phrase = clean(_CENSUS.sub(" ", f"{cm.group('whole') or ''} {rest}"))
            # "not between 55 and 59", "not Black or African American": one group only if
            # a share is labelled so, word for word.
            last = list(_OPEN_ENDED.finditer(rest))
            closed = rest[:last[-1].start()] if last and not rest[last[-1].end():].strip() else rest
            exact = bool(re.search(r"(?i)\b(?:between|and|or)\b", closed))
            return Intent("complement", (phrase,), exact=exact) if phrase else None
    for pattern in _HOW_MANY_MORE:
        m = pattern.search(body)
        if m:
            if any(_GROUPED.search(m.group(k)) for k in ("a", "b")):
                return None  # one side is several things: a sum we do not attempt
            a, b = clean(_PERCENT_OF.sub("", m.group("a"))), clean(_PERCENT_OF.sub("", m.group("b")))
            if _is_bare_name(a) or _is_bare_name(b):  # "troops did Howe have" vs "Washington"
                a, b = complete_pair(a, b)
            unit = m.groupdict().get("unit") or ""
            if a and b and unit.lower() not in ("times", "more", "of"):
                larger = re.fullmatch(rf"(?i){_LARGER}", m.group("cmp")) is not None
                return Intent("difference", (a, b), currency=currency,
                              direction=1 if larger else -1, unit=unit.lower())
    for pattern in _SHARE:
        m = pattern.search(body)
        if m:
            return Intent("share", (clean(m.group("part")), clean(m.group("whole"))),
                          currency=currency)
    for kind, patterns in (("ratio", _RATIO), ("difference", _DIFFERENCE)):
        if kind == "ratio" and (_HOW_MANY_MORE_WORD.search(body) or _DIFFERENCE_WORD.search(body)):
            continue  # "how many more / how many yards difference ... compared to": not a ratio
        for pattern in patterns:
            m = pattern.search(body)
            if m:
                a, b = complete_pair(clean(m.group("a")), clean(m.group("b")))
                if a and b:
                    return Intent(kind, (a, b), currency=currency)
    if _SUM.search(body):
        parts = _sum_parts(_SUM.sub(" ", body))
        if len(parts) >= 2:
            return Intent("sum", tuple(parts), currency=currency)
    if _BEFORE.search(body):
        phrase = clean(_BEFORE.sub(" ", body))
        if phrase:
            return Intent("before", (phrase,), currency=currency)
    for pattern in _CHANGE:
        m = pattern.search(body)
        if m:
            return Intent("change", (clean(m.group("a")),), currency=currency,
                          percent=bool(_PERCENT_WORDS.search(body)))
    if _ANNUALISE.search(body):
        return Intent("annualise", (clean(_ANNUALISE.sub(" ", body)),), period="year",
                      currency=currency)
    rm = _RATE.search(body)
    if rm:
        period = _period_name(rm.group("p") or rm.group("adv"))
        return Intent("rate", (clean(_RATE.sub(" ", body)),), period=period, currency=currency)
    if currency:
        return Intent("convert", (clean(body),), currency=currency)
    return None


def clean(phrase: str) -> str:
    """The operand's description without question words or trailing verbs."""
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,;:?.!")
    phrase = _LEAD.sub("", phrase)
    phrase = _TAIL.sub("", phrase)
    return phrase.strip(" ,;:?.!")


def complete_pair(a: str, b: str) -> tuple[str, str]:
    """Give a short phrase the other's measure: "Alibaba spend" vs "Tencent"."""
    return _complete(a, b), _complete(b, a)


def _complete(short: str, model: str) -> str:
    """ "Tencent" -> "Tencent spend"; "central Europe" -> "stores ... in central Europe"."""
    if not short or not model or len(short.split()) > 3 or len(model.split()) <= len(
            short.split()):
        return short
    if _is_bare_name(short) and not _is_bare_name(model):
        return _swap_name(model, short)
    pp = _LAST_PP.search(model)
    if pp is None:
        return short
    if re.match(rf"(?i){_PREP}\b", short):
        return f"{model[:pp.start()]}{short}"
    return f"{model[:pp.start()]}{pp.group(1)} {short}"


def names(phrase: str) -> list[str]:
    """Capitalised words that are not the first word: likely company or place names."""
    words = re.findall(r"[A-Za-z][\w.&-]*", phrase)
    return [re.sub(r"(?:'s|’s)$", "", w) for w in words if w[0].isupper()]


def _is_bare_name(phrase: str) -> bool:
    words = phrase.split()
    return 0 < len(words) <= 3 and all(w[0].isupper() or w.lower() in ("the", "of", "and")
                                       for w in words)


def _swap_name(model: str, name: str) -> str:
    found = names(model)
    if not found:
        return f"{name} {model}"
    pattern = re.compile(r"\b" + r"\b.*?\b".join(map(re.escape, found[:1])) + r"(?:'s|’s)?")
    possessive = name if re.search(r"(?:'s|’s)$", name) else f"{name}'s"
    replacement = possessive if re.search(r"(?:'s|’s)", model) else name
    return pattern.sub(lambda _m: replacement, model, count=1)


def _sum_parts(body: str) -> list[str]:
    body = clean(body)
    pieces = [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+plus\s+", body) if p]
    if len(pieces) < 2:
        return []
    cleaned = [clean(p) for p in pieces]
    longest = max(cleaned, key=len)
    return [p if p == longest else _complete(p, longest) for p in cleaned]


def _code(m: re.Match[str]) -> str:
    for key, value in m.groupdict().items():
        if value and key[0] in "cab" and key[1:].isdigit():
            return _CURRENCY_NAMES[int(key[1:])][1]
    return ""


def _pair(q: str) -> tuple[tuple[str, ...], bool]:
    m = _PER_PAIR.search(q)
    if m:
        a = next(_CURRENCY_NAMES[int(k[1:])][1] for k, v in m.groupdict().items()
                 if v and k.startswith("a") and k[1:].isdigit())
        b = next(_CURRENCY_NAMES[int(k[1:])][1] for k, v in m.groupdict().items()
                 if v and k.startswith("b") and k[1:].isdigit())
        return (a, b), True
    seen: list[str] = []
    for m2 in _ANY_CURRENCY.finditer(q):
        code = _code(m2)
        if code and code not in seen:
            seen.append(code)
    return tuple(seen), False


def _period_name(word: str) -> str:
    word = word.lower()
    return {"annum": "year", "annually": "year", "yearly": "year", "quarterly": "quarter",
            "monthly": "month", "weekly": "week", "daily": "day"}.get(word, word)
