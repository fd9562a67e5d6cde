"""Per-unit averages: a total shared out over the things it counts.

"On average, how much did each subscriber pay?" over "$3.1bn" and "6.2 million
subscribers"; "the average price of shares repurchased" over "5.0 million shares for
$240.0 million". The count must be stated in the unit asked (a subscriber is counted
as "subscribers"), and the total is the amount the question's words mean, said in the
count's sentence when the article says it there.
"""

from __future__ import annotations

import re

from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, is_part, lenient_best, noun_family, part_of, period_notes, words_in
from qa.figures.operands import Matcher, Operand
from qa.figures.series import in_year
from qa.figures.text import label_text

_ELSEWHERE_MARGIN = 0.1  # how much better an amount in another sentence must fit the phrase


def _counts_of(unit: str, ops: list[Operand]) -> list[Operand]:
    family = noun_family(unit) | noun_family(unit + "s") | {unit, unit.rstrip("s")}
    if unit.endswith("y"):
        family |= {f"{unit[:-1]}ies"}  # "each copy": "5.6 million copies"
    return [o for o in ops if not o.q.is_money and o.q.unit and o.q.unit != "%" and o.q.role == "level"
            and (o.q.unit.lower() in family or o.q.unit.lower().rstrip("s") == unit.rstrip("s"))
            and not o.q.per]


def per_unit(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    unit = intent.unit.lower()
    if intent.currency:  # "What is the offer worth per share in dollars?" over "A$7.80 for each share"
        priced = [o for o in ops if o.q.is_money and o.q.per == unit.rstrip("s") and o.q.unit != intent.currency]
        op = lenient_best(_without_unit(intent.phrases[0], unit), priced, m) if priced else None
        if op is not None and op.q.equiv_unit != intent.currency:
            return Calc(label_text(intent.phrases[0]), op.q.value, op.q.unit, op.q.text, [(op, 1)], kind="convert")
    counts = _counts_of(unit, ops)
    head = re.search(rf"(?i)\b{re.escape(unit)}\s+([a-z]+)\s*\??$", intent.text)
    if not counts and head:  # "each replacement aircraft": the last noun is what is counted
        unit = head.group(1).lower()
        counts = _counts_of(unit, ops)
    year = intent.years[0] if len(intent.years) == 1 else ""
    if year:
        counts = [o for o in counts if o.q.when in (year, "")]
    whole_counts = [o for o in counts if not is_part(o)]
    counts = whole_counts or counts
    # "per car" over "recalling 420,000 cars" and "sold 1.18 million vehicles": the noun asked
    counts = [o for o in counts if o.q.unit.lower().rstrip("s") == unit.rstrip("s")] or counts
    if not counts:
        return None
    said = re.search(rf"(?i)\b(?:per|each|every)\s+([a-z-]+)\s+{re.escape(unit.rstrip('s')[:5])}", intent.text)
    if said and len(counts) > 1:  # "per lost vehicle": the count said to be lost, not all vehicles
        stem = said.group(1).lower()[:4]
        counts = [o for o in counts if stem in m.local(o).lower()]
        if len({round(o.q.value, 6) for o in counts}) != 1:
            return None
    count = counts[0] if len({round(o.q.value, 6) for o in counts}) == 1 else _all_of(intent.phrases[0], counts, m)
    if count is None or count.q.value <= 0:
        return None
    phrase = _without_unit(intent.phrases[0], unit)
    pool = [o for o in amounts(ops, measure="money" if not intent.measure else intent.measure)
            if o.q.is_money and not o.q.per and o.q.role == "level" and o.article_id == count.article_id]
    named = _MEASURE_NAMED.search(phrase)
    if named:  # "revenue per passenger": a total its clause calls revenue (or sales), not a fare or a profit
        said = _SAME_MEASURE.get(named.group(0).lower().rstrip("s"), {named.group(0).lower().rstrip("s")})
        pool = [o for o in pool if said & {w.rstrip("s") for w in re.findall(r"[a-z]+", o.q.clause.lower())}]
    if intent.currency:
        pool = [o for o in pool if o.q.unit == intent.currency] or pool
    same = [o for o in pool if o.article_id == count.article_id and o.q.sentence_start == count.q.sentence_start]
    total = None
    if len(same) == 1:
        total = same[0]
    elif same:
        total = m.best(phrase, same)
    clear = lenient_best(phrase, pool, m)
    if total is not None and clear is not None and not clear.same_item(total):
        # "flew 31 million passengers ... and burned $2.3 billion": revenue asked, said elsewhere
        here, there = m.scores(phrase, [total, clear])
        if there - here > _ELSEWHERE_MARGIN and words_in(phrase, clear.q.sentence) >= 0.5:
            total = clear  # and its sentence says what is asked: not "owes" for "pay"
    if total is None:
        total = (in_year(phrase, year, pool, m) if year else None) or lenient_best(phrase, pool, m)
    if total is None:
        return None
    noun = unit.rstrip("s") if not unit.endswith("ss") else unit
    each = re.search(rf"(?i)\b(?:each|per|every)\b.*\b{re.escape(noun[:5])}", intent.phrases[0])
    label = intent.phrases[0] if each else f"{intent.phrases[0]} per {noun}"
    return Calc(label_text(label), total.q.value / count.q.value, total.q.unit,
                f"{total.q.text} / {count.q.text}", [(total, 1), (count, -1)], kind="per_unit",
                notes=period_notes([total, count]))


# The measure a per-unit phrase names, and the words a report says it with.
_MEASURE_NAMED = re.compile(r"(?i)\b(?:revenues?|sales|turnover|profits?|earnings|income|costs?|spending|losses|loss|"
                            r"fees?|fares?)\b")
_SAME_MEASURE = {"revenue": {"revenue", "sale", "turnover"}, "sale": {"revenue", "sale", "turnover"},
                 "turnover": {"revenue", "sale", "turnover"}, "profit": {"profit", "earning", "income"},
                 "earning": {"profit", "earning", "income"}, "income": {"profit", "earning", "income"},
                 "cost": {"cost", "spending", "spend", "bill", "charge", "worth", "value", "price"}}


def _all_of(phrase: str, counts: list[Operand], m: Matcher) -> Operand | None:
    """ "Each shop" is every shop: in the article the phrase means, the largest count of them that
    is not an earlier level ("1,450" over "another 150 shops", not "down from 1,600")."""
    pick = m.best(phrase, counts) or counts[0]
    here = [o for o in counts if o.article_id == pick.article_id]
    earlier = {o.q.previous for o in here if o.q.previous is not None}
    earlier |= {o.q.value - o.q.delta for o in here if o.q.delta is not None}
    added = {o.q.delta for o in here if o.q.delta is not None}
    now = [o for o in here if o.q.value not in earlier and o.q.value not in added]
    if len({round(o.q.value, 6) for o in now}) <= 1:
        return now[0] if now else None
    # several counts now: the one the phrase means ("Kopernik had 8.45 million subscribers", not
    # the market's 23.5 million), or the largest when the rest are its parts
    top = max(now, key=lambda o: o.q.value)
    return m.best(phrase, now) or (top if all(o is top or part_of(o, top) for o in now) else None)


def _without_unit(phrase: str, unit: str) -> str:
    """ "revenue did each pub generate" -> "revenue did generate": the total's own words (a clause
    that merely mentions pubs is not the revenue)."""
    stem = re.escape(unit.rstrip("s")[:5])
    out = re.sub(rf"(?i)\b(?:per|for\s+each|for\s+every|each|every|an?)\s+{stem}\w*\b", " ", phrase)
    out = re.sub(r"\s+", " ", out).strip()
    return out or phrase
