"""What kind of answer a question asks for, and whether a sentence holds one.

The lead sentence must hold an answer of the kind asked ("How much ..." wants an amount,
"Why ..." a reason, "What did she say ..." a statement), not only the question's words:
"Why did Alibaba post negative cash flow?" is answered by the sentence that says what
the money went on, not by the one that repeats "negative cash flow". These are features
for the fitted lead and abstention scorers, not rules on their own.
"""

from __future__ import annotations

import re
from typing import Literal

from index.quantities.extract import extract_quantities
from qa.retrieval.answer_type import counted_noun, holds_kind, states_time, wants_time
from qa.retrieval.lexical import terms

Kind = Literal["time", "money", "percent", "number", "name", "place", "reason", "statement",
               "definition", "other"]
KINDS: tuple[Kind, ...] = ("time", "money", "percent", "number", "name", "place", "reason",
                           "statement", "definition", "other")

_MONEY_ASKED = re.compile(r"(?i)\b(?:how\s+much|what\s+(?:was|is|were|are)\s+the\s+(?:cost|price|value"
                          r"|revenue|profit|income|loss|sales|budget|salary|pay|fee|fine)s?)\b"
                          r"|\b(?:cost|price|worth|spend|spent|pay|paid|earn|earned|raise[ds]?)\b")
_PERCENT_ASKED = re.compile(r"(?i)\b(?:percent(?:age)?|per\s+cent|rate|share|proportion|how\s+fast"
                            r"|by\s+how\s+much)\b")
_NUMBER_ASKED = re.compile(r"(?i)^\s*(?:how\s+(?:many|much|long|far|old|large|big|tall|high|often|fast)"
                           r"|(?:by\s+)?what\s+(?:number|amount|percentage|percent|proportion|share|factor))\b")
_WHY = re.compile(r"(?i)^\s*(?:why|how\s+come|for\s+what\s+reason|what\s+(?:caused|led\s+to|drove|is\s+behind"
                  r"|was\s+behind|explains?))\b")
_SAID_ASKED = re.compile(r"(?i)\b(?:say|said|says|tell|told|point(?:ed)?\s+out|argue[ds]?|warn(?:ed)?"
                         r"|claim(?:ed)?|note[ds]?|comment(?:ed)?|describe[ds]?|call(?:ed)?|think|thinks"
                         r"|thought|believe[ds]?|according)\b")
_DEFINITION = re.compile(r"(?i)^\s*what\s+(?:is|are|was|were)\s+(?:an?\s+|the\s+)?[\w-]+(?:\s+[\w-]+)?\s*\??$")
_WHO = re.compile(r"(?i)^\s*(?:who|whom|whose)\b")
_WHERE = re.compile(r"(?i)^\s*where\b")

_MONEY = re.compile(r"[$€£¥₹]|\b(?:USD|EUR|GBP|CNY|RMB|JPY|HKD)\b|(?i:\b(?:dollars?|euros?|pounds?|yuan"
                    r"|yen|francs?|rupees?|won|pesos?|cents?|bn|billion|million|trillion)\b)")
_PERCENT = re.compile(r"(?i)%|\bper\s*cent\b|\bpercent(?:age)?\b|\b(?:half|third|quarter|doubled|tripled"
                      r"|halved)\b")
_REASON = re.compile(r"(?i)\b(?:because|as\s+a\s+result|due\s+to|owing\s+to|thanks\s+to|since|after|amid"
                     r"|(?:hurt|hit|squeezed|boosted|helped|lifted|dragged\s+down)\s+by|blamed|citing|on\s+the\s+back\s+of"
                     r"|so\s+that|in\s+order\s+to|caused|led\s+to|driven\s+by|weighed\s+down|reflect(?:s|ed|ing)?"
                     r"|result(?:s|ed)?|reason|since|spending|costs?)\b")
_STATEMENT = re.compile(r"[\"“”]|(?i:\b(?:said|says|told|added|noted|wrote|argued|warned|pointed\s+out"
                        r"|according\s+to|stated|explained|believes?|expects?)\b)")
_DEFINES = re.compile(r"(?i)\b(?:is|are|was|were|means?|refers?\s+to|known\s+as|called|a\s+phenomenon"
                      r"|a\s+term|defined)\b")


# A place named after a preposition ("in Gumi", "near Rotterdam", "in hotels in Brussels"),
# or a region ("the Midwest and north-east"); not a firm an analyst works at.
_PLACE = re.compile(r"\b(?P<prep>in|at|near|outside|across|throughout|from|to|into|between|around|within|off)\s+"
                    r"(?:the\s+)?(?P<place>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|and))*)")
_REGION = re.compile(r"(?i)\b(?:(?:north|south)(?:[- ]?(?:east|west))?|east|west|midwest)(?:ern)?\b"
                     r"(?!\s+(?:of\s+)?(?:the\s+)?(?:year|quarter))")
_WORKS_AT = re.compile(r"(?i)\b(?:analyst|economist|strategist|director|head|executive|officer|partner|professor|"
                       r"researcher|chairman|manager|spokesman|spokeswoman|spokesperson|fellow|dealer|trader)\s+at\s+(?:the\s+)?$")
_NOT_PLACES = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                         "saturday", "sunday", "christmas", "easter", "the"})
# "three more platforms", "32 new clients": a number before the thing counted.
_COUNT_WORDS = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
_COUNT_WORDS += r"|fifty|hundreds?|thousands?|millions?|dozens?)"


_COUNTED = re.compile(r"(?i)^\s*how\s+many\s+(?P<noun>(?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:did|does|do|is|are|was|were|has"
                      r"|have|had|will|would|can|could|should|may|might)\b")


def states_place(question: str, text: str) -> bool:
    """Whether `text` names a place the question does not: after a preposition, or a region."""
    asked = {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    for m in _PLACE.finditer(text):
        words = {w.lower().strip(".'’") for w in m.group("place").split()} - {"of", "and"}
        if words <= asked or words <= _NOT_PLACES or _WORKS_AT.search(text[:m.start("place")]):
            continue
        return True
    return any(m.group(0).lower() not in asked for m in _REGION.finditer(text))


def states_count(question: str, text: str) -> bool:
    """For "How many X ...?", whether a number stands before X (or a word for it within
    three words); without an X, whether `text` holds any number."""
    m = _COUNTED.match(question)
    noun = m.group("noun") if m else counted_noun(question)
    if noun is None:
        return holds_kind("number", question, text)
    wanted = set(terms(noun.split()[-1]))
    words = re.findall(r"[\w'’.,-]+", text)
    for i, w in enumerate(words):
        if re.fullmatch(_COUNT_WORDS + r"[,.]?", w, re.IGNORECASE):
            after = {t for x in words[i + 1:i + 4] for t in terms(x)}
            if wanted & after:
                return True
    return False


def asked_kind(question: str) -> Kind:
    """The kind of answer the question's own words ask for."""
    q = question.strip()
    if wants_time(q):
        return "time"
    if _WHY.match(q):
        return "reason"
    if _WHO.match(q):
        return "name"
    if _WHERE.match(q):
        return "place"
    if _NUMBER_ASKED.match(q) or re.match(r"(?i)^\s*what\s+(?:was|is|were|are)\s+the\s+\w+", q):
        if _PERCENT_ASKED.search(q) and not re.search(r"(?i)\bhow\s+much\s+(?:money|did|does|do|will)\b", q):
            return "percent"
        if _MONEY_ASKED.search(q):
            return "money"
        if _NUMBER_ASKED.match(q):
            return "number"
    if _SAID_ASKED.search(q) and re.match(r"(?i)^\s*(?:what|how)\b", q):
        return "statement"
    if _DEFINITION.match(q):
        return "definition"
    return "other"


def holds(kind: Kind, question: str, text: str) -> bool:
    """Whether `text` holds an answer of `kind` that the question does not already state."""
    if kind == "time":
        return states_time(text)
    if kind == "money":
        return bool(_MONEY.search(text)) and bool(re.search(r"\d", text))
    if kind == "percent":
        return bool(_PERCENT.search(text))
    if kind == "number":
        return states_count(question, text)
    if kind == "name":
        return holds_kind("name", question, text)
    if kind == "place":
        return states_place(question, text)
    if kind == "reason":
        return bool(_REASON.search(text))
    if kind == "statement":
        return bool(_STATEMENT.search(text))
    if kind == "definition":
        return bool(_DEFINES.search(text))
    return True


# A measure asked by name: "What profit did TeleNorden report?", "What was Austral's net
# profit last year?": answered by a sum, not by "a 52% rise in half-year profit".
_MEASURES = (r"(?:profits?|revenues?|sales|loss(?:es)?|income|earnings|turnover|dividends?|fines?|prices?|budget"
             r"|debts?)")
_MEASURE_ASKED = re.compile(rf"(?i)^\s*what\s+(?:(?:[\w-]+\s+){{0,2}}{_MEASURES}\s+(?:did|does|do|has|have|had|will"
                            rf"|would)\b|(?:was|is|were|are)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*)*"
                            rf"['’]s?\s+)?(?:[\w-]+\s+){{0,2}}?{_MEASURES}(?:\s+(?:in|for|last|this|of)\b.*)?\s*\??\s*$)")
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")


def asks_measure(question: str) -> bool:
    return bool(_MEASURE_ASKED.search(question))


def holds_sum(text: str) -> bool:
    """A sum of money, or a bare number (a report's table may give no currency); not a
    percentage, a count of things or a year."""
    return any((q.is_money or not q.unit) and q.role == "level" and not _YEAR.fullmatch(q.text.strip())
               for q in extract_quantities(text))

