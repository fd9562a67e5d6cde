"""A value the article implies but does not state: by a stated change, or by a share.

"What did it earn in 2003?" over "profit rose 22.5% to 41.2bn yen in 2004" (the value
before the change); "What were total revenues?" over "$105 million, which represented
2% of total revenues" (the whole a part and its share imply); "What is the value of the
fixed maturities?" over "$17.7 billion, which consisted of 87.4% fixed maturities" (a
share of a stated whole). A value the article states outright gets no figure: the quote
answers it.
"""

from __future__ import annotations

import re

from qa.figures.calc import Calc
from qa.figures.changes import before_of
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, lenient_best, near_words, noun_family
from qa.figures.operands import Matcher, Operand
from qa.figures.series import in_year
from qa.figures.text import label_text, plain

# "$105 million, which represented 2% of ...", "1,027, or 11% of ...", "$264 million (20% of ...)"
_PART_THEN_SHARE = re.compile(
    r"(?i)(?:[^,.;\d]{0,40}?,\s*(?:which|that)\s+(?:represented|represents|was|were|is|are|accounted\s+for|accounts\s+for|"
    r"made\s+up|makes\s+up|equal(?:ed|s)?|amounted\s+to|comprised?)\s+|,?\s*or\s+|\s*\(\s*|,\s*(?:accounting\s+"
    r"for|representing|equivalent\s+to|equal\s+to|making\s+up)\s+)(?:about\s+|approximately\s+|roughly\s+|"
    r"some\s+|nearly\s+|almost\s+|just\s+)?$"
    # "1.18 million tonnes of copper in 2004, about 8% of world output", "4.8 million hectolitres
    # of beer last year, giving it 24% of the Czech market"
    r"|^(?:[^,.;\d]|(?:19|20)\d\d){0,40}(?:,\s*(?:giving\s+(?:it|them)\s+|(?:which\s+)?gave\s+(?:it|them)\s+)?"
    r"(?:about|around|roughly|some|nearly|almost|just\s+(?:over|under))?\s*|\s+(?:gave|giving)\s+(?:it|them)\s+)$")
_OF_WHOLE = re.compile(r"(?i)\s*of\s+(?:the\s+|our\s+|its\s+|their\s+|his\s+|her\s+)?(?P<label>[^,.;()\d$€£¥]{3,80})")
# "$17.7 billion, which consisted of 87.4% fixed maturities", "28% of the $21 billion backlog"
_WHOLE_THEN_SHARE = re.compile(
    r"(?i)(?:,\s*(?:which|that)\s+(?:consisted|consists|was\s+made\s+up|is\s+made\s+up|comprised|comprises|"
    r"included|includes)\s+(?:of\s+)?|,\s*of\s+which\s+|,\s*including\s+)(?:about\s+|approximately\s+|roughly\s+|"
    r"some\s+|nearly\s+)?$")
_SHARE_OF_AMOUNT = re.compile(r"(?i)^\s*of\s+(?:the\s+|its\s+|our\s+|their\s+)?$")
_MIN_WORDS = 0.5
# "acquired a 20% stake in Eurosport for $264 million": the price of a part of a whole
_STAKE = re.compile(r"(?i)\s*(?:\(\s*[\d.]+\s*%?\s*\)\s*)?(?:[a-z-]+\s+){0,2}(?:stake|interest|holding|"
                    r"share|equity|ownership)\b")
_VALUE_WORDS = re.compile(r"(?i)\b(?:value|valuation|worth|valued)\b")


# How much of the phrase the words beside a number stated for the year asked must say for the
# number to be the answer itself ("copper did the world produce" is not "Cordillera produced").
_STATED_WORDS = 0.75


def derived_value(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    phrase = intent.phrases[0]
    year = intent.years[0] if len(intent.years) == 1 else ""
    pool = amounts(ops, percent=True, measure=intent.measure)
    if year:
        asks_share = re.search(r"(?i)\b(?:percent|percentage|share|proportion|portion|rate)\b", intent.text)
        stated = in_year(phrase, year, [o for o in pool if o.q.role == "level" and (o.q.unit != "%" or asks_share)], m)
        if stated is not None and near_words(phrase, stated, m) >= _STATED_WORDS:
            return None  # stated for that year: the quote answers
        calc = _before_by_year(phrase, year, pool, ops, m)
        if calc is not None:
            return calc
    for derive in (_whole_from_share, _part_from_share, _value_from_stake):
        calc = derive(phrase, year, ops, m, intent.text)
        if calc is not None:
            return calc
    return None


def _article_year(article_id: str, ops: list[Operand]) -> str:
    """The one year an article reports changes for ("612m euros for 2004, down from ..."), or ""."""
    mine = [o for o in ops if o.article_id == article_id and o.q.role == "level"]
    years = {o.q.when for o in mine if o.q.when
             and (o.q.previous is not None or o.q.factor is not None or o.q.delta is not None)}
    for o in mine:  # "€2.47bn, compared with €1.88bn in 2003": a year on year comparison, of 2004
        if not o.q.when and o.q.previous is not None:
            earlier = next((e.q.when for e in mine if e.q.sentence_start == o.q.sentence_start
                            and e.q.value == o.q.previous and e.q.when), "")
            years |= {str(int(earlier) + 1)} if earlier else set()
    return next(iter(years)) if len(years) == 1 else ""


def _before_by_year(phrase: str, year: str, pool: list[Operand], ops: list[Operand], m: Matcher) -> Calc | None:
    """The year before a change stated for the next year ("rose 22.5% to 41.2bn yen in 2004")."""
    nxt = str(int(year) + 1)
    changed = [o for o in pool if (o.q.when == nxt or o.q.since == year) and _states_change(o)]
    if changed:
        op = changed[0] if len({(o.article_id, o.q.sentence_start) for o in changed}) == 1 and len(
            changed) <= 2 else m.best(phrase, changed)
    else:  # "Sales slipped 3.1% to 9.8bn euros" in an article reporting the next year
        reported = {aid: _article_year(aid, ops) for aid in {o.article_id for o in pool}}
        undated = [o for o in pool if not o.q.when and not o.q.since and _states_change(o)
                   and reported[o.article_id] == nxt]
        op = lenient_best(phrase, undated, m, floor=0.45)
    if op is None or m.owned_by_another(phrase, op):
        return None
    if op.q.since and op.q.since != year:
        return None  # the change is measured from another year
    if m.scores(phrase, [op])[0] < (0.3 if m.embed else 0.2):
        return None
    level = op
    if op.q.role == "change":  # "increased $108 million, or 7%, from 2013 to $1.6 billion"
        level = next((o for o in pool if o.article_id == op.article_id and o.q.sentence_start == op.q.sentence_start
                      and o.q.role == "level" and o.q.unit == op.q.unit and o.q.delta is not None), op)
    return before_of(level, ops, phrase, year)


def _states_change(op: Operand) -> bool:
    q = op.q
    if q.role == "level":
        return q.factor is not None or q.delta is not None
    return q.role == "change" and q.unit != "%" and q.change_pct is not None


def _whole_from_share(phrase: str, year: str, ops: list[Operand], m: Matcher, text: str = "") -> Calc | None:
    """ "$105 million, which represented 2% of total revenues": revenues were $105m / 2%."""
    found = []
    for p in ops:
        q = p.q
        if q.unit != "%" or q.role != "level" or not 0 < q.value <= 100:
            continue
        label = _OF_WHOLE.match(q.sentence, q.end - q.sentence_start)
        if label is None or not _names(phrase, label.group("label")):
            continue
        part = _before_share(p, ops) or _after_share(p, label.end(), ops)
        if part is not None and (not year or part.q.when in (year, "")):
            found.append((part, p))
    if len({round(a.q.value / s.q.value, 6) for a, s in found}) != 1:
        return None
    part, share = found[0]
    return Calc(label_text(phrase), part.q.value / (share.q.value / 100), part.q.unit,
                f"{part.q.text} / {share.q.text}", [(part, 1), (share, -1)], kind="whole")


def _before_share(share: Operand, ops: list[Operand]) -> Operand | None:
    """The amount a share is the share of, said just before it ("$105 million, which represented 2%")."""
    q = share.q
    before = [o for o in ops if o.article_id == share.article_id and o.q.sentence_start == q.sentence_start
              and o.q.end <= q.start and o.q.unit not in ("%", "") and o.q.role == "level"]
    if not before:
        return None
    a = before[-1]
    return a if _PART_THEN_SHARE.search(q.sentence[a.q.end - q.sentence_start:q.start - q.sentence_start]) else None


def _after_share(share: Operand, label_end: int, ops: list[Operand]) -> Operand | None:
    """ "11% of the workforce, or 1,027 employees": the amount said right after the share's label."""
    q = share.q
    after = [o for o in ops if o.article_id == share.article_id and o.q.sentence_start == q.sentence_start
             and o.q.start >= q.sentence_start + label_end and o.q.unit not in ("%", "") and o.q.role == "level"]
    if not after:
        return None
    a = after[0]
    gap = q.sentence[label_end:a.q.start - q.sentence_start]
    return a if re.fullmatch(r"(?i)\s*,?\s*(?:or|\(|representing|equal\s+to)\s*(?:approximately\s+|about\s+|some\s+|"
                             r"roughly\s+|nearly\s+)?", gap) else None


def _part_from_share(phrase: str, year: str, ops: list[Operand], m: Matcher, text: str = "") -> Calc | None:
    """ "$17.7 billion, which consisted of 87.4% fixed maturities": those were 87.4% of $17.7bn."""
    found = []
    for p in ops:
        q = p.q
        if q.unit != "%" or q.role != "level" or not 0 < q.value < 100:
            continue
        whole = _whole_of(p, ops)
        if whole is None or (year and whole.q.when not in (year, "")):
            continue
        label = re.sub(r"^\s*\(\s*[\d.,]+\s*%?\s*\)", " ", q.sentence[q.end - q.sentence_start:])  # "( 87.4 % )"
        label = re.split(r"[,;.(]", label, maxsplit=1)[0]
        if _names(phrase, f"{label} {m.local(p)}"):
            found.append((whole, p))
    if len({round(w.q.value * s.q.value, 6) for w, s in found}) != 1:
        return None
    whole, share = found[0]
    return Calc(label_text(phrase), whole.q.value * share.q.value / 100, whole.q.unit,
                f"{whole.q.text} × {plain(share.q.value)}%", [(whole, 1), (share, 1)], kind="part")


def _whole_of(share: Operand, ops: list[Operand]) -> Operand | None:
    """The amount a share is of: "28% of the $21 billion backlog", "$17.7 billion, which consisted of 87.4%"."""
    q = share.q
    same = [o for o in ops if o.article_id == share.article_id and o.q.sentence_start == q.sentence_start
            and o.q.unit not in ("%", "") and o.q.role == "level"]
    after = [o for o in same if o.q.start >= q.end]
    if after and _SHARE_OF_AMOUNT.match(q.sentence[q.end - q.sentence_start:after[0].q.start - q.sentence_start]):
        return after[0]
    before = [o for o in same if o.q.end <= q.start]
    if before and _WHOLE_THEN_SHARE.search(q.sentence[before[-1].q.end - q.sentence_start:q.start - q.sentence_start]):
        return before[-1]
    return None


_STOP = frozenset("""the a an of in on at to for from by with and or what was were is are total value amount
implied anticipated expected remaining gross entire overall estimated whole full how much many its their
our his her that which this these those be been would will""".split())  # noqa: SIM905


def _names(phrase: str, label: str, last: bool = True, share: float = _MIN_WORDS) -> bool:
    """Most of the phrase's words, and its last one, are in the label (stems of five letters)."""
    def stems(text: str) -> list[str]:
        return [w[:5] for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2]

    want, have = stems(phrase), set(stems(label))
    for word in re.findall(r"[a-z]+", label.lower()):  # "workforce" counts the employees
        have |= {w[:5] for w in noun_family(word)} if len(noun_family(word)) > 2 else set()
    if not want:
        return False

    def said(w: str) -> bool:  # "produce" is said as "output"
        return w in have or bool(_VERB_NOUNS.get(w, frozenset()) & have)

    return (said(want[-1]) or not last) and sum(said(w) for w in want) >= share * len(want)


# A verb of the phrase and the nouns a label says it with (stems of five letters).
_VERB_NOUNS = {"produ": frozenset({"outpu", "produ"}), "sell": frozenset({"sales"}), "sold": frozenset({"sales"}),
               "earn": frozenset({"earni", "profi", "incom"}), "emplo": frozenset({"staff", "emplo", "workf"})}


def _value_from_stake(phrase: str, year: str, ops: list[Operand], m: Matcher, text: str = "") -> Calc | None:
    """ "bought a 20% stake in Eurosport for $264 million": Eurosport is valued at $264m / 20%."""
    if not _VALUE_WORDS.search(text or phrase):
        return None
    found = []
    for p in ops:
        q = p.q
        if q.unit != "%" or q.role != "level" or not 0 < q.value < 100 or not _STAKE.match(
                q.sentence, q.end - q.sentence_start):
            continue
        price = [o for o in ops if o.article_id == p.article_id and o.q.sentence_start == q.sentence_start
                 and o.q.start > q.end and o.q.is_money and o.q.role == "level"
                 and re.search(r"(?i)\bfor\s+(?:about\s+|approximately\s+|some\s+)?$",
                               q.sentence[:o.q.start - q.sentence_start])]
        if len(price) == 1 and _names(_VALUE_WORDS.sub(" ", phrase), q.sentence, last=False, share=0.6):
            found.append((price[0], p))
    if len(found) != 1:
        return None
    price, stake = found[0]
    return Calc(label_text(phrase), price.q.value / (stake.q.value / 100), price.q.unit,
                f"{price.q.text} / {stake.q.text}", [(price, 1), (stake, -1)], kind="whole",
                notes=["The value the price of that stake implies for the whole."])
