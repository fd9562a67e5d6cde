"""Two or more amounts combined: ratio, difference, "how many more", sum, average, remainder.

Operands combine only when they are the same kind of thing (`same_kind`): a price per
share never meets a company's value, jobs meet people only with a note saying so.
Years the question names pick one number per year (`series.by_years`).
"""

from __future__ import annotations

import re

from index.quantities.scan import scan
from qa.figures.calc import Calc
from qa.figures.intent import Intent, names, strip_years
from qa.figures.operand_pool import (
    amounts,
    choose,
    common_unit,
    kind_note,
    names_noun,
    per_something,
    period_notes,
    same_kind,
    same_noun,
    same_value,
    supported_side,
)
from qa.figures.operands import Matcher, Operand
from qa.figures.series import by_years, in_year
from qa.figures.text import amount, label_text


def two_operands(intent: Intent, ops: list[Operand], m: Matcher,
                 allow_percent: bool) -> tuple[Operand, Operand, list[str]] | None:
    """The two operands the question's phrases (and years) name, of one kind, or None."""
    pool = [op for op in amounts(ops, percent=allow_percent, measure=intent.measure)
            if not (op.q.unit == "%" and op.q.role == "change")]  # growth rates
    first, second = intent.phrases[0], intent.phrases[1]
    if len(intent.years) == 2 and first == second:
        pair = by_years(first, intent.years, pool, m)
        if pair is None:
            return None
        a, b = pair
    else:
        ya, yb = _year_of(first, intent, second), _year_of(second, intent, first)
        a = _side(first, ya, pool, m, [second])
        if a is None:
            return None
        rest = [op for op in pool if not op.same_item(a)]
        b = None
        if not names(second):  # "Voltaris's staff cuts" and "its workforce": the same subject, its article
            b = _side(second, yb, [op for op in rest if op.article_id == a.article_id], m, [first])
        b = b or _side(second, yb, rest, m, [first])
        if b is not None and b.article_id != a.article_id:
            # two articles: the second side said in the first's article, when it is there, is the one meant
            b = _side(second, yb, [op for op in rest if op.article_id == a.article_id], m, [first]) or b
        if b is None:
            return None
        a2 = _side(first, ya, [op for op in pool if not op.same_item(b)], m, [second])
        if a2 is None or not a2.same_item(a):
            return None  # the first phrase would rather mean the second operand
    pair = common_unit([a, b], ops, intent.currency)
    if pair is None or (not same_kind(pair[0], pair[1]) and not _both_counts(pair[0], pair[1])):
        return None
    notes = period_notes(pair)
    note = kind_note(pair[0], pair[1])
    return pair[0], pair[1], notes + ([note] if note else [])


def _both_counts(a: Operand, b: Operand) -> bool:
    """A ratio or share may relate two different counts ("jobs" to "stores") when asked."""
    return (not a.q.is_money and not b.q.is_money and a.q.unit != "%" and b.q.unit != "%"
            and a.q.per == b.q.per)


def _year_of(phrase: str, intent: Intent, other: str = "") -> str:
    """The one year a phrase names ("sales in 2014"), else the question's one year when the
    other phrase does not name it ("~" marks a year of the question, not of the phrase)."""
    found = re.findall(r"\b(?:19|20)\d\d\b", phrase)
    if len(found) == 1:
        return found[0]
    if len(intent.years) == 1 and (intent.years[0] not in other or re.search(
            rf"\b{intent.years[0]}\s*\??$", intent.text)):  # "... of pre-tax earnings in 2015?": both sides
        return "~" + intent.years[0]
    return ""


def _side(phrase: str, year: str, pool: list[Operand], m: Matcher, contrast: list[str]) -> Operand | None:
    """The operand one phrase names: by an amount it states, its year, then its words."""
    said = [(r.value, r.unit) for r in scan(phrase, "JPY") if r.unit]
    if said:  # "the accrued interest $1.2 million": that very number
        found = [o for o in pool for v, u in said if o.q.unit == u and abs(o.q.value - v) <= 1e-9 * max(1.0, v)]
        if found:
            return found[0] if len(found) == 1 else m.best(phrase, found, contrast=contrast)
    phrase = strip_years(phrase)
    nouns = [o for o in pool if o.q.unit and o.q.unit != "%" and not o.q.is_money and not o.q.per
             and not per_something(o.q) and re.fullmatch(r"(?i)[a-z]+(?:\s+[a-z]+)?", phrase)
             and names_noun(phrase.split()[-1], o.q.unit)]
    if nouns and all(same_value(o, nouns[0]) for o in nouns[1:]):
        return nouns[0]  # "people", "households": the one count stated in that noun
    if year.startswith("~"):  # the question's year: a clear best of no stated year will do
        year = year[1:]
        best = choose(phrase, pool, m, contrast)
        if best is not None and best.q.when in (year, ""):
            return best
    if year:
        dated = in_year(phrase, year, pool, m, contrast)
        if dated is not None:
            return dated
        if any(op.q.when for op in pool):
            undated = [op for op in pool if not op.q.when]
            return m.best(phrase, undated, contrast=contrast) if undated else None
    return choose(phrase, pool, m, contrast)


def ratio_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    pair = two_operands(intent, ops, m, allow_percent=True)
    if pair is None or pair[1].q.value == 0:
        return None
    a, b, notes = pair
    return Calc(label_text(f"{_named(intent, 0)} relative to {_named(intent, 1)}"),
                a.q.value / b.q.value, "x", f"{a.q.text} / {b.q.text}", [(a, 1), (b, -1)],
                notes=notes, kind="ratio")


def _named(intent: Intent, k: int) -> str:
    """The k-th phrase, with its year when the question tells the sides apart by year."""
    phrase = intent.phrases[k]
    if len(intent.years) == 2 and intent.phrases[0] == intent.phrases[1]:
        return f"{phrase} in the {'first' if k == 0 else 'second'} year asked"  # a label states no year
    return phrase


def difference_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    if intent.direction:
        return how_many_more(intent, ops, m)
    pair = two_operands(intent, ops, m, allow_percent=True)
    if pair is None:
        return None
    a, b, notes = pair
    return Calc(label_text(f"{_named(intent, 0)} minus {_named(intent, 1)}"),
                a.q.value - b.q.value, a.q.unit, f"{a.q.text} - {b.q.text}",
                [(a, 1), (b, -1)], notes=notes, kind="difference")


def how_many_more(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How many more A than B": A - B, which the question says is positive.

    Both sides must be matched with confidence, in the unit the question names (or
    counts of the nouns its phrases name: "more people than households"); a result
    of the wrong sign means a side was misread, so there is no figure.
    """
    pool = [op for op in amounts(ops, percent=intent.measure == "percent",
                                  measure=intent.measure)
            if op.q.role == "level" and op.q.factor is None and op.q.delta is None
            and not per_something(op.q) and not op.q.per]
    if intent.unit:
        unit = "%" if intent.unit in ("percent", "percentage", "percentage points", "points") else intent.unit
        pool = [op for op in pool if same_noun(op.q.unit, unit) or op.q.unit == unit]
    if len(intent.years) == 2 and intent.phrases[0] == intent.phrases[1]:
        dated = by_years(intent.phrases[0], intent.years, pool, m)
        if dated is None:
            return None
        a, b = dated
    else:
        pair = two_of(intent, pool, m)
        if pair is None:
            return None
        a, b = pair
        if m.support(intent.phrases[0], a, intent.phrases[1], clause=True) < 0 or m.support(
                intent.phrases[1], b, intent.phrases[0], clause=True) < 0:
            return None  # a name or year that tells the sides apart is not beside its number
    if not same_noun(a.q.unit, b.q.unit) and not (
            a.q.unit and b.q.unit and a.q.unit != "%" and b.q.unit != "%"
            and names_noun(intent.phrases[0], a.q.unit)
            and names_noun(intent.phrases[1], b.q.unit)
            and not names_noun(intent.phrases[0], b.q.unit)
            and not names_noun(intent.phrases[1], a.q.unit)):
        return None  # "more people than households" only when each side names its own noun
    if a.q.is_money != b.q.is_money or (a.q.is_money and a.q.unit != b.q.unit):
        return None
    big, small = (a, b) if intent.direction > 0 else (b, a)
    value = big.q.value - small.q.value
    if value <= 0:
        return None
    label = f"{intent.phrases[0]} minus {intent.phrases[1]}" if intent.direction > 0 else \
        f"{intent.phrases[1]} minus {intent.phrases[0]}"
    unit = big.q.unit if same_noun(big.q.unit, small.q.unit) else ""
    return Calc(label_text(label), value, unit, f"{big.q.text} - {small.q.text}",
                [(big, 1), (small, -1)], notes=period_notes([a, b]), kind="difference")


def two_of(intent: Intent, pool: list[Operand], m: Matcher) -> tuple[Operand, Operand] | None:
    """Each phrase's one clearly best operand, two different numbers, or None."""
    first, second = intent.phrases[0], intent.phrases[1]
    a = side_of(first, second, pool, m)
    if a is None:
        return None
    b = side_of(second, first, [op for op in pool if not op.same_item(a)], m)
    if b is None:
        return None
    a2 = side_of(first, second, [op for op in pool if not op.same_item(b)], m)
    if a2 is None or not a2.same_item(a):
        return None  # the first phrase would rather mean the second operand
    return a, b


def side_of(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    """The operand one side of a comparison means.

    A phrase naming a counted noun ("people", "housing units") means a number stated
    with that noun: one such number is the answer, several are told apart by meaning.
    """
    nouns = [op for op in pool if op.q.unit and op.q.unit != "%" and names_noun(phrase, op.q.unit)
             and not names_noun(other, op.q.unit)]
    if nouns and all(same_value(o, nouns[0]) for o in nouns[1:]):
        return nouns[0]
    if pool and all(op.q.unit == "%" for op in pool):  # shares listed beside their groups
        return supported_side(phrase, other, pool, m)
    return m.best(phrase, nouns or pool, contrast=[other])


def total(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The sum of the amounts named (by phrase, or one measure in each year named)."""
    chosen = _several(intent, ops, m)
    if chosen is None:
        return None
    first = chosen[0]
    unit = first.q.unit if all(o.q.unit == first.q.unit for o in chosen) else ""
    return Calc(label_text(_listed(intent, " plus ")), sum(o.q.value for o in chosen), unit,
                " + ".join(o.q.text for o in chosen), [(o, 1) for o in chosen],
                notes=period_notes(chosen), kind="sum")


def average_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The mean of the amounts named: "the average X from 2014 to 2016"."""
    chosen = _several(intent, ops, m)
    if chosen is None:
        return None
    n = len(chosen)
    first = chosen[0]
    formula = f"({' + '.join(o.q.text for o in chosen)}) / {n}"
    notes = [] if intent.years else period_notes(chosen)
    return Calc(label_text(f"average of {_listed(intent, ', ')}"), sum(o.q.value for o in chosen) / n,
                first.q.unit, formula, [(o, 1) for o in chosen], notes=notes, kind="average")


def _listed(intent: Intent, joiner: str) -> str:
    if len(intent.phrases) == 1 and intent.years:
        return f"{intent.phrases[0]} in {', '.join(intent.years)}"
    return joiner.join(intent.phrases)


def _several(intent: Intent, ops: list[Operand], m: Matcher) -> list[Operand] | None:
    pool = amounts(ops, percent=intent.percent, measure=intent.measure)
    pool = [o for o in pool if not (o.q.unit == "%" and o.q.role == "change")]
    if len(intent.phrases) == 1 and len(intent.years) >= 2:
        chosen = by_years(intent.phrases[0], intent.years, pool, m)
    else:
        chosen = []
        year = "~" + intent.years[0] if len(intent.years) == 1 else ""
        for k, phrase in enumerate(intent.phrases):
            others = list(intent.phrases[:k] + intent.phrases[k + 1:])
            op = _side(phrase, year, [o for o in pool if not any(o.same_item(c) for c in chosen)], m, others)
            if op is None or _names_own_number(phrase, op):
                return None
            chosen.append(op)
    if not chosen:
        return None
    aligned = common_unit(chosen, ops, intent.currency)
    if aligned is None and len(intent.phrases) == len(chosen) and all(
            o.q.unit and not o.q.is_money and o.q.unit != "%" and names_noun(p, o.q.unit)
            and (o.article_id, o.q.sentence_start) == (chosen[0].article_id, chosen[0].q.sentence_start)
            for p, o in zip(intent.phrases, chosen, strict=True)):
        # "there were 22,915 people, 7,953 households, and 5,748 families": one sentence counts them
        # all, each named; added as asked
        return chosen
    if aligned is None or any(not same_kind(aligned[0], o) for o in aligned[1:]):
        return None
    return aligned


def _names_own_number(phrase: str, op: Operand) -> bool:
    """ "notes with seven annual installments": the phrase says the number, it does not ask for it."""
    word = op.q.text.split()[0].lower()
    return bool(re.search(rf"(?<![\w.$]){re.escape(word)}(?![\w.])", phrase.lower())) and not re.search(r"\d", word)


def remainder_of(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """ "How much of the $47bn owed is interest?": the whole less its other stated part.

    The whole is the amount the question states (or its phrase names); the part is the
    one other amount of its kind in the whole's sentence or the next. The part asked
    must not be stated itself (then it needs no arithmetic).
    """
    part_phrase, whole_phrase = intent.phrases
    pool = [o for o in amounts(ops, measure=intent.measure) if o.q.role == "level"]
    if intent.signed:  # "how much of it is not X": X is the part stated
        listed = _listed_parts(part_phrase, whole_phrase, intent, pool, m)
        if listed is not None:  # "outside Germany and the US": the whole less each place's part
            whole, parts = listed
            rest = whole.q.value - sum(p.q.value for p in parts)
            return Calc(label_text(f"{whole_phrase} not {part_phrase}"), rest, whole.q.unit,
                        " - ".join([whole.q.text, *(p.q.text for p in parts)]),
                        [(whole, 1), *((p, -1) for p in parts)], kind="difference")
        found = named_part(part_phrase, whole_phrase, intent, pool, m)
        if found is None:
            return None
        whole, part = found
        return Calc(label_text(f"{whole_phrase} not {part_phrase}"), whole.q.value - part.q.value, whole.q.unit,
                    f"{whole.q.text} - {part.q.text}", [(whole, 1), (part, -1)], kind="difference",
                    notes=[kind_note(whole, part)] if kind_note(whole, part) else [])
    whole = _stated_in_question(intent, pool)  # the reader quotes the whole: "the $47bn owed"
    if whole is None:
        return None
    stated = m.best(part_phrase, [o for o in pool if not o.same_item(whole)])
    if stated is not None and not _near_whole(stated, whole):
        return None  # the part asked is stated elsewhere: no arithmetic needed
    starts = sorted({o.q.sentence_start for o in ops if o.article_id == whole.article_id})
    k = starts.index(whole.q.sentence_start)
    parts: list[Operand] = []
    for start in starts[k:k + 2]:  # the whole's sentence, else the next one
        parts = [o for o in pool if o.article_id == whole.article_id and o.q.sentence_start == start
                 and not o.same_item(whole) and same_kind(o, whole) and 0 < o.q.value < whole.q.value]
        if parts:
            break
    if len({round(o.q.value, 6) for o in parts}) != 1:
        return None
    part = parts[0]
    if m.support(part_phrase, part) >= 0.5 or (stated is not None and stated.same_item(part)):
        return None  # that part is the one asked, and it is stated
    return Calc(label_text(f"{part_phrase} of {whole_phrase}"), whole.q.value - part.q.value, whole.q.unit,
                f"{whole.q.text} - {part.q.text}", [(whole, 1), (part, -1)], kind="difference",
                notes=[f"The rest of {amount(whole.q.value, whole.q.unit)} once {part.q.text} is taken out."])


def named_part(part_phrase: str, whole_phrase: str, intent: Intent, pool: list[Operand],
               m: Matcher) -> tuple[Operand, Operand] | None:
    """The whole and the part of it the question names ("staff" and "work in maintenance" over
    "Of its 9,800 staff, 2,150 work in maintenance"): the part said beside its number, of the
    whole's kind, in the whole's sentence or the next."""
    whole = _stated_in_question(intent, pool) or choose(whole_phrase, pool, m, [])
    if whole is None:
        return None
    starts = sorted({o.q.sentence_start for o in pool if o.article_id == whole.article_id})
    k = starts.index(whole.q.sentence_start)
    near = [o for o in pool if o.article_id == whole.article_id and o.q.sentence_start in starts[k:k + 2]
            and not o.same_item(whole) and (same_kind(o, whole) or same_noun(o.q.unit, whole.q.unit))
            and 0 < o.q.value < whole.q.value]
    named = [o for o in near if m.support(part_phrase, o, clause=True) >= 0.5]
    if len({round(o.q.value, 6) for o in named}) != 1:
        return None
    return whole, named[0]


def _listed_parts(part_phrase: str, whole_phrase: str, intent: Intent, pool: list[Operand],
                  m: Matcher) -> tuple[Operand, list[Operand]] | None:
    """ "sold outside Germany and the US" over "168,000 ... in Germany and 95,000 in the US": one
    part for each name the phrase lists, all in one sentence, of the whole's kind."""
    names = [n.strip() for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", part_phrase) if n.strip()]
    if len(names) < 2:
        return None
    chosen = _stated_in_question(intent, pool) or choose(whole_phrase, pool, m, [])
    if chosen is None or not chosen.q.unit or chosen.q.is_money:
        return None
    kin = [o for o in pool if o.article_id == chosen.article_id and same_noun(o.q.unit, chosen.q.unit)]
    parts = []
    for name in names:
        bare = re.sub(r"(?i)^the\s+", "", name)
        said = [o for o in kin if re.search(rf"\b{re.escape(bare)}\b", m.local(o))]
        if len({round(o.q.value, 6) for o in said}) != 1:
            return None
        parts.append(said[0])
    if len({p.q.sentence_start for p in parts}) != 1 or len({p.q.start for p in parts}) != len(parts):
        return None
    # the whole: the count the phrase names unless it is a listed part, else the one larger count
    others = [o for o in kin if all(not o.same_item(p) for p in parts)
              and o.q.value > sum(p.q.value for p in parts)]
    if chosen in others:
        return chosen, parts
    return (others[0], parts) if len({round(o.q.value, 6) for o in others}) == 1 else None


def _near_whole(op: Operand | None, whole: Operand) -> bool:
    return op is not None and op.article_id == whole.article_id and op.q.sentence_start == whole.q.sentence_start


def _stated_in_question(intent: Intent, pool: list[Operand]) -> Operand | None:
    """The article's number equal to an amount the question states ("the $47bn owed")."""
    asked = [(r.value, r.unit) for r in scan(intent.text, "JPY") if r.unit]
    found = [o for o in pool for v, u in asked if o.q.unit == u and abs(o.q.value - v) <= 1e-9 * max(1.0, v)]
    return found[0] if len({(o.article_id, o.q.start) for o in found}) == 1 else None

