"""Counting plays in a match report: "How many field goals did Bironas kick in the second quarter?"

A report names each scoring play ("kicked a 43-yard field goal", "a 2-yard touchdown
pass to Gonzalez", "two field goals in the second quarter (a 37-yarder and a 51-yarder)").
The count is the number of plays of the kind asked that the question's filters keep:
who made them (a name in the words before the play, or "by"/"to"/"from" it after), the
quarter or half (the last "in the third quarter" said before the play), the length.

A count is only as good as the reading of every play, so there is no figure when any
play of the kind could be misread: a play whose maker is only "he", a quarter never
said, a count word beside plays listed one by one ("two TDs, first a 5-yard TD pass"),
an ordinal ("his second touchdown") that may repeat a play, or a length asked of a play
whose length is not stated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index.quantities.quantity import Quantity
from index.text.sentences import sentence_spans
from qa.retrieval.lexical import terms

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a pair of": 2}
_QUARTERS = {"first": 1, "1st": 1, "opening": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": 4}
_KIND = r"(?P<kind>field\s+goals?|touchdowns?|tds?|fgs?)"
_ASK = re.compile(
    rf"(?i)^how\s+many\s+(?P<len>\d+[\s-]+yards?\s+)?(?P<sub>(?:rushing|passing|receiving|touchdown)\s+)?{_KIND}"
    r"(?P<sub2>\s+(?:passes|runs|receptions))?(?P<rest>.*)$")
_LENGTH = re.compile(
    r"(?i)\b(?:(?P<cmp1>over|longer\s+than|more\s+than|greater\s+than|at\s+least|under|shorter\s+than|less\s+than|"
    r"of\s+at\s+least|of\s+under|of\s+over)\s+(?P<n1>\d+)(?:[\s-]+yards?)?|(?:of\s+)?(?P<n2>\d+)[\s-]+yards?\s+or\s+"
    r"(?P<cmp2>more|longer|over|less|shorter|under|fewer))\b")
_EXACT = re.compile(r"(?i)\b(?:of\s+|measuring\s+)?(?P<n>\d+)[\s-]+yards?\b")
_PERIOD = re.compile(r"(?i)\b(?:in\s+)?the\s+(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final|opening)\s+"
                     r"(?P<unit>quarter|half)\b|\b(?P<ot>overtime)\b")
_MAKER = re.compile(r"^\s*(?:[Dd]id|[Dd]oes|[Dd]o|[Ww]as|[Ww]ere|[Hh]as|[Hh]ad)\s+(?:[Tt]he\s+)?"
                    r"(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)(?:'s?)?\s+(?P<verb>[a-z]+)")
_WHOLE_GAME = re.compile(r"(?i)\b(?:in\s+(?:the|this)\s+game|all\s+game|in\s+total|total|altogether|"
                         r"during\s+the\s+game|in\s+the\s+match|by\s+both\s+teams|were\s+there|overall)\b")
_OTHER_FILTERS = re.compile(r"(?i)\b(?:than|combined|and\b|or\b(?!\s+(?:more|longer|over|less|shorter|under))|each|"
                            r"after|before|between|per|average|longest|shortest|first\s+(?!quarter|half)|last|missed|"
                            r"attempt|blocked|return|interception|fumble|defensive|special|by\s+(?:a|the)\s+)")

# Plays as reports write them (short forms expanded first).
_TD = r"(?:touchdown|TD)"
_FG = r"(?:field\s+goal|FG)"
_YARD_PLAY = re.compile(
    rf"(?i)\b(?P<yards>\d+)[\s-]+yards?\s+(?P<sub>(?:{_TD}|{_FG})\s+)?(?P<what>{_TD}|{_FG}|"
    r"pass|run|reception|catch|return|scamper|strike|dash|connection)s?\b")
_YARDER = re.compile(r"(?i)\b(?P<yards>\d+)[\s-]+yarders?\b")
_LISTED = re.compile(rf"(?i)\b(?P<what>{_FG}s|{_TD}s)\s+of\s+(?P<list>\d+(?:\s*,\s*\d+)*(?:\s*,?\s*and\s+\d+))"
                     r"\s+yards\b")
_COUNTED = re.compile(r"\b(?P<n>(?i:a\s+pair\s+of|two|three|four|five|six))\s+(?i:more\s+|straight\s+|consecutive\s+)?"
                      rf"(?:(?:[A-Z][\w.'’-]*\s+){{1,3}})?(?P<what>(?i:{_FG}s|{_TD}s|{_TD}\s+(?:passes|runs|receptions)))\b")
# "a 46-yard and a 19-yard field goal", "a 48, a 38, and a 25-yard field goal": lengths before the one noun
_LENGTHS_BEFORE = re.compile(r"(?i)(?:\b\d+(?:[\s-]+yards?)?(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:an?\s+)?)+$")
_BARE = re.compile(rf"(?i)\b(?P<what>{_FG}|{_TD})s?\b")
_NOT_MADE = re.compile(r"(?i)\b(?:miss(?:ed|es)?|attempts?|tr(?:y|ied|ies)|blocked|no\s+good|wide\s+(?:left|right)|"
                       r"went\s+wide|nullified|called\s+back|overturned|would\s+have|failed|(?:came|fell|was)\s+short|"
                       r"negated|shanked|doinked|clanked)\b")
_ORDINAL = re.compile(r"(?i)\b(?:first|second|third|fourth|fifth|another|only|lone|second-straight)\s+(?:\w+\s+)?"
                      rf"(?P<what>{_TD}|{_FG})s?\s+of\s+the\s+(?:game|day|night|half|quarter|season)"
                      rf"|\bcareer\s+(?P<what2>{_TD}|{_FG})s?\b")
_IMPLIED_SCORE = re.compile(r"(?i)\b(?:scored|scores|scoring)\s+(?:from|on\s+a|on\s+an)\b|\b(?:ran|run|punched|plunged|"
                            r"dove|went)\s+(?:it\s+)?in\b|\bfound\s+the\s+end\s*zone\b|\b\d+[\s-]+yards?\s+out\b")
_PRONOUN = re.compile(r"(?i)\b(?:he|she|his|her|they|their|it)\b")
_CLAUSE_CUT = re.compile(r"[,;:.!?()]|\b(?:and|while|before|after|but|then)\b")


@dataclass(frozen=True)
class Play:
    """One scoring play the report states."""

    kind: str  # "field goal" or "touchdown"
    sub: str  # "pass", "run", "return" or ""
    yards: float | None
    start: int
    end: int
    quarter: int | None
    maker: str  # the words that say who: the clause before the play and "by/to/from X" after


@dataclass(frozen=True)
class CountAsk:
    """What a "how many field goals / touchdowns" question counts."""

    kind: str
    sub: str
    who: str
    quarters: tuple[int, ...]
    more_than: float | None
    less_than: float | None
    exact: float | None


def parse_count(question: str) -> CountAsk | None:
    q = re.sub(r"\s+", " ", question or "").strip().rstrip("?.! ")
    m = _ASK.match(q)
    if m is None:
        return None
    kind = "field goal" if re.match(r"(?i)f", m.group("kind")) else "touchdown"
    sub_words = (m.group("sub") or "") + (m.group("sub2") or "")
    sub = "pass" if re.search(r"(?i)passing|passes|receiving|receptions", sub_words) else (
        "run" if re.search(r"(?i)rushing|runs", sub_words) else "")
    rest = m.group("rest")
    more = less = exact = None
    lm = _LENGTH.search(rest)
    if lm:
        n = float(lm.group("n1") or lm.group("n2"))
        cmp = (lm.group("cmp1") or lm.group("cmp2") or "").lower()
        inclusive = "least" in cmp or "or" in lm.group(0).lower()
        if re.search(r"over|longer|more|greater|least", cmp):
            more = n - 0.5 if inclusive else n
        else:
            less = n + 0.5 if inclusive else n
        rest = rest[:lm.start()] + " " + rest[lm.end():]
    elif m.group("len"):
        exact = float(re.match(r"\d+", m.group("len")).group(0))  # "How many 1-yard touchdown runs"
    else:
        em = _EXACT.search(rest)
        if em:
            exact = float(em.group("n"))
            rest = rest.replace(em.group(0), " ") if em.group(0) in rest else rest
    quarters: tuple[int, ...] = ()
    pm = _PERIOD.search(rest)
    if pm:
        if pm.group("ot"):
            quarters = (5,)
        else:
            k = _QUARTERS[pm.group("q").lower()]
            if pm.group("unit").lower() == "half":
                if k not in (1, 2):
                    return None
                quarters = (1, 2) if k == 1 else (3, 4)
            else:
                quarters = (k,)
        rest = rest[:pm.start()] + " " + rest[pm.end():]
    who = ""
    wm = _MAKER.match(rest)
    if wm:
        who = wm.group("who")
        rest = rest[wm.end():]
    elif re.match(r"(?i)^\s*did\s+", rest):
        return None  # "did the defense score": a maker we cannot read
    if _OTHER_FILTERS.search(_WHOLE_GAME.sub(" ", rest)):
        return None
    return CountAsk(kind, sub, who, quarters, more, less, exact)


def plays_in(text: str) -> list[Play] | None:
    """Every scoring play the text states, in order, or None when one cannot be read surely."""
    quarter_marks = [(m.start(), m) for m in _PERIOD.finditer(text)]
    spans = _sentences(text)
    plays: list[Play] = []
    for ss, se in spans:
        sentence = text[ss:se]
        taken: list[tuple[int, int]] = []
        om = _ORDINAL.search(sentence)
        if om and om.group("what2"):
            return None  # "career touchdowns": a tally, not a play
        if om:
            # "their first touchdown of the day, on a 21-yard strike": the ordinal names the play after it
            after = [m for m in _YARD_PLAY.finditer(sentence) if m.start() >= om.end()]
            if len(after) != 1 or _kind(after[0].group("what")) not in ("", _kind(om.group("what"))) or len(
                    _ORDINAL.findall(sentence)) > 1 or _COUNTED.search(sentence):
                return None
            y = after[0]
            plays.append(Play(_kind(om.group("what")), "pass" if re.search(r"(?i)pass|strike|catch|reception",
                                                                          y.group("what")) else "",
                              float(y.group("yards")), ss + y.start(), ss + y.end(),
                              _quarter_at(quarter_marks, ss + y.start(), ss, se),
                              _maker(sentence, om.start(), om.end()) + " " + _maker(sentence, y.start(), y.end())))
            continue
        counted = list(_COUNTED.finditer(sentence))
        for cm in counted:
            n = _WORDS[re.sub(r"\s+", " ", cm.group("n").lower())]
            after = sentence[cm.end():]
            paren = re.match(r"\s*(?:in\s+the\s+\w+(?:\s+quarter)?\s*)?(?:\(([^)]*)\)|(?:&#8212;|—|–|--)(.*?)"
                             r"(?:&#8212;|—|–|--|$))", after)
            if paren:  # "two field goals (a 37-yarder and a 51-yarder)": the same plays, lengths given
                taken.append((cm.end(), cm.end() + paren.end()))
            kind = _kind(cm.group("what"))
            sub = "pass" if re.search(r"(?i)passes|receptions", cm.group("what")) else (
                "run" if re.search(r"(?i)runs", cm.group("what")) else "")
            listed = (paren.group(1) or paren.group(2) or "") if paren else ""
            lengths = [float(y) for y in re.findall(r"(\d+)(?=(?:[\s-]+yard|\s+and\s+\d+[\s-]+yard|\s*,))", listed)]
            if lengths and len(lengths) != n:
                return None
            for k in range(n):
                plays.append(Play(kind, sub, lengths[k] if lengths else None, ss + cm.start(), ss + cm.end(),
                                  _quarter_at(quarter_marks, ss + cm.start(), ss, se),
                                  _maker(sentence, cm.start(), cm.end())))
            taken.append((cm.start(), cm.end()))
        for lm in _LISTED.finditer(sentence):
            kind = _kind(lm.group("what"))
            for y in re.findall(r"\d+", lm.group("list")):
                plays.append(Play(kind, "", float(y), ss + lm.start(), ss + lm.end(),
                                  _quarter_at(quarter_marks, ss + lm.start(), ss, se),
                                  _maker(sentence, lm.start(), lm.end())))
            taken.append((lm.start(), lm.end()))
        found = _single_plays(sentence, taken)
        if found is None:
            return None
        if counted and found:
            return None  # "scoring two TDs, first a 5-yard TD pass ...": one play told twice
        previous = ""
        for kind, sub, yards, a, b in sorted(found, key=lambda t: t[3]):
            maker = _maker(sentence, a, b)
            if previous and not re.search(r"[A-Z]", _CLAUSE_CUT.split(sentence[max(0, a - 160):a])[-1]):
                maker = f"{previous} {maker}"  # "... Edwards completed a 3-yard TD pass to Gaines and a 4-yard ..."
            else:
                previous = maker
            plays.append(Play(kind, sub, yards, ss + a, ss + b, _quarter_at(quarter_marks, ss + a, ss, se), maker))
    plays.sort(key=lambda p: p.start)
    return plays


def _single_plays(sentence: str, taken: list[tuple[int, int]]) -> list[tuple[str, str, float | None, int, int]] | None:
    """(kind, sub, yards, start, end) of each play said one by one in a sentence."""
    out: list[tuple[str, str, float | None, int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(s <= a < e or s < b <= e for s, e in taken)

    for m in _YARD_PLAY.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        what = m.group("what").lower()
        sub_word = (m.group("sub") or "").lower()
        tail = sentence[m.end():m.end() + 40]
        kind = _kind(what) or _kind(sub_word) or (
            "touchdown" if re.match(rf"(?i)\s*(?:for\s+(?:a|the)\s+(?:{_TD}|score)|to\s+the\s+end\s+zone)", tail)
            else "")
        if not kind:
            if re.search(rf"(?i)\b(?:{_TD}|{_FG})\b", sentence):
                return None  # "a 56-yard pass" beside a touchdown said elsewhere: which is it?
            out.append(("unknown", "", float(m.group("yards")), m.start(), m.end()))  # "a 1-yard run by Bush"
            continue
        if _missed(sentence, m.start(), m.end()):
            taken.append((m.start(), m.end()))
            continue
        if re.search(r"(?i)pass|reception|catch|strike|connection", what) or re.search(
                r"(?i)pass|reception|catch", tail[:12]):
            sub = "pass"
        elif re.search(r"(?i)run|scamper|dash", what) or re.search(r"(?i)^\s*run", tail):
            sub = "run"
        else:
            sub = "return" if "return" in what else ""
        out.append((kind, sub, float(m.group("yards")), m.start(), m.end()))
        taken.append((m.start(), m.end()))
        chain = _LENGTHS_BEFORE.search(sentence, max(0, m.start() - 60), m.start())
        if chain:
            for n in re.finditer(r"\d+", chain.group(0)):
                out.append((kind, sub, float(n.group(0)), chain.start() + n.start(), chain.start() + n.end()))
            taken.append((chain.start(), chain.end()))
        follow = re.match(rf"(?i)(?:\s+(?:for\s+(?:a|the)\s+)?(?:{_TD}|{_FG})s?)?", sentence[m.end():])
        end = m.end() + (len(follow.group(0)) if follow else 0)
        taken.append((m.end(), end))
    for m in _YARDER.finditer(sentence):
        if free(m.start(), m.end()):
            return None  # "a 56-yarder" outside a listed count: of which kind?
    for m in _BARE.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        if _missed(sentence, m.start(), m.end()):
            continue
        before = sentence[max(0, m.start() - 40):m.start()]
        if re.search(r"(?i)\b(?:the|his|her|their|its|that|this|no)\s+(?:\w+\s+)?$", before):
            continue  # "the touchdown", "their field goal unit": not a new play
        if m.group(0).lower().endswith("s"):
            return None  # "field goals" with no count: how many?
        out.append((_kind(m.group("what")), "", None, m.start(), m.end()))
    return out


def _missed(sentence: str, start: int, end: int) -> bool:
    """ "missed a 31-yard field goal", "a 59-yard field goal attempt": in the play's own clause."""
    before = " ".join(_CLAUSE_CUT.split(sentence[max(0, start - 40):start])[-1].split()[-3:])
    after = " ".join(_CLAUSE_CUT.split(sentence[end:end + 24])[0].split()[:2])
    return _NOT_MADE.search(f"{before} {sentence[start:end]} {after}") is not None


def _kind(word: str) -> str:
    """ "field goal" for "field goals" or "FG", "touchdown" for "TDs", else ""."""
    w = word.lower()
    if w.startswith(("field", "fg")):
        return "field goal"
    if w.startswith(("touchdown", "td")):
        return "touchdown"
    return ""


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans += [(pos + a, pos + b) for a, b in sentence_spans(line)]
        pos += len(line) + 1
    return spans


def _quarter_at(marks: list[tuple[int, re.Match[str]]], at: int, ss: int = -1, se: int = -1) -> int | None:
    """The quarter the last period words before `at` name ("the second half" starts the third); in
    a sentence that names no period before the play, the one it names after it ("kicked a 51-yard
    field goal for a 3-0 lead in the first quarter")."""
    before = [m for pos, m in marks if pos <= at]
    in_sentence_before = [m for pos, m in marks if ss <= pos <= at]
    in_sentence_after = [m for pos, m in marks if at < pos < se]
    if ss >= 0 and not in_sentence_before and in_sentence_after:
        before = in_sentence_after[:1]
    if not before:
        return None
    m = before[-1]
    if m.group("ot"):
        return 5
    k = _QUARTERS[m.group("q").lower()]
    if m.group("unit").lower() == "half":
        return 3 if k == 2 else None  # "in the first half" alone does not say which quarter
    return k


def _maker(sentence: str, start: int, end: int) -> str:
    """The words that say who made a play: the clause before it and "by/to/from X" after it."""
    head = _CLAUSE_CUT.split(sentence[max(0, start - 160):start])[-1]
    tail = re.match(r"(?i)[^,;.()]*?\b(?:by|to|from|of)\s+((?:[A-Z][\w.'’-]*\s*){1,3})", sentence[end:end + 60])
    return f"{head} {tail.group(1) if tail else ''}"


def count_plays(ask: CountAsk, texts: Mapping[str, str]) -> tuple[str, str, list[Play]] | None:
    """The article and the plays the question counts, or None when the count is unsure."""
    if len(texts) != 1:
        return None
    aid, text = next(iter(texts.items()))
    plays = plays_in(text)
    if plays is None:
        return None
    same = [p for p in plays if p.kind == ask.kind]
    if not same:
        return None
    if ask.kind == "touchdown" and (any(p.kind == "unknown" for p in plays) or _IMPLIED_SCORE.search(text)):
        return None  # "a 1-yard run by Reggie Bush", "scored from one yard out": touchdowns not called so
    if ask.quarters and any(p.quarter is None for p in same):
        return None
    if (ask.more_than is not None or ask.less_than is not None or ask.exact is not None) and any(
            p.yards is None for p in same):
        return None
    if ask.sub and any(p.sub == "" for p in same):
        return None
    who = set(terms(ask.who.split()[-1])) if ask.who else set()
    if who and any(not set(terms(p.maker)) & who and _PRONOUN.search(p.maker) for p in same):
        return None  # "then he kicked a field goal": whose, we cannot tell
    kept = []
    for p in same:
        if ask.quarters and p.quarter not in ask.quarters:
            continue
        if ask.sub and p.sub != ask.sub:
            continue
        if ask.more_than is not None and not (p.yards or 0) > ask.more_than:
            continue
        if ask.less_than is not None and not (p.yards or 0) < ask.less_than:
            continue
        if ask.exact is not None and p.yards != ask.exact:
            continue
        if who and not who <= set(terms(p.maker)):
            continue
        kept.append(p)
    if who and not kept:
        return None  # the name may be written another way ("the Falcons" for "Atlanta")
    return aid, text, kept


def play_quantities(aid: str, text: str, plays: Sequence[Play]) -> list[tuple[str, Quantity]]:
    """Each counted play as a number-less `Quantity` over its words, so it can be quoted."""
    spans = _sentences(text)
    out = []
    for p in plays:
        ss, se = next(((a, b) for a, b in spans if a <= p.start < b), (p.start, p.end))
        out.append((aid, Quantity(value=1.0, unit=p.kind, text=text[p.start:p.end], start=p.start, end=p.end,
                                  sentence=text[ss:se], sentence_start=ss, sentence_end=se,
                                  clause=text[ss:se], clause_start=ss, clause_end=se, role="period")))
    return out


# --- yards over plays: totals, averages, the n-th play, two plays compared ----------------

_THING = (r"(?P<sub>rushing\s+|passing\s+|receiving\s+|scoring\s+)?(?P<kind>field\s+goals?|touchdowns?|TDs?|FGs?|"
          r"scoring\s+plays?)(?P<sub2>\s+(?:passes|pass|runs|run|receptions|reception))?")
_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "final": -1}
_YARDS_TOTAL = re.compile(
    rf"(?i)^how\s+many\s+(?:total\s+)?yards\s+(?:of|in|on)\s+(?:the\s+)?{_THING}\s*(?P<rest>.*)$"
    rf"|^how\s+many\s+total\s+(?:{_THING.replace('?P<', '?P<t_')})\s+yards\s*(?P<t_rest>.*)$")
_YARDS_NTH = re.compile(
    rf"(?i)^how\s+many\s+yards\s+(?:long\s+)?(?:was|were|is)\s+(?:the\s+)?(?:(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)"
    rf"['’]s?\s+)?(?P<nth>first|second|third|fourth|fifth|last|final)\s+{_THING}\s*(?P<rest>.*)$")
_YARDS_AVERAGE = re.compile(
    rf"(?i)^how\s+many\s+yards\s+(?:long\s+)?(?:was|were)\s+the\s+average\s+(?:length\s+)?(?:of\s+)?(?:the\s+)?"
    rf"(?:(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)['’]s?\s+)?{_THING}\s*(?P<rest>.*)$")
_YARDS_KICKED = re.compile(r"(?i)^how\s+many\s+(?:total\s+)?yards\s+(?:did|does)\s+(?P<who>[A-Z][\w.'’-]*"
                           r"(?:\s+[A-Z][\w.'’-]*)*)\s+(?:kick|boot|nail|make)\s*(?P<rest>.*)$")
_YARDS_SCORED_ON = re.compile(rf"(?i)^how\s+many\s+(?:total\s+)?yards\s+were\s+(?:scored|made|kicked|gained)\s+"
                              rf"(?:on|in|from|by)\s+(?:the\s+)?{_THING}\s*(?P<rest>.*)$")
_YARDS_BY = re.compile(r"(?i)^(?:did|does|were|was)\s+(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)\s+"
                       r"(?:kick|make|score|have|throw|run|get|catch|rush|nail|boot|hit|add)\w*\b(?P<rest>.*)$")


@dataclass(frozen=True)
class YardAsk:
    """A question over the lengths of plays: their total, mean, or the n-th one."""

    op: str  # "sum", "mean", "nth"
    kind: str
    sub: str
    who: str
    quarters: tuple[int, ...]
    nth: int = 0


def parse_yards(question: str) -> YardAsk | None:
    q = re.sub(r"\s+", " ", question or "").strip().rstrip("?.! ")
    km = _YARDS_KICKED.match(q)
    if km:  # "How many yards did Gostkowski kick?": his field goals, together
        q = f"How many yards of field goals did {km.group('who')} kick {km.group('rest')}".strip()
    for pattern, op in ((_YARDS_TOTAL, "sum"), (_YARDS_SCORED_ON, "sum"), (_YARDS_NTH, "nth"),
                        (_YARDS_AVERAGE, "mean")):
        m = pattern.match(q)
        if not m:
            continue
        g = {k.removeprefix("t_"): v for k, v in m.groupdict().items() if v is not None}
        kind = _kind(g.get("kind", ""))
        if not kind:
            return None  # "scoring plays": of every kind, with safeties and the rest
        subs = (g.get("sub") or "") + (g.get("sub2") or "")
        sub = "pass" if re.search(r"(?i)pass|receiv|recept", subs) else ("run" if re.search(r"(?i)rush|run", subs)
                                                                          else "")
        rest = g.get("rest", "")
        who = g.get("who", "")
        bm = _YARDS_BY.match(rest.strip())
        if bm:
            who, rest = who or bm.group("who"), bm.group("rest")
        quarters: tuple[int, ...] = ()
        pm = _PERIOD.search(rest)
        if pm:
            if pm.group("ot"):
                quarters = (5,)
            else:
                k = _QUARTERS[pm.group("q").lower()]
                if pm.group("unit").lower() == "half":
                    if k not in (1, 2):
                        return None
                    quarters = (1, 2) if k == 1 else (3, 4)
                else:
                    quarters = (k,)
            rest = rest[:pm.start()] + rest[pm.end():]
        if re.search(r"[A-Za-z]", re.sub(r"(?i)\b(?:were|was|made|scored|kicked|thrown|run|there|in|the|game|of|"
                                         r"this|all|total|combined|altogether|did|have|had|he|int|during)\b", "",
                                         rest)):
            return None  # a filter we do not read ("completed passes", "after the break")
        nth = 0
        if op == "nth":
            nth = _NTH[m.group("nth").lower()]
        return YardAsk(op, kind, sub, who, quarters, nth)
    return None


def yard_plays(ask: YardAsk, texts: Mapping[str, str]) -> tuple[str, str, list[Play]] | None:
    """The plays whose lengths the question combines, or None when any could be misread."""
    count = CountAsk(ask.kind, ask.sub, ask.who, ask.quarters, None, None, None)
    if len(texts) != 1:
        return None
    _aid, text = next(iter(texts.items()))
    plays = plays_in(text)
    if plays is None:
        return None
    if any(p.kind == ask.kind and p.yards is None for p in plays):
        return None  # "kicked two field goals": how long each was is not said
    if ask.kind == "touchdown" and any(p.kind == "unknown" for p in plays):
        return None
    found = count_plays(count, texts)
    if found is None or not found[2]:
        return None
    return found


# --- two plays compared: "How many yards longer was Cutler's longest touchdown pass than Favre's?" ---

_SEL = r"(?P<sel{n}>second\s+longest|second\s+shortest|longest|shortest|first|second|third|fourth|last|final)"
_WHO_POSS = r"(?:(?P<who{n}>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)['’]s?\s+|(?:the|his|her|their)\s+)?"
_COMPARE = re.compile(
    rf"(?i)^how\s+many\s+(?P<cmp0>more\s+|fewer\s+)?yards\s+(?P<cmp>longer|shorter|more|less|difference)?\s*"
    rf"(?:was|were|is)\s+"
    rf"(?:the\s+)?{_WHO_POSS.format(n=1)}{_SEL.format(n=1)}\s+{_THING}\s+(?:than|compared\s+(?:to|with)|over|"
    rf"relative\s+to|versus)\s+(?:the\s+)?{_WHO_POSS.format(n=2)}{_SEL.format(n=2)}"
    rf"(?:\s+(?:one|{_THING.replace('?P<', '?P<b_')}))?(?P<rest>.*)$")


@dataclass(frozen=True)
class PairAsk:
    """Two plays of one kind, each picked by maker and rank, and whether the first is the longer."""

    kind: str
    sub: str
    first: tuple[str, str]  # (who, selector)
    second: tuple[str, str]
    longer: int  # +1: the first is said to be longer, -1 shorter, 0 "difference"


def parse_pair(question: str) -> PairAsk | None:
    q = re.sub(r"\s+", " ", question or "").strip().rstrip("?.! ")
    m = _COMPARE.match(q)
    if m is None or re.search(r"[A-Za-z]", re.sub(r"(?i)\b(?:in|of|the|game|first|second|half)\b", "",
                                                   m.group("rest") or "")):
        return None
    kind = _kind(m.group("kind"))
    if not kind:
        return None
    subs = (m.group("sub") or "") + (m.group("sub2") or "")
    sub = "pass" if re.search(r"(?i)pass|receiv|recept", subs) else ("run" if re.search(r"(?i)rush|run", subs) else "")
    who1 = m.group("who1") or ""
    who2 = m.group("who2") or who1  # "than his shortest": the same maker
    cmp = (m.group("cmp") or m.group("cmp0") or "").strip().lower()
    if not cmp:
        return None
    longer = 1 if cmp in ("longer", "more") else (-1 if cmp in ("shorter", "less") else 0)
    return PairAsk(kind, sub, (who1, _sel(m.group("sel1"))), (who2, _sel(m.group("sel2"))), longer)


def _sel(word: str) -> str:
    return re.sub(r"\s+", " ", word.lower()).replace("final", "last")


def pair_plays(ask: PairAsk, texts: Mapping[str, str]) -> tuple[str, str, Play, Play] | None:
    """The two plays the question compares, or None when either is unsure."""
    picked = []
    for who, sel in (ask.first, ask.second):
        found = yard_plays(YardAsk("nth", ask.kind, ask.sub, who, ()), texts)
        if found is None or not found[2]:
            return None
        aid, text, plays = found
        ranked = sorted(plays, key=lambda p: -(p.yards or 0))
        order = {"longest": ranked[0], "shortest": ranked[-1], "second longest": ranked[1] if len(ranked) > 1 else None,
                 "second shortest": ranked[-2] if len(ranked) > 1 else None, "first": plays[0],
                 "second": plays[1] if len(plays) > 1 else None, "third": plays[2] if len(plays) > 2 else None,
                 "fourth": plays[3] if len(plays) > 3 else None, "last": plays[-1]}
        play = order.get(sel)
        if play is None:
            return None
        if sel in ("longest", "shortest", "second longest", "second shortest") and sum(
                p.yards == play.yards for p in plays) > 1 and sel.startswith("second"):
            return None  # "the second longest" of two equal plays
        picked.append(play)
    if picked[0] is picked[1]:
        return None
    return aid, text, picked[0], picked[1]
