"""Per-unit averages: a total shared out over the things it counts.

"On average, how much did each subscriber pay?" over "$3.1bn" and "6.2 million
subscribers"; "the average price of shares repurchased" over "5.0 million shares for
$240.0 million". The count must be stated in the unit asked (a subscriber is counted
as "subscribers"), and the total is the amount the question's words mean, said in the
count's sentence when the article says it there.
"""

from __future__ import annotations

from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import amounts, lenient_best, noun_family, period_notes
from qa.figures.operands import Matcher, Operand
from qa.figures.series import in_year
from qa.figures.text import label_text


def per_unit(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    unit = intent.unit.lower()
    family = noun_family(unit) | noun_family(unit + "s") | {unit, unit.rstrip("s")}
    counts = [o for o in ops if not o.q.is_money and o.q.unit and o.q.unit != "%" and o.q.role == "level"
              and (o.q.unit.lower() in family or o.q.unit.lower().rstrip("s") == unit.rstrip("s"))
              and not o.q.per]
    year = intent.years[0] if len(intent.years) == 1 else ""
    if year:
        counts = [o for o in counts if o.q.when in (year, "")]
    if not counts:
        return None
    count = counts[0] if len({round(o.q.value, 6) for o in counts}) == 1 else m.best(intent.phrases[0], counts)
    if count is None or count.q.value <= 0:
        return None
    pool = [o for o in amounts(ops, measure="money" if not intent.measure else intent.measure)
            if o.q.is_money and not o.q.per and o.q.role == "level"]
    if intent.currency:
        pool = [o for o in pool if o.q.unit == intent.currency] or pool
    same = [o for o in pool if o.article_id == count.article_id and o.q.sentence_start == count.q.sentence_start]
    total = None
    if len(same) == 1:
        total = same[0]
    elif same:
        total = m.best(intent.phrases[0], same)
    if total is None:
        total = (in_year(intent.phrases[0], year, pool, m) if year else None) or lenient_best(
            intent.phrases[0], pool, m)
    if total is None:
        return None
    noun = unit.rstrip("s") if not unit.endswith("ss") else unit
    return Calc(label_text(f"{intent.phrases[0]} per {noun}"), total.q.value / count.q.value, total.q.unit,
                f"{total.q.text} / {count.q.text}", [(total, 1), (count, -1)], kind="per_unit",
                notes=period_notes([total, count]))
