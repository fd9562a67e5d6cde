"""Shares: a part over its whole, and the rest of a whole (100% less a stated share).

The rest is asked two ways: "How many percent were not X?" (100% less X's share), and
by the opposite of a stated group ("What share live abroad?" over "27% are local";
"what percent of receivables was current?" over "$86 million, of which $53 million was
overdue"). The opposites are a short fixed list (`intent.opposite`), never guessed.
"""

from __future__ import annotations

import re

from qa.figures.calc import Calc
from qa.figures.combine import named_part, two_operands
from qa.figures.intent import Intent, opposite
from qa.figures.labels import labelled
from qa.figures.operand_pool import (
    amounts,
    kind_note,
    lenient_best,
    names_family,
    names_noun,
    noun_family,
    period_notes,
    same_kind,
    supported_side,
)
from qa.figures.operands import MIN_SCORE, Matcher, Operand
from qa.figures.text import label_text
from qa.retrieval.lexical import terms


def share_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    if intent.unit == "margin":
        return _margin(intent, ops, m)
    stated = part_against_whole(intent.phrases[0], intent.phrases[1], ops, m) or family_share(
        intent.phrases[0], intent.phrases[1], ops)
    if stated is not None:
        part, whole = stated
        note = kind_note(part, whole)
        return Calc(label_text(f"{intent.phrases[0]} as a share of {intent.phrases[1]}"),
                    part.q.value / whole.q.value * 100, "%", f"{part.q.text} / {whole.q.text} × 100",
                    [(part, 1), (whole, -1)], kind="share", notes=[note] if note else [])
    pair = two_operands(intent, ops, m, allow_percent=False)
    if pair is None:
        shares = [op for op in ops if op.q.unit == "%" and op.q.role == "level" and op.q.factor is None
                  and op.q.delta is None and 0 < op.q.value < 100]
        return (_rest_of_amount(intent, ops, m) or _by_opposite(intent.phrases[0], shares, m)
                or _part_by_words(intent, ops, m))
    part, whole, notes = pair
    if whole.q.value == 0 or part.q.per != whole.q.per:
        return None
    if part.q.value > whole.q.value and part.q.sentence_start != whole.q.sentence_start and not notes:
        notes = ["The part is larger than the whole it is compared with."]
    return Calc(label_text(f"{intent.phrases[0]} as a share of {intent.phrases[1]}"),
                part.q.value / whole.q.value * 100, "%",
                f"{part.q.text} / {whole.q.text} × 100", [(part, 1), (whole, -1)],
                notes=notes, kind="share")


_PART_OF_WHOLE = re.compile(r"(?i)\s+(?:out\s+)?of\s+(?:its|their|the|his|her|our)\s+(?:[\w-]+\s+){0,2}$")


def part_against_whole(part_phrase: str, whole_phrase: str, ops: list[Operand], m: Matcher
                       ) -> tuple[Operand, Operand] | None:
    """ "close 140 of its 910 branches": the whole the phrase names, and the part the
    sentence states of it, when the part's clause says what the part phrase does
    ("Rhein-Nord closing" over "close 140 of its 910")."""
    asked = set(terms(part_phrase)) - set(terms(whole_phrase))
    if _JOB_LOSS.search(part_phrase):  # "losing their jobs" is what "cut 1,500 of its staff" says
        asked |= _JOB_CUT_TERMS
    if not asked:
        return None
    found = []
    for whole in ops:
        if whole.q.role != "level" or not whole.q.unit or whole.q.unit == "%" or whole.q.is_money:
            continue
        if not (names_noun(whole_phrase, whole.q.unit) or names_family(whole_phrase, whole.q.unit)
                or m.scores(whole_phrase, [whole])[0] >= MIN_SCORE):
            continue
        for part in _parts_of(whole, ops):
            if asked & set(terms(part.q.sentence[:part.q.end - part.q.sentence_start])):
                found.append((part, whole))
    return found[0] if len(found) == 1 else None


# Losing jobs, in the words a reader asks it and the words a report states it.
_JOB_LOSS = re.compile(r"(?i)\b(?:los(?:e|es|ing|t)\s+(?:their\s+|its\s+|the\s+)?jobs?|made\s+redundant|redundan\w+"
                       r"|laid\s+off|lay(?:ing)?\s+off|job\s+(?:cuts?|losses))\b")
_JOB_CUT_TERMS = frozenset(terms("cut cuts shed axe lay off lose redundancies eliminate"))


def family_share(part_phrase: str, whole_phrase: str, ops: list[Operand]) -> tuple[Operand, Operand] | None:
    """ "What share of its staff could it cut?" over "employs 84,000 people" and "cut up to
    12,000 jobs": counts of the kind the whole names, the part the one said with the part's
    verb, the whole the one other, larger, in the same article."""
    asked = set(terms(re.sub(r"\b[A-Z][\w&.'’-]*", " ", part_phrase))) - set(terms(whole_phrase))
    if _JOB_LOSS.search(part_phrase):  # "losing their jobs" is what "cut 1,500 of its staff" says
        asked |= _JOB_CUT_TERMS
    counts = [o for o in ops if not o.q.is_money and o.q.unit not in ("", "%") and o.q.role in ("level", "change")
              and names_family(whole_phrase, o.q.unit)]
    if not asked or not counts:
        return None

    def says(o: Operand) -> bool:
        return bool(asked & set(terms(o.q.sentence[:o.q.end - o.q.sentence_start])))

    parts = [o for o in counts if says(o)]
    if len({(o.article_id, o.q.value) for o in parts}) != 1:
        return None
    part = parts[0]
    wholes = [o for o in counts if not says(o) and o.article_id == part.article_id and o.q.value > part.q.value]
    if len({o.q.value for o in wholes}) != 1:
        return None
    return part, wholes[0]


def left_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How many stores will it have left?" over "close 90 of its 1,240 outlets": the
    whole less the part the sentence says goes; the noun asked counts what the whole counts."""
    noun = intent.phrases[0]
    wholes = [o for o in ops if o.q.role == "level" and o.q.unit and not o.q.is_money and o.q.unit != "%"
              and (names_noun(noun, o.q.unit) or names_family(noun, o.q.unit))]
    found = [(p, w) for w in wholes for p in _parts_of(w, ops)]
    if len(found) != 1:
        return None
    part, whole = found[0]
    note = kind_note(part, whole) if not names_noun(noun, whole.q.unit) else ""
    return Calc(label_text(f"{noun} left"), whole.q.value - part.q.value, whole.q.unit,
                f"{whole.q.text} - {part.q.text}", [(whole, 1), (part, -1)], kind="difference",
                notes=[note] if note else [])


def _parts_of(whole: Operand, ops: list[Operand]) -> list[Operand]:
    return [o for o in ops if o.article_id == whole.article_id and o.q.sentence_start == whole.q.sentence_start
            and o.q.unit == whole.q.unit and o.q.end <= whole.q.start and 0 < o.q.value < whole.q.value
            and _PART_OF_WHOLE.fullmatch(o.q.sentence, o.q.end - o.q.sentence_start,
                                         whole.q.start - o.q.sentence_start)]


def _part_by_words(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "What share of the combined output comes from Skarv?" over "410,000 tonnes ..., of which Skarv
    produces 150,000 tonnes": the whole matched clearly, the part the one amount of its kind in the
    whole's article whose sentence says every word of the part's phrase."""
    part_phrase, whole_phrase = intent.phrases
    pool = [o for o in amounts(ops) if o.q.role == "level" and not o.q.per]
    whole = m.best(whole_phrase, pool)
    want = _stems(part_phrase)
    if whole is None or not want:
        return None
    found = [o for o in pool if o.article_id == whole.article_id and not o.same_item(whole)
             and (same_kind(o, whole) or noun_family(o.q.unit) & noun_family(whole.q.unit))
             and 0 < o.q.value < whole.q.value and want <= _stems(o.q.sentence)]
    if len({round(o.q.value, 6) for o in found}) != 1:
        return None
    part = found[0]
    note = kind_note(part, whole)
    return Calc(label_text(f"{part_phrase} as a share of {whole_phrase}"), part.q.value / whole.q.value * 100, "%",
                f"{part.q.text} / {whole.q.text} × 100", [(part, 1), (whole, -1)], kind="share",
                notes=[note] if note else [])


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in _GLUE}


_GLUE = frozenset("""the and from for with that this what which its their does did was were are came comes come
goes work works share""".split())  # noqa: SIM905


def _margin(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """Profit over revenue, unless the article states the margin itself."""
    if any(o.q.unit == "%" and re.search(r"(?i)\bmargins?\b", m.local(o) or o.q.clause) for o in ops):
        return None  # stated outright: the quote answers
    money = [o for o in amounts(ops) if o.q.is_money and o.q.role == "level" and not o.q.per]
    profit = m.best(intent.phrases[0], money)
    if profit is None:
        return None
    others = [o for o in money if o.q.unit == profit.q.unit and not o.same_item(profit)]
    revenue = m.best(intent.phrases[1], others) or lenient_best(f"{intent.phrases[1]} sales turnover", others, m)
    if revenue is None:
        return None
    if revenue.q.value <= 0 or abs(profit.q.value) >= revenue.q.value:
        return None  # a "profit" above revenue is another measure read wrongly
    notes = period_notes([profit, revenue])
    return Calc(label_text(f"{intent.phrases[0]} margin"), profit.q.value / revenue.q.value * 100, "%",
                f"{profit.q.text} / {revenue.q.text} × 100", [(profit, 1), (revenue, -1)], notes=notes,
                kind="share")


def _rest_of_amount(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "What percent of receivables was current?" over "$86m, of which $53m was overdue"."""
    part_phrase, whole_phrase = intent.phrases
    others = opposite(part_phrase)
    if not others:
        return None
    pool = [o for o in amounts(ops) if o.q.role == "level"]
    year = intent.years[0] if len(intent.years) == 1 else ""
    whole = m.best(whole_phrase, pool) or lenient_best(
        whole_phrase, [o for o in pool if o.q.when in (year, "")] if year else pool, m, floor=0.3, margin=0.0)
    if whole is None:
        return None
    rest = [o for o in pool if o.article_id == whole.article_id and o.q.sentence_start == whole.q.sentence_start
            and not o.same_item(whole) and same_kind(o, whole) and 0 < o.q.value < whole.q.value
            and any(re.search(rf"(?i)\b{re.escape(w)}\b", m.local(o)) for w in others)]
    if len(rest) != 1:
        return None
    other = rest[0]
    value = (whole.q.value - other.q.value) / whole.q.value * 100
    return Calc(label_text(f"{part_phrase} as a share of {whole_phrase}"), value, "%",
                f"({whole.q.text} - {other.q.text}) / {whole.q.text} × 100", [(whole, 1), (other, -1)],
                kind="complement")


def complement_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How many percent were not X": 100% less the stated share of X."""
    phrase = intent.phrases[0]
    pool = [op for op in ops if op.q.unit == "%" and op.q.role == "level"
            and op.q.factor is None and op.q.delta is None and 0 < op.q.value < 100]
    if intent.signed:
        return _by_opposite(phrase, pool, m)
    named = labelled(phrase, pool)
    if len({round(o.q.value, 9) for o in named}) > 1:
        return None  # two lists label a share so ("from 18 to 24" in 2000 and in 2010)
    op = named[0] if named else None if intent.exact else supported_side(phrase, "", pool, m)
    if op is None and not pool and len(intent.phrases) == 3:
        return _rest_of_count(intent, ops, m)
    if op is None:
        return None
    return Calc(label_text(f"share not {intent.phrases[0]}"), 100 - op.q.value, "%",
                f"100% - {op.q.text}", [(op, -1)], kind="complement")


def _rest_of_count(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "What share of its staff do not work in maintenance?" over "Of its 9,800 staff, 2,150 work in
    maintenance": the whole less the part named, over the whole."""
    _, group, whole_phrase = intent.phrases
    pool = [o for o in amounts(ops) if o.q.role == "level" and not o.q.is_money]
    found = named_part(group, whole_phrase, intent, pool, m)
    if found is None:
        return None
    whole, part = found
    return Calc(label_text(f"share of {whole_phrase} not {group}"),
                (whole.q.value - part.q.value) / whole.q.value * 100, "%",
                f"({whole.q.text} - {part.q.text}) / {whole.q.text} × 100", [(whole, 1), (part, -1)],
                kind="complement")


def _by_opposite(phrase: str, pool: list[Operand], m: Matcher) -> Calc | None:
    """ "What share live abroad?" over "27% are local": 100% less the opposite group's share.

    Only when the asked group's own share is not stated, and exactly one share names the
    opposite group right beside its number.
    """
    asked = [w for w in re.findall(r"[a-z-]+", phrase.lower()) if opposite(w)]
    if not asked or any(any(re.search(rf"(?i)\b{w}\b", m.local(o)) for w in asked) for o in pool):
        return None  # the asked share is stated (or words are too unclear to flip)
    others = opposite(phrase)
    hits = [o for o in pool if any(re.search(rf"(?i)\b{re.escape(w)}\b", m.local(o)) for w in others)]
    if len({round(o.q.value, 9) for o in hits}) != 1:
        return None
    op = hits[0]
    said = next(w for w in others if re.search(rf"(?i)\b{re.escape(w)}\b", m.local(op)))
    return Calc(label_text(f"share {phrase}"), 100 - op.q.value, "%", f"100% - {op.q.text}", [(op, -1)],
                kind="complement", notes=[f"Taken as the rest of the whole: the article gives the {said} "
                                          f"share, {op.q.text}."])
