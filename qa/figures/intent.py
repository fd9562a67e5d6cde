"""What calculation a question asks for, and the question's words for each operand.

A small grammar over question shapes: each operation has the cue words readers use
for it ("by what percentage did X fall", "what share of X is Y", "how much did each
subscriber pay") and a way to cut the question into operand phrases. Years named in
the question ("from 2013 to 2014") and amounts it states ("What is 36 billion yuan in
dollars?") are kept apart from the phrases, since they pick operands by value, not by
meaning. Only wording that asks for arithmetic counts: a question that merely asks for
a stated number ("How much did X announce?") gets no intent, so no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

KINDS = ("exchange_rate", "share", "ratio", "difference", "sum", "average", "before", "after",
         "change", "annualise", "rate", "convert", "complement", "per_unit", "value", "left")

_CURRENCY_NAMES: list[tuple[str, str]] = [
    (r"hong\s+kong\s+dollars?|hk\s+dollars?|hkd|hk\$", "HKD"),
    (r"australian\s+dollars?|aud|a\$", "AUD"),
    (r"canadian\s+dollars?|cad|c\$", "CAD"),
    (r"singapore\s+dollars?|sgd|s\$", "SGD"),
    (r"new\s+zealand\s+dollars?|nzd|nz\$", "NZD"),
    (r"(?:us\s+|u\.s\.\s+|american\s+)?dollars?|usd|us\$|\$", "USD"),
    (r"yuan|renminbi|rmb|cny", "CNY"),
    (r"euros?|eur|€", "EUR"),
    (r"egyptian\s+pounds?|egp", "EGP"),
    (r"pounds?(?:\s+sterling)?|sterling|gbp|£", "GBP"),
    (r"yen|jpy", "JPY"),
    (r"norwegian\s+(?:crowns?|kroner)|nok", "NOK"),
    (r"danish\s+(?:crowns?|kroner)|dkk", "DKK"),
    (r"czech\s+(?:crowns?|korunas?)|czk", "CZK"),
    (r"(?:swedish\s+)?(?:crowns?|kronor|krona)|sek", "SEK"),
    (r"(?:swiss\s+)?francs?|chf", "CHF"),
    (r"(?:indian\s+)?rupees?|inr|₹", "INR"),
    (r"(?:south\s+)?korean\s+won|krw|₩", "KRW"),
    (r"(?:south\s+african\s+)?rand|zar", "ZAR"),
    (r"(?:brazilian\s+)?reais|brl|r\$", "BRL"),
    (r"roubles?|rubles?|rub", "RUB"),
    (r"(?:turkish\s+)?liras?", "TRY"),
    (r"(?:mexican\s+)?pesos?|mxn", "MXN"),
    (r"ringgit", "MYR"), (r"baht", "THB"), (r"rupiah", "IDR"), (r"zlotys?", "PLN"),
    (r"dirhams?", "AED"), (r"riyals?", "SAR"), (r"naira", "NGN"), (r"shekels?", "ILS"),
]
_CURRENCY_ALT = "|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(_CURRENCY_NAMES))
_TARGET = re.compile(rf"(?i),?\s*\b(?:in|into|to|as)\s+(?:{_CURRENCY_ALT})(?:\s+terms)?(?![\w$])")
_ANY_CURRENCY = re.compile(rf"(?i)(?<![\w$])(?:{_CURRENCY_ALT})(?!\w)")
_PER_PAIR = re.compile(rf"(?i)\bhow\s+many\s+(?P<a>{_CURRENCY_ALT.replace('?P<c', '?P<a')})\s+"
                       rf"(?:per|to|for|buys?|in)\s+(?:a|an|one|each|the)?\s*"
                       rf"(?P<b>{_CURRENCY_ALT.replace('?P<c', '?P<b')})")

_HOW_MANY_CURRENCY = re.compile(rf"(?i)^how\s+many\s+(?P<cur>{_CURRENCY_ALT.replace('?P<c', '?P<h')})\s+"
                                r"(?:is|are|was|were|would\s+be|will\s+be|makes?|equals?)\s+(?=\S*\d)")
_EXCHANGE = re.compile(r"(?i)\b(?:exchange|conversion|currency)\s+rate\b|\brate\s+between\b"
                       r"|\bhow\s+many\s+\w+\s+(?:per|to|for|buys?)\s+(?:a|an|one|each|the)\b")
_PORTION = r"(?:percentage|percent|per\s+cent|share|proportion|fraction|part|portion|%)"
_SHARE = [
    re.compile(rf"(?i)\bwhat\s+{_PORTION}\s+of\s+(?P<whole>.+?)\s+(?:does|do|did|is|was|are|were|would|"
               r"could|can|will|has|have|had|came|comes|come|goes|go|went|live|lives|work|works)\s+(?P<part>.+?)"
               r"(?:\s+(?:represent|make\s+up|account\s+for|amount\s+to|equal|constitute|take"
               r"\s+up|come\s+to|be))?\s*$"),
    re.compile(rf"(?i)^(?P<part>.+?)\s+as\s+an?\s+{_PORTION}\s+of\s+(?P<whole>.+)$"),
    re.compile(rf"(?i)^(?P<part>.+?)\s+(?:is|was|are|were|represents?|represented|makes?\s+up|accounts?\s+"
               rf"for|accounted\s+for|made\s+up)\s+what\s+{_PORTION}\s+of\s+(?P<whole>.+)$"),
    re.compile(rf"(?i)^what\s+(?:is|was|are|were)\s+the\s+{_PORTION}\s+of\s+(?P<part>.+?)\s+(?:among|out\s+of|"
               r"within|relative\s+to|compared\s+(?:to|with)|in|of|to)\s+(?P<whole>(?:the\s+)?(?:total|overall|"
               r"entire|whole|aggregate)\b.+)$"),
    re.compile(rf"(?i)^what\s+(?:is|was|are|were)\s+the\s+{_PORTION}\s+of\s+(?P<part>.+?)\s+(?:among|out\s+of|"
               r"within|relative\s+to)\s+(?P<whole>.+)$"),
    re.compile(r"(?i)\bhow\s+(?:big|large)\s+a\s+(?:share|part|portion|proportion)\s+of\s+(?P<whole>.+?)\s+"
               r"(?:does|do|did|is|was|are|were)\s+(?P<part>.+)$"),
    # "what percentage of employees are subject to collective agreements?"
    re.compile(rf"(?i)\bwhat\s+{_PORTION}\s+of\s+(?:the\s+)?(?P<whole>[^,]+?)\s+(?P<part>(?:is|was|are|were)\s+"
               r"(?:\w+ed|held|due|subject|from|in|at|based|located|outside|inside|owned|made|paid|"
               r"spent|sold|current|overdue|related|attributable|outstanding)\b.*)$"),
]
_RATIO = [
    re.compile(r"(?i)\bhow\s+many\s+times\s+(?:larger|bigger|more|greater|higher|smaller|"
               r"lower|less)\s+(?:is|was|are|were|does|did)\s+(?P<a>.+?)\s+than\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bhow\s+many\s+times\s+(?:(?:larger|bigger|more|greater|higher)\s+)?"
               r"(?:is|was|are|were|does|did)\s+(?P<a>.+?)\s+(?:than|compared\s+(?:with|to)|"
               r"relative\s+to)\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bhow\s+many\s+times\s+(?:is|was|are|were)\s+(?P<a>.+?)\s+(?:as\s+\w+\s+as|"
               r"the\s+size\s+of)\s+(?P<b>.+)$"),
    re.compile(r"(?i)\bratio\s+(?:of|between)\s+(?P<a>.+?)\s+(?:to|and|versus|vs\.?|over)\s+"
               r"(?P<b>.+)$"),
    re.compile(r"(?i)^(?:what\s+(?:is|was)\s+)?(?P<a>.+?)\s+(?:was|were|is|are)\s+what\s+multiple\s+of\s+"
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
    re.compile(r"(?i)\b(?:difference|gap|variation|spread)\s+(?:observed\s+)?(?:between|of)\s+(?P<a>.+?)\s+"
               r"(?:and|versus|vs\.?)\s+(?P<b>.+)$"),
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
    r"(?i)\b(?:how\s+many\s+(?:in\s+)?|what\s+)(?:percent|percentage|per\s+cent|%|share|proportion)\b"
    r"(?:\s+of\s+(?P<whole>[^,]+?))?\s+(?P<rest>.*)$")
# "65 or older", "2 or more": one open-ended group, not two groups.
_OPEN_ENDED = re.compile(r"(?i)\b(?:or|and)\s+(?:more|older|over)\b")
_NEGATION = re.compile(r"(?i)\b(?:(?:do|does|did|is|was|are|were|had|has|have)\s+not|not|"
                       r"(?:do|does|did|is|was|are|were|had|has|have)n[’']t)\b")
# "How much of the $47bn owed is interest?": the whole less its other stated part.
_REMAINDER = re.compile(r"(?i)^how\s+(?:much|many)\s+of\s+(?P<whole>.+?)\s+(?:is|was|are|were)\s+"
                        r"(?P<part>(?!(?:not|stated|said)\b).+)$")
# "How much of the $8.2bn owed is not in bonds?", "How many staff don't work in maintenance?":
# the whole less the part the question names.
_REMAINDER_NOT = re.compile(r"(?i)^how\s+(?:much|many)\s+(?:of\s+)?(?P<whole>.+?)\s+(?:is|was|are|were|do|does|did)"
                            r"(?:\s+not|n[’']t)\s+(?P<part>.+)$")
# "How much revenue did it make outside data centres?": the whole less the part named.
_OUTSIDE = re.compile(r"(?i)^how\s+(?:much|many)\s+(?P<whole>.+?)\s+(?:outside(?:\s+of)?|other\s+than|excluding|"
                      r"apart\s+from|besides|except(?:\s+for)?|not\s+(?:from|in))\s+(?P<part>.+)$")
# "What was Fenwick's net margin?": profit as a share of revenue.
_MARGIN = re.compile(r"(?i)^what\s+(?:was|is|were|are|would\s+be)\s+(?:the\s+)?(?P<owner>.*?)\s*"
                     r"\b(?P<kind>net\s+profit|net|operating\s+profit|operating|pre-?tax\s+profit|pre-?tax|gross\s+profit|gross|ebitda|ebit|"
                     r"profit)?\s*margins?(?P<rest>\s+(?:in|for|during|at|on)\b.*)?$")
_MARGIN_PART = {"net": "net profit", "operating": "operating profit", "pretax": "pre-tax profit",
                "pre-tax": "pre-tax profit", "gross": "gross profit", "ebitda": "EBITDA", "ebit": "EBIT"}
# "What share live abroad?" over "27% are local": a share asked by the opposite of its label.
_SHARE_ONLY = re.compile(rf"(?i)^(?:what|how\s+(?:big|large))\s+(?:an?\s+)?{_PORTION}\s+(?:of\s+"
                         r"(?P<whole>[^,]+?)\s+)?(?P<rest>(?:is|was|are|were|live|lives|work|works|come|comes|"
                         r"came|do|does|did)\b.*)$")
_SUM = re.compile(r"(?i)\b(?:together|combined|in\s+total|altogether|in\s+all|put\s+together"
                  r"|between\s+them)\b|\b(?:total|sum)\s+of\b|\badd\s+up\b")
_TOTAL_WORD = re.compile(r"(?i)\b(?:total|sum|combined|altogether|together|aggregate)\b")
_AVERAGE = re.compile(r"(?i)\b(?:average|mean)\b|\bon\s+average\b")
_BEFORE = re.compile(
    r"(?i)\b(?:a|one|the)\s+(?:year|quarter)\s+(?:ago|earlier|before)\b|\bthe\s+(?:prior|preceding)\s+year\b|\b(?:twelve|12)\s+months"
    r"\s+(?:ago|earlier|before)\b|\bbefore\s+(?:it|they|the|this|that|its|their)\b.*$"
    r"|\bbefore\s+\w+(?:ing|ed)\b.*$|\bbefore\s+(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*)*\s+[a-z]+\b.*$|\bpreviously\b|\boriginally\b|\bprior\b(?!\s+to\b)|\bused\s+to\s+be\b"
    r"|\b(?:the\s+)?previous\s+(?:year|quarter|level|period)\b|\blast\s+year\b|\bin\s+the\s+"
    r"year[- ]earlier\s+(?:period|quarter)\b|\bat\s+first\b")
_AFTER = re.compile(
    r"(?i)\bafter\s+(?:the|its|their|this|that|it|they)\s+(?:\w+\s+)?(?:increase|rise|cut|fall|"
    r"drop|decline|decrease|reduction|jump|raise|increased|rose|fell|grew|dropped)\b.*$"
    r"|\b(?:anticipated|expected|projected|forecast|resulting|new)\s+(?:balance|level|total|amount|value)\b")
_RISE = r"increase|rise|grow|climb|jump|gain|improve|go\s+up|soar|surge|expand|rally|advance|widen"
_FALL = r"fall|drop|decline|decrease|shrink|go\s+down|slump|slide|sink|plunge|tumble|contract|worsen|dip|ease|narrow"
_RISE_NOUN = r"increase|rise|growth|jump|gain|improvement|expansion|climb"
_FALL_NOUN = r"drop|fall|decline|decrease|reduction|contraction|slump|loss|dip|cut"
_RISEN = r"grown|risen|increased|climbed|jumped|gained|soared|surged|widened|improved|rose|grew|raised|lifted|boosted"
_FALLEN = (r"fallen|dropped|decreased|declined|shrunk|slumped|plunged|tumbled|narrowed|worsened|eased|dipped|fell"
           r"|cut|reduced|lowered|trimmed|slashed")
_CHANGE_VERB = rf"{_RISEN}|{_FALLEN}|{_RISE}|{_FALL}|changed|change|moved|move|vary|swing"
_CHANGE_NOUN = rf"{_RISE_NOUN}|{_FALL_NOUN}|change|variation|movement|swing|difference"
_PCT = r"(?:percentage|percent|per\s+cent|%|percentual)"
# Verbs of a change someone makes to a thing named after them ("lowered its forecast").
_RAISED = r"raised|raise|lifted|lift|boosted|boost|increased|hiked"
_LOWERED = r"lowered|lower|cut|reduced|reduce|trimmed|trim|slashed|slash|downgraded"
_RAISING = r"raising|lifting|boosting|increasing|hiking"
_LOWERING = r"lowering|cutting|reducing|trimming|slashing|downgrading"
_MADE_CHANGE = re.compile(rf"(?i)^\s*(?:by\s+)?(?:what\s+{_PCT}|how\s+much)\s+(?:did|has|have|had|does|do|will"
                          rf"|would|is|are|was|were)\s+(?P<who>.+?)\s+(?P<verb>{_RAISED}|{_LOWERED}|{_RAISING}|{_LOWERING})"
                          rf"\s+(?:its|their|his|her|the)\s+(?P<a>.+?)"
                          r"(?:\s+by)?\s*$")
_CHANGE = [
    re.compile(rf"(?i)\bby\s+how\s+(?:much|many(?:\s+{_PCT}s?(?:\s+points)?|\s+[a-z]+)?)\s+(?:did|has|have|had|does|do|"
               rf"was|were|is|will|would)\s+(?P<a>.+?)(?:\s+(?P<verb>{_CHANGE_VERB}|grow|shrink|go\s+up|go\s+down|"
               r"improve|worsen))\b.*$"),
    re.compile(rf"(?i)\bby\s+how\s+(?:much|many\s+{_PCT}s?)\s+(?:did|has|have|had|does|do|was|were|is)\s+(?P<a>.+?)\s*$"),
    re.compile(rf"(?i)\bhow\s+(?:much(?:\s+{_PCT})?|many\s+(?:{_PCT}s?\s+)?points|many\s+{_PCT}s?)\s+(?:did|has|have|"
               rf"had|does|do|will|would)\s+(?P<a>.+?)\s+(?P<verb>{_CHANGE_VERB})\b.*$"),
    # "X's revenue rose by what percentage?", "sales fell by how much?"
    re.compile(rf"(?i)^(?P<a>.+?)\s+(?:(?:has|have|had|will|would)\s+)?(?P<verb>{_CHANGE_VERB})\s+(?:by\s+)?"
               rf"(?:what|how\s+much|how\s+many)(?:\s+{_PCT}s?(?:\s+points)?)?\s*$"),
    re.compile(rf"(?i)\bhow\s+(?:big|large|much)\s+(?:was|is|were)\s+the\s+(?P<noun>{_CHANGE_NOUN})\s+"
               r"(?:in|of)\s+(?P<a>.+)$"),
    re.compile(rf"(?i)\b(?:by\s+)?what\s+{_PCT}\s+(?:did|has|have|had|does|do|was|were|is|will|would|could|"
               rf"should|might|may)\s+(?P<a>.+?)\s+"
               rf"(?P<verb>{_CHANGE_VERB}|{_RISE_NOUN}|{_FALL_NOUN}|(?:increased|decreased|declined|rose|"
               r"fell|grew|dropped|changed))\b.*$"),
    re.compile(rf"(?i)\b(?:size|amount|extent)\s+of\s+the\s+(?P<noun>{_CHANGE_NOUN})\s+(?:in|of)\s+"
               r"(?P<a>.+)$"),
    re.compile(rf"(?i)\b{_PCT}\s+(?P<noun>{_RISE_NOUN}|{_FALL_NOUN}|change|reduction)\s+(?:for|in|of)\s+"
               r"(?P<a>.+?)\s+(?:occurred|happened|took\s+place|was\s+seen)\b.*$"),
    re.compile(rf"(?i)\b{_PCT}\s+(?:of\s+(?:the\s+)?)?(?P<noun>{_CHANGE_NOUN}|reduction)\s+(?:in|of|for)\s+"
               r"(?P<a>.+)$"),
    re.compile(r"(?i)\b(?:growth|change)\s+rate\s+(?:of|in|for)\s+(?P<a>.+)$"),
    re.compile(r"(?i)\brate\s+of\s+(?P<noun>growth|increase|decline|decrease|change)\s+(?:of|in|for)\s+(?P<a>.+)$"),
    re.compile(rf"(?i)\bhow\s+fast\s+(?:did|has|have|does|do)\s+(?P<a>.+?)\s+(?P<verb>{_CHANGE_VERB})\b.*$"),
    re.compile(r"(?i)\bhow\s+(?:did|has|have|does|do)\s+(?P<a>.+?)\s+(?P<verb>change|move|develop|evolve)\b.*$"),
    re.compile(rf"(?i)\bwhat\s+(?:was|is|were)\s+the\s+(?:[\w-]+\s+)?(?P<noun>{_CHANGE_NOUN})\s+(?:in|of|for)\s+"
               r"(?P<a>.+)$"),
    re.compile(rf"(?i)\bwhat\s+(?:was|is|were)\s+the\s+(?P<noun>{_CHANGE_NOUN})\s+(?:observed\s+)?"
               r"(?:in|of|for)?\s*(?P<a>.+)$"),
]
_SIGNED = re.compile(r"(?i)\bhow\s+(?:did|has|have|does|do)\s+.+?\s+(?:change|move|develop|evolve)\b"
                     r"|\b(?:change|variation|movement|swing)\b")
# "On average, how much did each subscriber pay?", "what was the cost per tower?": a
# total shared out over the things it counts (not over time: that is a rate).
_TIME = r"(?:year|annum|quarter|month|week|day|hour|half|period|season)"
_PER_UNIT = [
    re.compile(rf"(?i)\b(?:per|for\s+each|for\s+every|each)\s+(?-i:(?:[A-Z][\w&.-]*(?:'s|’s)?\s+)*)"
               rf"(?P<unit>(?!{_TIME}s?\b)[a-z][a-z-]+)"
               r"(?:\s+(?P<unit2>(?!(?:in|on|at|of|for|to|from|by|pay|paid|cost|get|earn|spend|generate|"
               r"bring|was|were|is|are|did|do|does|have|has|had|receive|make)\b)[a-z][a-z-]+))?"),
    re.compile(r"(?i)\baverage\s+(?:price|cost|value|amount|revenue|income|spend|spending|fee|payment)"
               r"\s+(?:of|for|paid\s+for|per)\s+(?:the\s+|each\s+|a\s+|an\s+)?(?P<unit>[a-z][a-z-]+)"),
]
_PREP = r"(?:in|at|for|from|of|on|to|by)"
_LAST_PP = re.compile(rf"(?i)\b({_PREP})\s+(?:(?!\b{_PREP}\b)[^,])+$")
_HOW_MANY = re.compile(r"(?i)\bhow\s+many\b(?!\s+times)(?!\s+(?:percent|percentage|per\s+cent))")
_HOW_MUCH = re.compile(r"(?i)\bhow\s+much\b")
_PERCENT_WORDS = re.compile(r"(?i)\b(?:percentage|percent|per\s+cent|percentual|growth\s+rate|rate\s+of\s+"
                            r"(?:growth|increase|decline|decrease|change))\b|%")
_ANNUALISE = re.compile(r"(?i)\bannuali[sz]ed\b|\brun[- ]rate\b|\bon\s+an\s+annual\s+basis\b"
                        r"|\bannual\s+rate\b|\bfor\s+a\s+full\s+year\b|\bannuali[sz]e\b")
_RATE = re.compile(r"(?i)\b(?:per|a|each|every)\s+(?P<p>year|annum|quarter|month|week|day)\b"
                   r"|\b(?P<adv>annually|yearly|quarterly|monthly|weekly|daily)\s*\??$")
_LEAD = re.compile(
    r"(?i)^(?:(?:how\s+(?:much|many|big|large)|what|which|who|when|is|was|are|were|does|do|"
    r"did|has|have|had|will|would|could|can|by|in|the|of|at|on|a|an|that|this|its|their|"
    r"then|so|and|value|amount|figure|number|level|size)\b[\s,]*)+")
_TAIL = re.compile(r"(?i)[\s,]*(?:\b(?:is|was|are|were|be|been|being|then|now|there|represent|"
                   r"make\s+up|account\s+for|amount\s+to|equal|do|does|did)\b[\s,]*)*[?.!\s]*$")
# Years the question names pick operands by their `when`; the words around them go.
YEAR = re.compile(r"(?<![\w$€£¥.,])(?:19|20)\d\d(?![\w%]|[.,]\d)")
_YEAR_WORDS = re.compile(
    r"(?i)(?:,\s*)?\b(?:(?:in|for|during|at|as\s+of|of|on|from|to|and|between|through|versus|vs\.?|"
    r"compared\s+(?:to|with)|since|over|by)\s+)?(?:the\s+)?(?:(?:fiscal|financial|calendar)\s+(?:year\s+)?)?"
    r"(?:(?:years?|periods?)\s+(?:ended|ending)\s+)?(?:(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\s+\d{1,2}\s*,?\s*)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?"
    r"(?:\s*,)?")
_SCALE_HINT = re.compile(r"(?i)[,(]*\s*\(?\s*(?:in|\$\s*in)\s+(?:millions|billions|thousands|mill?ions?|"
                         r"billion|million|thousand)\s*(?:of\s+dollars)?\s*\)?")
_VALUE = re.compile(r"(?i)^(?:what|how\s+much|how\s+many)\b.*?\b(?:was|were|is|are|will|would|did|does|do)\b")
_DERIVE_LEAD = re.compile(r"(?i)^what\s+(?:was|were|is|are|would\s+be|will\s+be)\s+(?:the\s+)?"
                          r"(?:[\w&.-]+(?:\s+[\w&.-]+){0,2}(?:'s|’s)\s+)?(?:total|implied|"
                          r"anticipated|expected|remaining|gross|entire|overall|estimated|whole|full)\b")
_LEAD_CLAUSE = re.compile(r"(?i)^(?:considering|assuming|based\s+on|given|including|excluding|as\s+of|at|in|"
                          r"for|during|on|between|under|with|if|from)\b(?:[^,?]|,\s*(?=(?:19|20)\d\d)){0,160},\s*"
                          r"(?=(?:what|how|by|"
                          r"which|is|was|were|are|did|does|do)\b)")
_AS_OF = re.compile(r"(?i)^(?:as\s+of|at|on)\b")  # a lead clause giving the date the figures are as of
_DERIVE_WORDS = re.compile(r"(?i)\b(?:total|implied|anticipated|expected|remaining|gross|entire|overall|"
                           r"estimated|whole|full)\b(?!-)")


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
    direction: int = 0  # +1: the question says the first is larger ("how many more"), or a
    # change asked as a rise; -1 smaller, or asked as a fall; 0 neither
    unit: str = ""  # the unit the question names: "yards" in "how many yards longer"
    exact: bool = False  # the phrase must be a share's label word for word (qa/labels.py)
    years: tuple[str, ...] = ()  # years the question names, in order: "from 2013 to 2014"
    signed: bool = False  # "how did X change": the answer keeps its sign
    text: str = ""  # the question as parsed (amounts it states are read from it)


def parse_intent(question: str) -> Intent | None:
    """The calculation `question` asks for, or None when it asks for none."""
    intent = _parse(question)
    if intent is None or intent.kind == "exchange_rate":
        return intent
    measure = ""
    if intent.kind == "complement" or (_HOW_MANY.search(question) and _PERCENT_WORDS.search(
            question) and intent.kind == "difference"):
        measure = "percent"
    elif _HOW_MANY.search(question) and intent.kind != "per_unit":
        measure = "count"
    elif _HOW_MUCH.search(question) and not _PERCENT_WORDS.search(question) and intent.kind != "per_unit":
        measure = "money"
    return replace(intent, measure=measure)


def normalise(question: str) -> str:
    """White space folded, tokenised punctuation rejoined ("2019s" was "’s"), scale hints gone."""
    q = re.sub(r"\s+", " ", question or "").strip()
    q = re.sub(r"\\+n", " ", q)
    q = re.sub(r"\s+([,.?!;:%)])", r"\1", q)
    q = re.sub(r"([($])\s+", r"\1", q)
    q = re.sub(r"(?<=[a-z])\s?2019s\b", "'s", q)
    q = re.sub(r"(?i)\bpercentual\b", "percentage", q)
    q = _SCALE_HINT.sub(" ", q)
    q = re.sub(r"\s+", " ", q).strip(" ,")
    return q


def _parse(question: str) -> Intent | None:
    q = normalise(question)
    if not q or len(q) > 2000:
        return None
    currency = ""
    hm = _HOW_MANY_CURRENCY.search(q)
    if hm:  # "How many dollars is 5 billion yuan?": what is 5 billion yuan in dollars
        q = f"What is {q[hm.end():].strip()} in {hm.group('cur')}"
    tm = _TARGET.search(q)
    if tm and not re.match(r"\s*(?:\d|\$\s*\d)", q[tm.end():]):
        currency = _code(tm)
        q_wo = (q[:tm.start()] + q[tm.end():]).strip()
    else:
        q_wo = q
    body = re.sub(r"(?i),\s*in\s+(?:percent|percentage|per\s+cent)(?:\s+terms)?\s*,", " percent",
                  q_wo.rstrip("?.! "))
    body = re.sub(r"(?i),?\s*in\s+(?:percent(?:age)?|per\s+cent)\s+terms\b", " percent", body)
    body = re.sub(r"(?i),\s*in\s+(?:percent(?:age)?|per\s+cent|%)\s*$", " percent", body)
    lead = _LEAD_CLAUSE.match(body)
    dated = body[lead.end():] if lead and _AS_OF.match(lead.group(0)) else body  # "as of December 31, 2011, ..."
    years = _year_span(dated, tuple(YEAR.findall(dated)))
    body = _LEAD_CLAUSE.sub("", body)  # "considering the years 2014-2016, what was ..."
    intent = _shape(body, currency, years)
    if intent is None:
        return None
    return replace(intent, years=intent.years or years, text=q)


def _shape(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    """The first question shape `body` fits, tried from the most specific."""
    if _EXCHANGE.search(body) or _PER_PAIR.search(body):
        pair, ordered = _pair(body)
        return Intent("exchange_rate", (), pair=pair, ordered=ordered)
    for parse in (_lasts, _left, _complement, _how_many_more, _change_in_percent, _margin, _share, _remainder,
                  _ratio_or_difference,
                  _average, _per_unit, _sum, _before, _after, _change, _annualise, _rate):
        intent = parse(body, currency, years)
        if intent is not None:
            return intent if intent.kind != "none" else None
    if currency:
        return Intent("convert", (clean(strip_years(body)),), currency=currency)
    return _value(body, currency, years)


# "How long will Atlantic's cash last?", "How many days will its cash last at this rate?":
# an amount spent at a stated rate, in the periods the rate is stated in (or those asked).
_LASTS = re.compile(r"(?i)^(?:at\s+(?:its|the|this|that)\s+(?:current\s+)?(?:burn\s+)?rate,?\s+)?how\s+"
                    r"(?:long|many\s+(?P<unit>days|weeks|months|years|quarters))\s+(?:will|would|can|could|does|do)\s+"
                    r"(?P<a>.+?)\s+(?:last|run|hold\s+out|keep\s+going)\b(?:\s+at\s+(?:its|the|this|that)\s+.+)?$")


def _lasts(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    m = _LASTS.match(body)
    if not m:
        return None
    phrase = clean(m.group("a"))
    period = (m.group("unit") or "").lower().rstrip("s")
    return Intent("lasts", (phrase,), period=period) if phrase else None


def _complement(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    cm = _COMPLEMENT.search(body)
    if not (cm and _NEGATION.search(cm.group("rest")) and len(_NEGATION.findall(cm.group("rest"))) == 1):
        om = _SHARE_ONLY.search(body)
        if om and not _NEGATION.search(body) and not _SHARE[0].search(body) and not _PERCENT_WORDS.search(
                re.sub(rf"(?i)^\w+\s+(?:an?\s+)?{_PORTION}", "", body)):
            phrase = clean(f"{om.group('whole') or ''} {om.group('rest')}")
            if phrase and opposite(phrase):
                return Intent("complement", (phrase,), signed=True)  # `signed`: by the opposite label
        return None
    rest = _NEGATION.sub(" ", cm.group("rest"))
    plain = _OPEN_ENDED.sub(" ", rest)
    if re.search(r"(?i)\b(?:than|compared|more|less|fewer|difference|combined|total|"
                 r"change|increase|decrease)\b", plain):
        return None
    phrase = clean(_CENSUS.sub(" ", f"{cm.group('whole') or ''} {rest}"))
    # "not between 55 and 59", "not Black or African American": one group only if
    # a share is labelled so, word for word.
    last = list(_OPEN_ENDED.finditer(rest))
    closed = rest[:last[-1].start()] if last and not rest[last[-1].end():].strip() else rest
    exact = bool(re.search(r"(?i)\b(?:between|and|or)\b", closed))
    said = f"{cm.group('whole') or ''} {cm.group('rest')}"
    neg = _NEGATION.search(said)  # "of Northway's staff | do not | work in maintenance"
    whole, group = (clean(said[:neg.start()]), clean(_CENSUS.sub(" ", said[neg.end():]))) if neg else ("", "")
    parts = (phrase, group, whole) if whole and group else (phrase,)
    return Intent("complement", parts, exact=exact) if phrase else Intent("none", ())


def _how_many_more(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    for pattern in _HOW_MANY_MORE:
        m = pattern.search(body)
        if not m:
            continue
        if any(_GROUPED.search(m.group(k)) for k in ("a", "b")):
            return Intent("none", ())  # one side is several things: a sum we do not attempt
        a, b = clean(_PERCENT_OF.sub("", m.group("a"))), clean(_PERCENT_OF.sub("", m.group("b")))
        unit = m.groupdict().get("unit") or ""
        ya, yb = YEAR.findall(a), YEAR.findall(b)
        if len(yb) == 1 and len(ya) <= 1 and not clean(strip_years(b)) and len(years) == 2:
            # "How many fewer robberies were reported in 2010 than in 2000?": one measure, two years
            larger = re.fullmatch(rf"(?i){_LARGER}", m.group("cmp")) is not None
            pair = (ya[0] if ya else next(y for y in years if y != yb[0]), yb[0])
            phrase = clean(strip_years(a))
            return Intent("difference", (phrase, phrase), currency=currency, direction=1 if larger else -1,
                          unit=unit.lower(), years=pair) if phrase else None
        if _is_bare_name(a) or _is_bare_name(b):  # "troops did Howe have" vs "Washington"
            a, b = complete_pair(a, b)
        if a and b and unit.lower() not in ("times", "more", "of"):
            larger = re.fullmatch(rf"(?i){_LARGER}", m.group("cmp")) is not None
            return Intent("difference", (a, b), currency=currency,
                          direction=1 if larger else -1, unit=unit.lower())
    return None


def _change_in_percent(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    """ "By what percentage did X fall?", "the percentage change in X from 2013 to 2014"."""
    if not _PERCENT_WORDS.search(body):
        return None
    intent = _change(body, currency, years)
    if intent is None or intent.kind != "change":
        return None
    return replace(intent, percent=True)


def _share(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    for pattern in _SHARE:
        m = pattern.search(body)
        if m:
            part, whole = clean(m.group("part")), clean(m.group("whole"))  # years kept: each side's own
            if not clean(strip_years(part)) or not clean(strip_years(whole)):
                return Intent("none", ())
            return Intent("share", (part, whole), currency=currency)
    return None


def _remainder_outside(body: str) -> tuple[str, str] | None:
    m = _OUTSIDE.search(body)
    if not m:
        return None
    part, whole = clean(strip_years(m.group("part"))), clean(strip_years(m.group("whole")))
    return (part, whole) if part and whole else None


def _margin(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    """ "What was Fenwick's net margin?": the profit named over revenue, in per cent."""
    m = _MARGIN.search(body)
    if not m:
        return None
    owner = clean(strip_years(m.group("owner") or ""))
    kind = re.sub(r"\s+", " ", (m.group("kind") or "profit").lower())
    part = _MARGIN_PART.get(kind, kind)
    return Intent("share", (clean(f"{owner} {part}"), clean(f"{owner} revenue")), currency=currency,
                  unit="margin")


# "How many stores will Halvorsen have left after the closures?", "How many jobs will remain?"
_LEFT = re.compile(r"(?i)^how\s+many\s+(?P<noun>(?:[\w-]+\s+){0,2}[\w-]+)\s+(?:will|would|does|did|is|are|"
                   r"has|have)\s+(?:(?P<who>.+?)\s+)?(?:have\s+left|be\s+left|remain|keep|have\s+remaining)\b"
                   r"(?P<rest>.*)$")


def _left(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    m = _LEFT.search(body)
    if not m:
        return None
    return Intent("left", (clean(m.group("noun")), clean(m.group("rest") or "")), currency=currency)


def _remainder(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    nm = _REMAINDER_NOT.search(body)
    if nm:
        part, whole = clean(strip_years(nm.group("part"))), clean(strip_years(nm.group("whole")))
        return Intent("remainder", (part, whole), currency=currency, signed=True) if part and whole else None
    outside = _remainder_outside(body)
    if outside:
        return Intent("remainder", outside, currency=currency, signed=True)
    m = _REMAINDER.search(body)
    if not m:
        return None
    part, whole = clean(strip_years(m.group("part"))), clean(strip_years(m.group("whole")))
    return Intent("remainder", (part, whole), currency=currency) if part and whole else None


# Words whose opposite names the rest of a whole: what is not local is abroad.
_OPPOSITES = [
    ("local", "abroad"), ("local", "foreign"), ("domestic", "foreign"), ("domestic", "international"),
    ("domestic", "overseas"), ("domestic", "abroad"), ("home", "abroad"), ("local", "overseas"),
    ("current", "overdue"), ("current", "past due"), ("public", "private"), ("men", "women"),
    ("male", "female"), ("online", "offline"), ("online", "in-store"), ("online", "in store"),
    ("full-time", "part-time"), ("fixed", "variable"), ("fixed", "floating"), ("secured", "unsecured"),
    ("short-term", "long-term"), ("urban", "rural"), ("unionised", "non-union"), ("inside", "outside"),
    ("permanent", "temporary"), ("organic", "acquired"), ("cash", "stock"), ("paid", "unpaid"),
]


def opposite(phrase: str) -> list[str]:
    """The words that name the rest when `phrase` names one side ("abroad" -> "local")."""
    words = phrase.lower()
    out = []
    for a, b in _OPPOSITES:
        if re.search(rf"\b{re.escape(a)}\b", words):
            out.append(b)
        if re.search(rf"\b{re.escape(b)}\b", words):
            out.append(a)
    return list(dict.fromkeys(out))


_EARLIER = re.compile(r"(?i)^(?:(?:it|they|that|those)\s+(?:was|were)\s+)?(?:a\s+year\s+(?:earlier|ago|before)|"
                      r"last\s+year|the\s+(?:year|quarter)\s+before|the\s+previous\s+(?:year|quarter)|a\s+quarter\s+earlier)$")
_MORE_THAN = re.compile(r"(?i)\bhow\s+much\s+(?P<cmp>more|less|bigger|larger|higher|lower|smaller|greater|wider|"
                        r"narrower)\s+(?:(?:is|was|are|were)\s+)?(?P<a>.+?)\s+than\s+(?P<b>.+)$")


def _ratio_or_difference(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    mt = _MORE_THAN.search(body)
    if mt and _EARLIER.match(mt.group("b").strip(" ?.!")):
        # "How much bigger were the losses than a year earlier?": the size of the change
        phrase = clean(strip_years(mt.group("a")))
        up = mt.group("cmp").lower() in ("more", "bigger", "larger", "higher", "greater", "wider")
        return Intent("change", (phrase,), currency=currency, direction=1 if up else -1) if phrase else None
    for kind, patterns in (("ratio", _RATIO), ("difference", _DIFFERENCE)):
        if kind == "ratio" and (_HOW_MANY_MORE_WORD.search(body) or _DIFFERENCE_WORD.search(body)):
            continue  # "how many more / how many yards difference ... compared to": not a ratio
        for pattern in patterns:
            m = pattern.search(body)
            if not m:
                continue
            a_raw, b_raw = m.group("a"), m.group("b")
            ya, yb = YEAR.findall(a_raw), YEAR.findall(b_raw)
            if len(ya) <= 1 and len(yb) == 1 and not clean(strip_years(b_raw)):
                # "the ratio of X for 2017 to 2018": one measure, two years
                a = clean(strip_years(a_raw))
                pair = tuple(ya) + tuple(yb) if ya else (yb[0],)
                if a and len(pair) == 2:
                    return Intent(kind, (a, a), currency=currency, years=pair)
            a, b = complete_pair(clean(a_raw), clean(b_raw))
            if a and b:
                return Intent(kind, (a, b), currency=currency)
    return None


def _average(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    """ "The average X from 2014 to 2016", "the average of X and Y": a mean of stated values."""
    if not _AVERAGE.search(body):
        return None
    if any(p.search(body) for p in _PER_UNIT) or re.search(r"(?i)\beach\b", body):
        return None  # "on average, how much did each subscriber pay": a per-unit amount
    rest = _AVERAGE.sub(" ", body)
    if len(years) >= 2:
        phrase = clean(strip_years(rest))
        return Intent("average", (phrase,), currency=currency, years=years,
                      percent=bool(_PERCENT_WORDS.search(body))) if phrase else None
    parts = _sum_parts(re.sub(r"(?i)^.*?\bof\s+", "", rest, count=1))
    if len(parts) >= 2:
        return Intent("average", tuple(parts), currency=currency, percent=bool(_PERCENT_WORDS.search(body)))
    return None


def _per_unit(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    """ "How much did each subscriber pay?", "the cost per tower": a total over a count."""
    if _RATE.search(body) or _PERCENT_WORDS.search(body) or re.search(r"[$€£¥]\s?\d", body):
        return None  # "assuming a price per share of $12.12, what would it cost": not an average
    for pattern in _PER_UNIT:
        m = pattern.search(body)
        if not m:
            continue
        unit = m.group("unit").lower()
        second = (m.groupdict().get("unit2") or "").lower()
        if second and (unit in _MODIFIERS or unit.endswith(("ed", "al", "ive", "ic", "ful", "ous"))):
            unit = second  # "per lost vehicle", "each delivered car": the noun is what is counted
        if unit in ("cent", "percent", "capita") or unit in _NOT_UNITS:
            return None
        phrase = clean(strip_years(re.sub(r"(?i)\b(?:on\s+average|average)\b", " ", body)))
        return Intent("per_unit", (phrase or unit,), currency=currency, unit=unit)
    return None


_MODIFIERS = frozenset("""lost new old sold single average extra additional full-time part-time""".split())  # noqa: SIM905
_NOT_UNITS = frozenset("""other one the a an of such that this these those""".split())  # noqa: SIM905


_GROUP_SUM = re.compile(r"(?i)^how\s+many\s+(?:total\s+)?(?P<list>[a-z]+(?:\s+[a-z]+)?(?:,\s*[a-z]+(?:\s+[a-z]+)?)*"
                        r",?\s+and\s+[a-z]+(?:\s+[a-z]+)?)\s+(?:are|were|lived|live|are\s+there|were\s+there)\b")


def _sum(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    gm = _GROUP_SUM.search(body)
    if gm:  # "How many people, households, and families are in the county?"
        parts = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", gm.group("list")) if p.strip()]
        if len(parts) >= 2:
            return Intent("sum", tuple(parts), currency=currency)
    if _SUM.search(body):
        rest = _SUM.sub(" ", body)
        if len(years) >= 2 and not re.search(r"(?i)\b(?:and|plus)\b", strip_years(rest)):
            phrase = clean(strip_years(rest))
            return Intent("sum", (phrase,), currency=currency, years=years) if phrase else None
        parts = _sum_parts(rest)
        if len(parts) >= 2:
            return Intent("sum", tuple(parts), currency=currency)
    if _TOTAL_WORD.search(body) and len(years) >= 2 and re.search(r"(?i)\b(?:and|through|to)\b", body):
        phrase = clean(strip_years(_TOTAL_WORD.sub(" ", body)))
        if phrase:
            return Intent("sum", (phrase,), currency=currency, years=years)
    return None


def _before(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    if _BEFORE.search(body):
        phrase = clean(strip_years(_BEFORE.sub(" ", body)))
        if phrase:
            return Intent("before", (phrase,), currency=currency)
    return None


def _after(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    if _AFTER.search(body):
        phrase = clean(strip_years(_AFTER.sub(" ", body)))
        if phrase:
            return Intent("after", (phrase,), currency=currency)
    return None


def _change(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    made = _MADE_CHANGE.match(body)
    if made:  # "By what percentage has Rheinwerk lowered its profit forecast?"
        phrase = clean(strip_years(f"{made.group('who')} {made.group('a')}"))
        direction = 1 if re.fullmatch(f"{_RAISED}|{_RAISING}", made.group("verb"), re.IGNORECASE) else -1
        if phrase:
            return Intent("change", (phrase,), currency=currency, percent=bool(_PERCENT_WORDS.search(body)),
                          direction=direction, years=years)
    for pattern in _CHANGE:
        m = pattern.search(body)
        if not m:
            continue
        phrase = clean(strip_years(m.group("a")))
        if not phrase:
            return None
        said = (m.groupdict().get("verb") or m.groupdict().get("noun") or "").lower()
        direction = 1 if re.fullmatch(rf"(?:{_RISE}|{_RISE_NOUN}|{_RISEN}|grow)", said) else (
            -1 if re.fullmatch(rf"(?:{_FALL}|{_FALL_NOUN}|{_FALLEN}|reduction)", said)
            else 0)
        signed = direction == 0 and bool(_SIGNED.search(body))
        return Intent("change", (phrase,), currency=currency, percent=bool(_PERCENT_WORDS.search(body)),
                      direction=direction, signed=signed, years=years)
    if len(years) >= 2 and re.search(rf"(?i)\b(?:{_CHANGE_NOUN})\b", body):
        phrase = clean(strip_years(re.sub(rf"(?i)\b(?:the\s+)?(?:{_CHANGE_NOUN})\s+(?:in|of)\b", " ", body)))
        if phrase:
            return Intent("change", (phrase,), currency=currency, percent=bool(_PERCENT_WORDS.search(body)),
                          signed=True, years=years)
    return None


def _annualise(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    if _ANNUALISE.search(body):
        return Intent("annualise", (clean(_ANNUALISE.sub(" ", body)),), period="year",
                      currency=currency)
    return None


def _rate(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    rm = _RATE.search(body)
    if rm:
        period = _period_name(rm.group("p") or rm.group("adv"))
        return Intent("rate", (clean(strip_years(_RATE.sub(" ", body))),), period=period, currency=currency)
    return None


_SIZE = re.compile(r"(?i)^(?:how\s+(?:big|large)\s+(?:is|was|are|were)\s+(?P<what>.+?)|what\s+(?:is|was)\s+the\s+"
                   r"(?:size|total\s+size)\s+of\s+(?P<what2>.+?)|how\s+many\s+(?P<what3>.+?)\s+are\s+there\s+in\s+"
                   r"(?P<where>.+?))\s*\??$")


def _value(body: str, currency: str, years: tuple[str, ...]) -> Intent | None:
    """ "What did it earn in 2003?", "What were total revenues?": a value the article
    does not state but implies (by a stated change, or a part and its share)."""
    size = _SIZE.search(body)
    if size:  # "How big is the Czech beer market?": a whole its stated share implies
        what = size.group("what") or size.group("what2") or f"{size.group('what3')} in {size.group('where')}"
        phrase = clean(strip_years(re.sub(r"(?i)\bin\s+total\b|\btotal\b|\bin\s+[a-z]+s\s*$", " ", what)))
        return Intent("value", (phrase,), currency=currency) if phrase else None
    if not _VALUE.search(body) or (_HOW_MANY.search(body) and not years):
        return None
    if len(years) == 1 or _DERIVE_LEAD.search(body):
        phrase = clean(strip_years(_DERIVE_WORDS.sub(" ", body)))
        if phrase and len(phrase.split()) >= 1:
            return Intent("value", (phrase,), currency=currency)
    return None


def _year_span(body: str, years: tuple[str, ...]) -> tuple[str, ...]:
    """ "from 2014 to 2016" and "2014-2016" are three years; "2014 and 2016" two."""
    if len(years) == 2 and re.search(rf"(?i)(?:\b(?:from|between)\s+(?:fiscal\s+)?{years[0]}\s+(?:to|through|"
                                     rf"until)\s+(?:fiscal\s+)?{years[1]}|{years[0]}\s*[-–]\s*{years[1]})",
                                     body):
        a, b = int(years[0]), int(years[1])
        if 0 < b - a <= 10:
            return tuple(str(y) for y in range(a, b + 1))
    return years


def strip_years(phrase: str) -> str:
    """The phrase without the years it names and their prepositions: "sales in 2013" -> "sales"."""
    out = re.sub(r"\s+", " ", _YEAR_WORDS.sub(" ", phrase)).strip(" ,")
    return _DANGLING.sub("", out).strip(" ,")


_DANGLING = re.compile(r"(?i)(?:\s+\b(?:from|in|for|to|and|between|of|at|on|during|by|since|versus|"
                       r"compared\s+(?:to|with))\b)+\s*$")


# "over the same period", "in that time": a period pointing back, with no words to match.
_SAME_PERIOD = re.compile(r"(?i)\s*\b(?:over|in|during|for)\s+(?:the\s+same|that|this|the)\s+(?:period|time)\b"
                          r"|\s*\b(?:over|in|during|for)\s+the\s+same\s+(?:quarter|half|year|months?)\b")


def clean(phrase: str) -> str:
    """The operand's description without question words or trailing verbs."""
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,;:?.!")
    phrase = _LEAD.sub("", phrase)
    phrase = _SAME_PERIOD.sub(" ", phrase)
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
    if len(short.split()) >= 2 and not re.match(rf"(?i){_PREP}\b", short) and not any(
            w[0].isupper() for w in short.split()):
        return short  # "operating expenses" is a measure of its own, not "pre-tax earnings in operating expenses"
    words = [w for w in short.split() if w.lower() not in ("the", "a", "an", "its", "their")]
    head = model.split()[-1]
    if len(words) == 1 and words[0].islower() and head.lower() != words[0].lower() and not _LAST_PP.search(model):
        return f"{short} {head}"  # "the tangible" and "intangible assets": tangible assets
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
    # the whole first name, linking words and all: "Comercial del Valle's", "Bank of America's"
    pattern = re.compile(rf"\b{re.escape(found[0])}(?:\s+(?:(?:de|del|la|le|of|the|and|von|van|der|du)\s+)*"
                         r"[A-Z][\w.&-]*)*(?:'s|’s)?")
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
