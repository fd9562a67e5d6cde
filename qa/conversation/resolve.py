"""Reading a follow-up question from the turns before it, without a parser.

A follow-up leaves out what the conversation already said. What it leaves out, and where
the missing words come from:
- ellipsis, "And in dollars?", "And a year earlier?": a modifier added to the previous
  question (replacing one of the same kind: "in yuan" gives way to "in dollars");
- "What about Tencent?", "And the e-commerce unit?": a name or noun phrase put in place of
  the previous question's name, or of its noun phrase with the same head noun;
- "he", "she": the person the previous question names, else the one its answer led with,
  else the one the article in focus names most; "it", "they", "that": the previous
  question's subject ("What happened to Alibaba's net income?" -> "Alibaba's net
  income"); "that unit", "the company": that subject's modifiers with the new head noun,
  or the company it names; the previous question's setting ("on the investor call") goes
  on for the same person;
- a figure over the previous answer, "How much is that per year?": the previous
  question with the new modifier, so the figure is computed from the same quoted
  numbers and under the same rules as any figure; a bare "before" is completed from
  the change the answer led with ("halved" -> "before it halved").
A reference whose antecedent is not found stays as written, read in the article in focus.
A question with none of these cues stands alone. It keeps the article in focus only
when every word of it occurs in that article; otherwise it starts a new topic and is
asked exactly as it would be alone. When the reading would be a guess (the previous
question names two people for one "he") the reading is a short question back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from index.text.sentences import rough_sentence_spans
from qa.conversation.history import Turn
from qa.retrieval.lexical import coverage_terms, terms

ArticleText = Callable[[str], "str | None"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PREPS = _words("""
in on at for to of from by with about over during after before since into per than as under
against between through across within without around near""")
_DETS = _words("a an the this that these those its their his her my our your some any each every all")
_AUX = _words("is was are were do does did has have had will would can could should may might must be")
_COPULA = frozenset(["is", "was", "are", "were"])
_PAST = frozenset(["did", "was", "were", "had"])
_WH = frozenset(["what", "which", "who", "whom", "whose", "when", "where", "why", "how"])
_CONNECT = frozenset(["and", "so", "but", "also", "then", "ok", "okay", "well"])
_ADVERBS = _words("so far now then ever still also already just really even yet again once")
_NP_STOP = (_PREPS - {"of"}) | _DETS | _AUX | _WH | _words("to and or not that which if whether")
_PERSON = frozenset(["he", "him", "his", "she", "her", "hers", "himself", "herself"])
_THING = frozenset(["it", "its", "they", "them", "their", "theirs", "itself"])
_POSSESSIVE = frozenset(["his", "its", "their"])
_NOT_NAMES = _PREPS | _DETS | _AUX | _WH | _CONNECT | frozenset(["i", "mr", "ms", "mrs", "dr"]) | _PERSON | _THING
_ORG_WORDS = _words("""
inc ltd llc plc corp corporation co company group holdings holding bank management capital
partners university institute intelligence agency ministry department news times post journal
association council committee party league club fc united airlines motors technologies
technology systems securities research foundation government court office commission federal
national international global media network studios entertainment labs economy markets exchange
fund""")
# Head nouns that name a company or a person rather than a part of the subject.
_COMPANY_NOUNS = _words("""
company firm group giant retailer maker carrier lender bank insurer conglomerate startup brand
platform business corporation""")
_PERSON_NOUNS = _words("""
man woman boy girl person executive boss analyst official founder ceo chairman chairwoman
president minister player author writer reporter leader""")
_CHANGE_VERB = re.compile(
    r"(?i)\b(rose|fell|grew|jumped|dropped|declined|increased|decreased|climbed|surged|soared|"
    r"slumped|plunged|slid|shrank|doubled|tripled|quadrupled|halved|gained|tumbled|sank|eased|"
    r"expanded|contracted)\b")
_ABOUT = re.compile(r"(?i)^(?:and\s+)?(?:what|how)\s+about\s+|^what\s+of\s+|^same\s+for\s+|^and\s+for\s+")
_CONNECTOR = re.compile(r"(?i)^(?:(?:and|so|but|also|then|ok(?:ay)?|well)\b[\s,]*)+")
_BARE_WH = re.compile(r"(?i)^(why|how|when|where|who|what|which|how\s+(?:so|much|many|come))"
                      r"(?:\s+(?:exactly|then|not))?\s*$")
_OVER_THAT = re.compile(r"(?i)^(?:so\s+)?(?:how\s+much|what)\s+(?:is|was|are|were|would\s+be|will\s+be)"
                        r"\s+(?:that|it|this|these|those)\b\s*(?P<mod>.*)$")
# Measures a question asks the amount of ("What pre-tax profit did X report?").
_MEASURES = (r"profits?|revenues?|sales|income|loss(?:es)?|debts?|prices?|costs?|budget|spending|investment|"
             r"dividend|earnings|deficit|surplus|turnover|output|pay|salary|fine|value|valuation|savings?")
_AMOUNT_QUESTION = re.compile(
    r"(?i)^(?:how\s+(?:much|many|big|large|fast)|what\s+(?:is|was|were|are)\s+(?:the\s+)?"
    r"(?:amount|value|size|cost|price|total|figure|number|level)|what\s+(?:[\w’'-]+\s+){0,2}"
    rf"(?:{_MEASURES})\s+(?:did|does|do|will|has|have|had)\b|what\s+(?:will|would|did|does|do)\s+.+\s+cost\b)")
# "How many did it have before?": a count whose noun the last "how many" question gave.
_UNCOUNTED = re.compile(r"(?i)^(how\s+many)\s+(?=(?:did|does|do|will|would|has|have|had|are|were|is|was)\b)")
# "So by how much did it grow?": "it" is the measure the conversation is about, not the company.
_CHANGE_ASKED = re.compile(r"(?i)\b(?:grow|grew|grown|growing|rise|rose|risen|rising|fall|fell|fallen|falling"
                           r"|increas(?:e|ing)|decreas(?:e|ing)|declin(?:e|ing)|change|drop|climb|jump|shrink|shrinking"
                           r"|improve|worsen)\b")
# The measure a verb asks the amount of: "How much did X make?" asks X's profit.
_VERB_MEASURES = {"make": "profit", "made": "profit", "earn": "earnings", "earned": "earnings", "lose": "loss",
                  "lost": "loss", "spend": "spending", "spent": "spending", "sell": "sales", "sold": "sales",
                  "invest": "investment", "pay": "pay", "owe": "debt", "borrow": "borrowing", "raise": "funds"}
_HOW_MANY = re.compile(r"(?i)^how\s+many\s+(?P<noun>(?:[\w’'-]+\s+){0,2}?[\w’'-]+?)\s+(?:did|does|do|will|has|have|"
                       r"had|is|are|was|were)\s+(?P<who>.+?)\s+(?P<verb>[\w’'-]+)\b")
_HOW_MUCH = re.compile(r"(?i)^how\s+much\s+(?:did|does|do|will|has|have|had)\s+(?P<who>.+?)\s+(?P<verb>[a-z]+)\b")
_WHAT_MEASURE = re.compile(rf"(?i)^what\s+(?P<noun>(?:[\w’'-]+\s+){{0,2}}(?:{_MEASURES}))\s+(?:did|does|do|will|"
                           r"has|have|had)\s+(?P<who>.+?)\s+[a-z]+\b")
# "What production target has Petrosul set?", "How much cash does Atlantic Pacific have?": a
# noun asked of someone.
_ASKED_NOUN = re.compile(r"(?i)^(?:what|how\s+much)\s+(?P<noun>(?:[\w’'-]+\s+){0,2}[\w’'-]+)\s+(?:did|does|do|will"
                         r"|has|have|had)\s+(?P<who>(?-i:[A-Z])[\w’'.&-]*(?:\s+(?-i:[A-Z])[\w’'.&-]*)*)\s+[a-z]+$")
# "What was Telvanta's net debt at the end of December?": a measure of someone's, asked outright.
_WHAT_OWNED = re.compile(r"(?i)^what\s+(?:was|is|were|are)\s+(?P<np>(?-i:[A-Z])[\w.&-]*(?:\s+(?-i:[A-Z])[\w.&-]*)*"
                         r"['’]s?(?:\s+[\w-]+){1,3}?)(?:\s+(?:at|in|on|for|during|by|over|last|this|a|an)\b.*)?$")
_HAPPENED = re.compile(r"(?i)^what\s+(?:happened|happens|has\s+happened)\s+to\s+(?P<np>.+)$")
_MODIFIER = re.compile(
    r"(?i)^(?:in|into|per|for|at|on|during|over|by|before|after|since|from|as\s+of|compared\s+"
    r"(?:to|with)|(?:a|one)\s+(?:year|quarter|month|week|day)\b|the\s+(?:year|quarter|month)\s+"
    r"(?:before|after|earlier)|(?:last|next|this)\s+(?:year|quarter|month|week)|previously|earlier|"
    r"later|annually|yearly|quarterly|monthly|(?:each|every)\s+(?:year|quarter|month)|\d{4})\b")
_CURRENCY = (r"(?:us\s+|u\.s\.\s+|hong\s+kong\s+|hk\s+)?dollars?|yuan|renminbi|rmb|euros?|pounds?|"
             r"sterling|yen|usd|cny|eur|gbp|jpy|hkd")
# A modifier of one of these kinds replaces the previous question's modifier of that kind.
_KINDS = (
    re.compile(rf"(?i),?\s*\b(?:in|into|to|as)\s+(?:{_CURRENCY})(?:\s+terms)?\b"),
    re.compile(r"(?i)\s*\b(?:(?:per|a|each|every)\s+(?:year|quarter|month|week|day)(?!\s+(?:earlier|ago|"
               r"before|later))|(?:annually|yearly|quarterly|monthly)$)\b"),
    re.compile(r"(?i)\s*\b(?:(?:a|one)\s+(?:year|quarter|month)\s+(?:earlier|ago|before|later)|"
               r"(?:last|next)\s+(?:year|quarter|month)|previously|in\s+\d{4}|before\b.*)$"),
)
# The previous question's setting ("on the investor call"), which a follow-up about the
# same subject goes on in.
_SETTING = re.compile(r"(?i)\b(?:on|at|in|during)\s+(?:the|this|that|its|their|last|a)\s+[\w’'-]+"
                      r"(?:\s+[\w’'-]+){0,2}$")
_OWN_SETTING = re.compile(r"\b(?:in|at|during|on|since|after|before)\s+(?:\d{4}|[A-Z][\w’'-]+)|\b(?:yesterday|today|"
                          r"last\s+(?:week|month|year|quarter)|this\s+(?:week|month|year|quarter))\b")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Reading:
    """How a question is read in its conversation.

    `resolved` is what the engine is asked; `focus` the article to read it in (None: the
    question stands alone); `follow_up`, whether it leans on the turns before (else it
    merely uses only words of the article in focus); `ask_back`, when set, is said
    instead of answering.
    """

    question: str
    resolved: str
    focus: str | None = None
    follow_up: bool = True
    ask_back: str | None = None


def resolve(question: str, turns: Sequence[Turn], article_text: ArticleText | None = None) -> Reading:
    """Read `question` after `turns` (oldest first); `article_text` gives an article's text
    by id (the article in focus: its words, its main person). See the module docstring."""
    reading = _resolve(question, turns, article_text)
    if reading.resolved[:1].islower() and reading.resolved != " ".join(question.split()):
        return replace(reading, resolved=reading.resolved[0].upper() + reading.resolved[1:])
    return reading


def _resolve(question: str, turns: Sequence[Turn], article_text: ArticleText | None = None) -> Reading:
    q = " ".join(question.split())
    if not turns or not q:
        return Reading(question, q, follow_up=False)
    prev = turns[-1]
    focus = next((t.article_id for t in reversed(turns) if t.article_id), None)
    text = (article_text(focus) if focus and article_text else None) or ""
    body, end = _split_end(q)
    about = _ABOUT.match(body)
    connected = about is not None or bool(_CONNECTOR.match(body))
    body = body[about.end():] if about else _CONNECTOR.sub("", body)
    if not body:
        return Reading(question, q, follow_up=False)
    low = [_bare(w) for w in body.split()]
    if low[0] in _WH | _AUX:
        body = body[0].upper() + body[1:]
    elif low[0] in _PREPS | _DETS or _MODIFIER.match(body):
        body = body[0].lower() + body[1:]
    if _BARE_WH.match(body):  # "Why?": the previous question asked with the new word
        return Reading(question, _wh_over(body, prev.resolved) or q, focus)
    if about is not None or (low[0] not in _WH and not any(w in _AUX for w in low)
                             and (connected or len(low) <= 4)):
        owned = re.fullmatch(r"[A-Z][\w.&-]*['’]s", body) is not None  # "Tencent's?"
        if about is not None or connected or owned or _MODIFIER.match(body):
            if about is not None:  # "What about its broadband customers?": "its" is the company's
                replaced, changed, _pointing_back, _ask = _references(body.split(), turns, text)
                body = " ".join(replaced) if changed else body
            return Reading(question, _complete(_fragment(body, prev, swap=about is not None), prev), focus)
        return Reading(question, q, focus)  # "State?": too little to rebuild, read in the article
    counted = _UNCOUNTED.match(body)
    noun = _HOW_MANY.match(_split_end(prev.resolved)[0])
    if counted and noun:  # "How many did it have before?" counts what the last "how many" did
        body = f"{counted.group(1)} {noun.group('noun')} {body[counted.end():].lstrip()}"
        q = body + end
    over = _OVER_THAT.match(body)
    asked_before = _CONNECTOR.sub("", prev.resolved)  # "And what will it cost?" asked "what will it cost?"
    if over and over.group("mod") and _AMOUNT_QUESTION.match(asked_before):
        asked_before = asked_before[0].upper() + asked_before[1:]
        return Reading(question, _complete(_with_modifier(asked_before, over.group("mod")), prev), focus)
    replaced, changed, pointing, ask_back = _references(body.split(), turns, text)
    if ask_back:
        return Reading(question, q, focus, ask_back=ask_back)
    if changed or connected or pointing:
        resolved = _complete(" ".join(replaced) + end, prev) if changed else q
        setting = _SETTING.search(_split_end(prev.resolved)[0])
        someone = any(_bare(w) in _PERSON for w in body.split())
        if changed and someone and setting and _continues(body, setting.group()):
            resolved = _with_modifier(resolved, setting.group())
        return Reading(question, resolved, focus)
    words = set(coverage_terms(q))
    if text and words and words <= _article_terms(text):
        return Reading(question, q, focus, follow_up=False)
    return Reading(question, q, follow_up=False)


def _continues(body: str, setting: str) -> bool:
    """Whether a follow-up about the same person goes on in the previous question's setting
    ("What did he say on the investor call?" -> "Did he put a number on the loss?" is still
    on the call): it names no setting of its own and does not ask who someone is."""
    return (setting.lower() not in body.lower() and not _OWN_SETTING.search(body)
            and not re.match(r"(?i)^(?:who|what)\s+(?:is|was|are|were)\b", body))


# --- pieces of a question -----------------------------------------------------------

def _split_end(text: str) -> tuple[str, str]:
    """The question without its end punctuation, and that punctuation ("?" if none)."""
    m = re.search(r"[\s?.!]*$", text)
    body = text[: m.start()] if m else text
    return body, (m.group().strip() if m and m.group().strip() else "?")


def _bare(word: str) -> str:
    w = word.lower().replace("’", "'").strip(",;:\"“”()")
    return w[:-2] if w.endswith("'s") else w


def _possessive(np: str) -> str:
    return np + ("’" if np.endswith("s") else "’s") if "’" in np else np + ("'" if np.endswith("s") else "'s")


def _stem(word: str) -> str:
    found = terms(word)
    return found[0] if found else word.lower()


def _np(words: Sequence[str]) -> list[str]:
    """The noun phrase `words` start with: up to a function word (its own first word may be
    one: "the unit") or a comma."""
    out: list[str] = []
    for i, w in enumerate(words):
        if i and _bare(w) in _NP_STOP:
            break
        out.append(w.rstrip(","))
        if w.endswith(","):
            break
    while out and _bare(out[-1]) == "of":
        out.pop()
    return out


def topic(question: str) -> str | None:
    """The subject of a question, which "it" and "that" stand for in the next one.

    "What happened to X?", "Who is X?": X. "How fast did X grow?", "What did X say on
    ...?": X, the words between the auxiliary and the verb (the word before the first
    function word, or the last word). "Who estimated X?": the object X.
    """
    body, _ = _split_end(" ".join(question.split()))
    happened = _HAPPENED.match(body)
    words = happened.group("np").split() if happened else body.split()
    if happened:
        return _joined(_np(words))
    low = [_bare(w) for w in words]
    if not low or (low[0] not in _WH and low[0] not in _AUX):
        return None  # a fragment or a statement: no subject to trust
    aux = 0 if low[0] in _AUX else next((i for i in range(1, min(len(low), 7)) if low[i] in _AUX), None)
    if aux is None:
        return _joined(_np(words[2:])) if len(words) > 2 else None
    rest = words[aux + 1:]
    if low[aux] in _COPULA:
        return _joined(_np(rest))
    stop = next((j for j in range(1, len(rest)) if _bare(rest[j]) in _NP_STOP | _ADVERBS), None)
    if stop is not None:
        return _joined(rest[: max(stop - 1, 1)])
    return _joined(rest[:-1]) if 1 < len(rest) <= 5 else None


def _joined(words: Sequence[str]) -> str | None:
    """A noun phrase worth putting in place of "it": a name, a phrase with a determiner or
    a possessive, or up to eight words; not a pronoun or a lone lower-case word."""
    text = " ".join(words).strip(" ,")
    first = _bare(words[0]) if words else ""
    if not text or first in _PERSON | _THING or len(words) > 8:
        return None
    if len(words) == 1 and not text[:1].isupper() and not re.search(r"['’]s$", text):
        return None
    if len(words) > 1 and first in {"that", "this", "these", "those"}:
        return None
    return text


def names(text: str) -> list[str]:
    """Capitalised runs of words ("Jiang Fan", "Hedgeye Risk Management"), first seen first;
    a sentence's first word counts only as part of a longer run or with a possessive."""
    found: list[str] = []
    for start, end in rough_sentence_spans(text) or [(0, len(text))]:
        run: list[str] = []
        opened, owned = 0, False
        words = text[start:end].split()
        for idx, raw in enumerate([*words, ""]):
            w = raw.strip(",;:\"“”()?.!")
            owned = bool(re.search(r"['’]s$", w))
            core = re.sub(r"['’]s$", "", w)
            named = bool(core) and core[0].isupper() and _bare(core) not in _NOT_NAMES
            if named:
                opened = idx if not run else opened
                run.append(core)
            if run and (not named or owned or raw[-1:] in tuple(",;:?.!)")):
                if opened > 0 or len(run) > 1 or owned:
                    found.append(" ".join(run))
                run = []
    return list(dict.fromkeys(found))


def _personish(name: str) -> bool:
    """"Jiang Fan" or "the chief executive", not "Hedgeye Risk Management", "JD.com" or
    "Alibaba's net income"."""
    parts = name.split()
    if parts and _bare(parts[-1]) in _PERSON_NOUNS:
        return True
    return 2 <= len(parts) <= 4 and all(p[:1].isupper() and not p.isupper() for p in parts) and not any(
        p.lower().strip(".") in _ORG_WORDS for p in parts)


# --- what a reference stands for ------------------------------------------------------

def _person(turns: Sequence[Turn], text: str = "") -> tuple[str | None, list[str]]:
    """The person "he" or "she" stands for, and the rivals when the previous question names
    several (then the reading is unsure); when no turn names one, the person the article
    in focus (`text`) names most."""
    prev = turns[-1]
    asked = [n for n in names(prev.resolved) if _personish(n)]
    if len(asked) > 1:
        return None, asked
    if asked:
        return asked[0], []
    for t in reversed(turns):
        led = [n for n in names(t.lead) if _personish(n)]
        if led:
            return led[0], []
        asked = [n for n in names(t.resolved) if _personish(n)]
        if asked:
            return asked[-1], []
    return main_person(text), []


@lru_cache(maxsize=64)
def main_person(text: str) -> str | None:
    """The person an article names most (by full name or surname), at least twice."""
    people = [n for n in names(text) if _personish(n)]
    counts = {p: text.count(p) + text.count(" " + p.split()[-1]) - text.count(" " + p) for p in people}
    best = max(people, key=lambda p: counts[p], default=None)
    return best if best is not None and counts[best] >= 2 else None


@lru_cache(maxsize=64)
def _article_terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def _thing(turns: Sequence[Turn]) -> str | None:
    """What "it" or "that" stands for: the thing the last question asked about ("What
    production target has Petrosul set?" -> "Petrosul's production target"), else the
    last subject that is not a person."""
    for t in reversed(turns):
        body = _CONNECTOR.sub("", _split_end(t.resolved)[0])
        asked = _ASKED_NOUN.match(body)
        if asked and len(asked.group("who").split()) <= 4:  # a person's too: "Jiang Fan's salary"
            return f"{_possessive(asked.group('who'))} {asked.group('noun')}"
        found = topic(t.resolved)
        if found and not _personish(found):
            return found
    return None


def _measure(turns: Sequence[Turn]) -> str | None:
    """The measure the last amount question asked, with whose it is: "How many subscribers
    did Jyoti add?" -> "Jyoti's subscribers"; "How much did X make?" -> "X's profit"."""
    for t in reversed(turns):
        body = _split_end(t.resolved)[0]
        many = _HOW_MANY.match(body) or _WHAT_MEASURE.match(body)
        much = _HOW_MUCH.match(body)
        owned = _WHAT_OWNED.match(_CONNECTOR.sub("", body))
        if owned and not many:  # "What was Telvanta's net debt at the end of December?"
            return owned.group("np")
        if many and len(many.group("who").split()) <= 4:
            return f"{_possessive(many.group('who'))} {many.group('noun')}"
        if much and len(much.group("who").split()) <= 4 and much.group("verb").lower() in _VERB_MEASURES:
            return f"{_possessive(much.group('who'))} {_VERB_MEASURES[much.group('verb').lower()]}"
    return None


def _company(turns: Sequence[Turn]) -> str | None:
    for t in reversed(turns):
        for text in (t.resolved, t.lead):
            found = [n for n in names(text) if not _personish(n)]
            if found:
                return found[0]
    return None


def _references(words: list[str], turns: Sequence[Turn], text: str = "") -> tuple[list[str], bool, bool, str | None]:
    """`words` with pronouns and demonstratives put back as what they stand for; whether
    any was; whether any points back at all (read in the article in focus even when its
    antecedent is not found); and a question back when the previous question names two
    people one "he" may stand for."""
    out = list(words)
    changed = pointing = named_before = False
    i = 0
    while i < len(out):
        w = out[i]
        bare = _bare(w)
        tail = w[len(w.rstrip(",;:")):]
        nxt = _bare(out[i + 1]) if i + 1 < len(out) else ""
        if i and w[:1].isupper() and bare not in _NOT_NAMES:
            named_before = True
        if bare in _PERSON and not named_before:
            pointing = True
            who, rivals = _person(turns, text)
            if rivals:
                return out, False, True, f"Do you mean {' or '.join(rivals)}? Please ask again with the name."
            if who is not None:
                possessive = bare in {"his", "hers"} or (bare == "her" and nxt and nxt not in _NP_STOP)
                out[i] = (_possessive(who) if possessive else who) + tail
                changed = True
        elif bare in _THING and not named_before:
            pointing = True
            what = (_measure(turns) if _CHANGE_ASKED.search(" ".join(words)) else None) or _thing(turns)
            after_aux = i > 0 and _bare(out[i - 1]) in _AUX - _COPULA  # "will it spend", not "was it"
            doer = bare == "it" and (_AGENT_VERB.fullmatch(nxt or "") or after_aux)
            if bare in _POSSESSIVE or (doer and not _CHANGE_ASKED.search(" ".join(words))):
                what = _company(turns) or what  # "its customers", "the planes it ordered": the company's
            if what is not None:
                out[i] = (_possessive(what) if bare in _POSSESSIVE else what) + tail
                changed = True
        elif bare in {"that", "this", "these", "those"} and _pointing(out, i):
            pointing = True
            head = _demonstrated(out, i)
            what = (_measure(turns) if head is None and _CHANGE_ASKED.search(" ".join(words)) else None
                    ) or _thing(turns)
            if head is None and what is not None:  # "How much is that?": the thing itself
                out[i] = what + tail
                changed = True
            elif head is not None:
                replacement = _as_head(out[i + 1: i + 1 + head], turns, what)
                if replacement is not None:
                    out[i: i + 1 + head] = [replacement + out[i + head][len(out[i + head].rstrip(',;:')):]]
                    changed = True
        elif bare == "the" and nxt in _COMPANY_NOUNS | _PERSON_NOUNS and i + 2 <= len(out):
            ante = _company(turns) if nxt in _COMPANY_NOUNS else _person(turns)[0]
            if ante:
                out[i: i + 2] = [(ante if not out[i + 1].lower().endswith("'s") else _possessive(ante))
                                 + out[i + 1][len(out[i + 1].rstrip(',;:')):]]
                changed = pointing = True
        i += 1
    return out, changed, pointing, None


def _pointing(words: Sequence[str], i: int) -> bool:
    """Whether "that"/"this" at `i` points back ("is that", "does that unit"), not "said
    that the ..." or "the unit that grew"."""
    if i == len(words) - 1:
        return True
    after = _bare(words[i + 1])
    if after in _DETS | _PERSON | _THING:
        return False
    return i == 0 or _bare(words[i - 1]) in _AUX | _PREPS | _WH


# A verb of which "it" is the doer ("the planes it ordered", "Will it put up fares?"): a company.
_AGENT_VERB = re.compile(r"(?i)[a-z]+ed|said|says|plans?|wants?|expects?|bought|sold|paid|made|put|cut|will|would|could"
                         r"|has|had|owns?")
# Verbs that end a question with no object: "How long will that last?"
_INTRANSITIVE = _words("last happen work end start matter continue go come run help")


def _demonstrated(words: Sequence[str], i: int) -> int | None:
    """How many words after "that" at `i` form its noun ("that unit", "this business unit"),
    None when it stands alone ("that per year", "is that?")."""
    n = 0
    for j in range(i + 1, len(words)):
        w = _bare(words[j])
        last = j == len(words) - 1
        if w in _NP_STOP or w in _PREPS or (last and (n or _CHANGE_ASKED.fullmatch(w) or w in _INTRANSITIVE)
                                            and _ends_with_verb(words, i)):
            break
        n += 1
        if words[j].endswith(","):
            break
    return n or None


def _ends_with_verb(words: Sequence[str], i: int) -> bool:
    """In "does that unit contribute" the last word is the verb: an auxiliary comes before (or
    a form of "be" before an -ing form: "How fast is that growing?")."""
    last = _bare(words[-1]) if words else ""
    return any(_bare(w) in _AUX - _COPULA for w in words[:i]) or (
        last.endswith("ing") and any(_bare(w) in _COPULA for w in words[:i]))


def _as_head(head_words: Sequence[str], turns: Sequence[Turn], what: str | None) -> str | None:
    """What "that unit" stands for: the subject if it has that head ("that revenue"), the
    company or person the turns name for "the company"/"that man", else the subject's
    modifiers with the new head ("Alibaba's cloud revenue" -> "Alibaba's cloud unit")."""
    head = _bare(head_words[-1])
    if head in _COMPANY_NOUNS and (company := _company(turns)):
        return company
    if head in _PERSON_NOUNS and (who := _person(turns)[0]):
        return who
    if what is None:
        return None
    subject = what.split()
    if _stem(subject[-1]) == _stem(head):
        return what
    mods = [w for w in subject[:-1] if _bare(w) not in _DETS]
    if not mods:
        return f"{_possessive(what)} {' '.join(head_words)}" if what[:1].isupper() else None
    return " ".join([*mods, *head_words])


# --- ellipsis ----------------------------------------------------------------------------

def _with_modifier(question: str, modifier: str) -> str:
    """`question` with `modifier` at its end, in place of one of the same kind."""
    body, end = _split_end(question)
    modifier = modifier.strip(" ,?")
    for kind in _KINDS:
        if kind.fullmatch(" " + modifier):
            body = kind.sub("", body).rstrip(" ,")
    return f"{body} {modifier}{end}"


def _fragment(fragment: str, prev: Turn, swap: bool = False) -> str:
    """The previous question with `fragment` in its place (see the module docstring);
    `swap`: "What about X?" puts X in place of the previous question's name even when X is
    not capitalised."""
    body, end = _split_end(prev.resolved)
    if _MODIFIER.match(fragment):
        happened = _HAPPENED.match(body)
        if happened:  # "What happened to X?" + "a year earlier" -> "What was X a year earlier?"
            return f"What was {happened.group('np')} {fragment}{end}"
        return _with_modifier(prev.resolved, fragment)
    words = fragment.split()
    fnames = names(fragment) if len(names(fragment)) == 1 else []
    only_name = bool(fnames) and re.sub(r"['’]s$", "", fragment) == fnames[0]
    if swap and not fnames and len(words) <= 3 and _bare(words[0]) not in _DETS:
        fnames, only_name = [re.sub(r"['’]s$", "", fragment)], True
    if only_name:
        slots = names(body)
        if _personish(fnames[0]):
            slots = [n for n in slots if _personish(n)] or slots
        for slot in slots:
            m = re.search(rf"\b{re.escape(slot)}(['’]s)?", body)
            if m:
                return body[: m.start()] + fnames[0] + (m.group(1) or "") + body[m.end():] + end
    head = _stem(_bare(words[-1]))
    pwords = body.split()
    for j, w in enumerate(pwords):
        if _stem(_bare(w)) == head and _bare(w) not in _NP_STOP:
            k = j
            while k > 0 and _bare(pwords[k - 1]) not in _NP_STOP - {"the", "its", "their"}:
                k -= 1
            if k == 0 and _bare(pwords[0]) in _WH:
                k = 1
            return " ".join([*pwords[:k], fragment, *pwords[j + 1:]]) + end
    low = [_bare(w) for w in pwords]
    wh = " ".join(pwords[:2]) if low and low[0] == "how" and len(low) > 1 else (pwords[0] if pwords else "What")
    aux = next((w for w in low if w in _AUX), "is")
    be = "was" if aux in _PAST else "is"
    if low and low[0] not in _WH:
        wh = "What"
    return f"{wh} {be} {fragment}{end}"


def _wh_over(wh: str, previous: str) -> str | None:
    """"Why?" after "Did X quantify the loss?": "Why did X quantify the loss?"."""
    body, end = _split_end(previous)
    words = body.split()
    low = [_bare(w) for w in words]
    wh = wh[0].upper() + wh[1:].lower()
    happened = _HAPPENED.match(body)
    if happened:
        return f"{wh} did that happen to {happened.group('np')}{end}"
    if low and low[0] in _AUX:
        return f"{wh} {words[0].lower()} {' '.join(words[1:])}{end}"
    aux = next((i for i in range(1, min(len(low), 7)) if low[i] in _AUX), None)
    if low and low[0] in _WH and aux is not None:
        # "How many jobs will X cut?" -> "Why will X cut jobs?": the thing counted or
        # measured goes back after the verb, as its object.
        counted = words[2:aux] if low[:2] in (["how", "many"], ["how", "much"]) else (
            words[1:aux] if low[0] == "what" and _WHAT_MEASURE.match(body) else [])
        tail = f" {' '.join(counted)}" if counted and all(_bare(w) not in _PREPS for w in counted) else ""
        return f"{wh} {' '.join(words[aux:])}{tail}{end}"
    return None


def _complete(resolved: str, prev: Turn) -> str:
    """A bare "before" says before the change the previous answer led with."""
    body, end = _split_end(resolved)
    if not re.search(r"(?i)\bbefore$", body):
        return resolved
    lead = prev.lead
    subject = topic(prev.resolved) or ""
    head = subject.split()[-1].lower() if subject else ""
    at = lead.lower().find(head) if head else -1
    verb = _CHANGE_VERB.search(lead, at if at >= 0 else 0) or _CHANGE_VERB.search(lead)
    return f"{body} {'it ' + verb.group().lower() if verb else 'the change'}{end}"


def lead_sentence(text: str, question: str) -> str:
    """The sentence of `text` that holds most of the question's words (the answer's lead
    when the quote does not mark one)."""
    spans = rough_sentence_spans(text) or [(0, len(text))]
    wanted = set(coverage_terms(question))
    best = max(spans, key=lambda s: len(wanted & set(terms(text[s[0]:s[1]]))))
    return text[best[0]:best[1]].strip()
