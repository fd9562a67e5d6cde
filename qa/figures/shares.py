"""Shares: a part over its whole, and the rest of a whole (100% less a stated share).

The rest is asked two ways: "How many percent were not X?" (100% less X's share), and
by the opposite of a stated group ("What share live abroad?" over "27% are local";
"what percent of receivables was current?" over "$86 million, of which $53 million was
overdue"). The opposites are a short fixed list (`intent.opposite`), never guessed.
"""

from __future__ import annotations

import re

from qa.figures.calc import Calc
from qa.figures.combine import two_operands
from qa.figures.intent import Intent, opposite
from qa.figures.labels import labelled
from qa.figures.operand_pool import amounts, lenient_best, same_kind, supported_side
from qa.figures.operands import Matcher, Operand
from qa.figures.text import label_text


def share_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    pair = two_operands(intent, ops, m, allow_percent=False)
    if pair is None:
        shares = [op for op in ops if op.q.unit == "%" and op.q.role == "level" and op.q.factor is None
                  and op.q.delta is None and 0 < op.q.value < 100]
        return _rest_of_amount(intent, ops, m) or _by_opposite(intent.phrases[0], shares, m)
    part, whole, notes = pair
    if whole.q.value == 0 or part.q.per != whole.q.per:
        return None
    if part.q.value > whole.q.value and part.q.sentence_start != whole.q.sentence_start and not notes:
        notes = ["The part is larger than the whole it is compared with."]
    return Calc(label_text(f"{intent.phrases[0]} as a share of {intent.phrases[1]}"),
                part.q.value / whole.q.value * 100, "%",
                f"{part.q.text} / {whole.q.text} × 100", [(part, 1), (whole, -1)],
                notes=notes, kind="share")


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
    if op is None:
        return None
    return Calc(label_text(f"share not {intent.phrases[0]}"), 100 - op.q.value, "%",
                f"100% - {op.q.text}", [(op, -1)], kind="complement")


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
