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

from qa.retrieval.answer_type import holds_kind, states_time, wants_time

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
                     r"|so\s+that|in\s+order\s+to|caused|led\s+to|driven\s+by|weighed\s+down|reflect(?:s|ed|ing)?"
                     r"|result(?:s|ed)?|reason|since|spending|costs?)\b")
_STATEMENT = re.compile(r"[\"“”]|(?i:\b(?:said|says|told|added|noted|wrote|argued|warned|pointed\s+out"
                        r"|according\s+to|stated|explained|believes?|expects?)\b)")
_DEFINES = re.compile(r"(?i)\b(?:is|are|was|were|means?|refers?\s+to|known\s+as|called|a\s+phenomenon"
                      r"|a\s+term|defined)\b")


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
        return holds_kind("number", question, text)
    if kind == "name":
        return holds_kind("name", question, text)
    if kind == "place":
        return holds_kind("place", question, text)
    if kind == "reason":
        return bool(_REASON.search(text))
    if kind == "statement":
        return bool(_STATEMENT.search(text))
    if kind == "definition":
        return bool(_DEFINES.search(text))
    return True
