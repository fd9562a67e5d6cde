"""Which operands fit together: amounts of one kind, a common unit, periods, partners in one sentence."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from index.quantities.patterns import TIME_UNITS
from index.quantities.quantity import Quantity
from qa.figures.operands import Matcher, Operand, part_of


def amounts(ops: list[Operand], percent: bool = False, measure: str = "") -> list[Operand]:
    """Operands that can be added or divided: money, counts (and % when asked).


    "How much" asks for money and "how many" for a count, so the other kind is left out.
    """
    out = []
    for op in ops:
        q = op.q
        if (measure == "money" and not q.is_money and not is_measure(q.unit)) or (
                measure == "count" and (q.is_money or q.unit == "%")) or (
                measure == "percent" and q.unit != "%"):
            continue
        if "/" in q.unit or q.unit == "x" or (q.unit == "%" and not percent):
            continue
        if q.unit.rstrip("s") in TIME_UNITS or q.unit == "times":
            continue
        out.append(op)
    return out


# Units "how much" asks about as it does money: mass, volume, energy, area.
_MEASURES = frozenset("""tonnes tons tonne ton barrels barrel ounces ounce litres liters gallons cubic
kilograms kg pounds-weight kilowatt-hours kwh megawatt-hours mwh gigawatt-hours gwh terawatt-hours twh
megawatts gigawatts kilowatts acres hectares bushels carats""".split())  # noqa: SIM905


def is_measure(unit: str) -> bool:
    return unit.lower() in _MEASURES


def prefer_currency(currency: str) -> Callable[[Operand], int]:
    return lambda op: int(op.q.unit == currency)


def years_of(q: Quantity) -> float | None:
    per_year = q.periods_per_year
    return 1 / per_year if per_year else None


def period_notes(ops: list[Operand]) -> list[str]:
    notes = []
    spans = [(years_of(o.q), o) for o in ops]
    known = [(y, o) for y, o in spans if y is not None]
    if len(known) >= 2 and any(not math.isclose(y, known[0][0]) for y, _ in known):
        parts = "; ".join(f"{o.q.text} is {o.q.period_text}" for _, o in known)
        notes.append(f"The periods differ: {parts}.")
    if len({o.article_id for o in ops}) > 1:
        notes.append("The numbers come from different articles.")
    return notes


def earlier_of(op: Operand, ops: list[Operand]) -> Operand | None:
    """The quantity stating a level's earlier value ("up from €16.4 billion")."""
    return next((o for o in ops if o.article_id == op.article_id
                 and o.q.sentence_start == op.q.sentence_start and o.q.unit == op.q.unit
                 and o.q.value == op.q.previous and o.q.start != op.q.start), None)


def change_partner(op: Operand, ops: list[Operand]) -> list[Operand]:
    """The stated change a level came from ("up 94%" for "$35.1 billion, up 94%"; "a 19%
    premium" for the price it puts on a share)."""
    premium = op.q.change_text.endswith(" premium")
    return [o for o in ops if o.article_id == op.article_id and (o.q.role == "change" or (premium and o.q.unit == "%"))
            and o.q.sentence_start == op.q.sentence_start and o.q.text in op.q.change_text][:1]


def twin_of(op: Operand, ops: list[Operand]) -> Operand | None:
    """The operand for the other side of a stated conversion."""
    return next((o for o in ops if o.article_id == op.article_id
                 and o.q.start == op.q.equiv_start), None)


def common_unit(chosen: list[Operand], ops: list[Operand], currency: str
                 ) -> list[Operand] | None:
    """The chosen operands in one unit, using stated conversions ("($53.8 billion)").


    Counts must share their noun; currencies are mixed only through a conversion the
    article states for that very number. Otherwise there is no common unit.
    """
    units = [currency] if currency else []
    for op in chosen:
        units += [op.q.unit] + ([op.q.equiv_unit] if op.q.equiv_unit else [])
    for unit in dict.fromkeys(u for u in units if u):
        out = []
        for op in chosen:
            if op.q.unit == unit or (not op.q.is_money and unit != "%" and op.q.unit != "%" and (
                    op.q.unit.rstrip("s") == unit.rstrip("s") or op.q.unit.lower() in noun_family(unit))):
                out.append(op)
            elif op.q.equiv_unit == unit:
                twin = twin_of(op, ops)
                if twin is None:
                    break
                out.append(twin)
            else:
                break
        else:
            return out
    return None


# Counts of one kind of thing under different nouns: a job cut is a person employed.
_FAMILIES = [
    frozenset({"jobs", "job", "staff", "employees", "employee", "workers", "worker", "people", "persons",
               "positions", "roles", "posts", "headcount", "workforce", "employ", "employs", "employed", "employing"}),
    frozenset({"shares", "share", "stock"}),
    frozenset({"cars", "car", "vehicles", "vehicle", "units"}),
    frozenset({"shops", "shop", "stores", "store", "outlets", "branches", "restaurants", "cafes", "pubs"}),
    frozenset({"customers", "customer", "clients", "client", "users", "user", "subscribers", "subscriber",
               "accounts", "members"}),
]


def noun_family(unit: str) -> frozenset[str]:
    """The nouns counted as the same thing as `unit` ("jobs" and "people")."""
    u = unit.lower()
    return next((f for f in _FAMILIES if u in f), frozenset({u, u.rstrip("s")}))


def same_kind(a: Operand, b: Operand) -> bool:
    """Two amounts that can be added, subtracted or divided as like for like.

    Money must be in one currency (or stated in it); a price of one thing ("$23.10 a
    share") never meets a total ("$8bn"); counts must count one kind of thing.
    """
    qa, qb = a.q, b.q
    if qa.per != qb.per:
        return False
    if qa.is_money or qb.is_money:
        return qa.is_money and qb.is_money and (qa.unit == qb.unit or qb.unit in (qa.equiv_unit,)
                                                or qa.unit in (qb.equiv_unit,))
    if qa.unit == "%" or qb.unit == "%":
        return qa.unit == qb.unit
    if not qa.unit or not qb.unit:
        return not qa.unit and not qb.unit
    return qb.unit.lower() in noun_family(qa.unit) or qa.unit.rstrip("s") == qb.unit.rstrip("s")


def kind_note(a: Operand, b: Operand) -> str:
    """Say so when two counts are taken as one kind under different nouns ("jobs", "people")."""
    ua, ub = a.q.unit, b.q.unit
    if ua and ub and not a.q.is_money and ua != "%" and ua.rstrip("s") != ub.rstrip("s"):
        return f"The article counts {ua} and {ub}; they are taken as the same thing here."
    return ""


def same_value(a: Operand, b: Operand) -> bool:
    return a.q.unit == b.q.unit and math.isclose(a.q.value, b.q.value)


def same_noun(u: str, v: str) -> bool:
    return bool(u) and (u == v or (u.rstrip("s") == v.rstrip("s") and u != "%" and not (
        len(u) == 3 and u.isupper())))


def names_noun(phrase: str, unit: str) -> bool:
    """The phrase itself names the counted noun: "people" for "19,234 people"."""
    stem = unit.lower()[:5].rstrip("s")
    return any(w[:5].rstrip("s") == stem for w in re.findall(r"[a-z]+", phrase.lower()))


def names_family(phrase: str, unit: str) -> bool:
    """The phrase names the counted thing by any of its nouns ("staff" for "84,000 people")."""
    words = {w for w in re.findall(r"[a-z]+", phrase.lower())}
    return names_noun(phrase, unit) or (bool(words & noun_family(unit)) and len(noun_family(unit)) > 2)


def choose(phrase: str, pool: list[Operand], m: Matcher, contrast: list[str]) -> Operand | None:
    """The operand `phrase` means: by meaning, else by the counted noun it names, else by
    the words right next to a number when two numbers share one clause ("employs 84,000
    people ... could cut up to 12,000 jobs")."""
    op = m.best(phrase, pool, contrast=contrast)
    if op is not None:
        return op
    named = [o for o in pool if o.q.unit and o.q.unit != "%" and not o.q.is_money
             and names_family(phrase, o.q.unit)]
    if named and all(same_value(o, named[0]) for o in named[1:]):
        return named[0]
    cands = named or pool
    if not cands:
        return None
    named_words = [re.sub(r"(?:'s|’s)$", "", w) for w in re.findall(r"\b[A-Z][\w&.'’-]*", phrase)
                   if w.lower() not in _FILLER]
    if named_words and any(all(w in o.q.sentence for w in named_words) for o in cands):
        # "Tom Evans hit": a number said of Tom Evans, when some sentence names him
        cands = [o for o in cands if all(w in o.q.sentence for w in named_words)]
    scores = m.scores(phrase, cands, contrast)
    top = max(scores)
    close = [o for o, s in zip(cands, scores, strict=True) if s >= top - 0.1]
    backed = sorted(((near_words(phrase, o, m), o) for o in close), key=lambda t: -t[0])
    if backed and backed[0][0] >= 0.5 and (len(backed) == 1 or backed[1][0] < backed[0][0]):
        return backed[0][1]
    return None


def lenient_best(phrase: str, pool: list[Operand], m: Matcher, floor: float = 0.3,
                 margin: float = 0.1) -> Operand | None:
    """The clear best when the rest of the question already pins the operand's kind down
    (the count asked per unit is found by its noun: its total need not match as closely)."""
    if not pool:
        return None
    ranked = sorted(zip(m.scores(phrase, pool), range(len(pool)), strict=True), key=lambda t: (-t[0], t[1]))
    top, i = ranked[0]
    i = m.whole_or_part(phrase, pool, i, [j for _, j in ranked])
    rivals = [s for s, j in ranked if j != i and not same_value(pool[j], pool[i]) and not pool[j].same_item(pool[i])
              and not part_of(pool[j], pool[i]) and not part_of(pool[i], pool[j])]
    if top < floor or (rivals and top - rivals[0] < margin):
        return None
    return pool[i]


def near_words(phrase: str, op: Operand, m: Matcher) -> float:
    """The share of the phrase's words (names aside) said right next to the number."""
    return words_in(phrase, m.local(op))


def words_in(phrase: str, text: str) -> float:
    """The share of the phrase's words (names aside) that `text` says."""
    want = _stems(re.sub(r"\b[A-Z][\w&.'’-]*", " ", phrase))
    if not want:
        return 0.0
    return len(want & _stems(text)) / len(want)


_FILLER = frozenset("""the and for with that this from into what which does did has have had was were are
its their could would can will how much many more less about per share percentage percent portion
proportion part whole total""".split())  # noqa: SIM905


def _stems(text: str) -> set[str]:
    return {w[:5].rstrip("s") for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in _FILLER}


def is_part(op: Operand) -> bool:
    """ "140 of its 400 stores", "412,000 of the vehicles sold": a part of a count stated as such."""
    after = op.q.sentence[op.q.end - op.q.sentence_start:]
    return re.match(r"(?i)\s+of\s+(?:all\s+)?(?:the|its|their|his|her|our)\b", after) is not None


def per_something(q: Quantity) -> bool:
    """ "88 people per square mile", "4,111.5/sq mi": a density or rate, not a count."""
    after = q.sentence[q.end - q.sentence_start:]
    return re.match(r"(?i)\s*(?:[a-z-]+\s+)?(?:per|/|a\s+(?:day|week|month|year|game))\b|\s*/",
                    after) is not None


def supported_side(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    """The operand `phrase` means, said right next to its number, or None.


    The words next to the number must name what the phrase names (`Matcher.support`),
    cover at least half its words, more than any other number's words do, and the
    model's closest match among the numbers that name it must agree. The model's floor
    is not asked for: a short phrase ("white") scores low against a long clause, and
    the words beside the number already say what it counts.
    """
    scored = [(m.support(phrase, op, other), op) for op in pool]
    named = [(s, op) for s, op in scored if s >= 0]
    if not named:
        return None
    top = max(s for s, _ in named)
    leaders = [op for s, op in named if s == top]
    if top < 0.5 or any(not same_value(o, leaders[0]) for o in leaders[1:]):
        return None
    first = next(iter(w[:5].rstrip("s") for w in re.findall(r"[a-z]+", phrase.lower())
                      if len(w) > 2 and w not in _FILLER), "")
    if first and first not in _stems(m.local(leaders[0])) and any(
            first in _stems(m.local(o)) for _, o in named
            if o.q.sentence_start == leaders[0].q.sentence_start and not same_value(o, leaders[0])):
        return None  # "10.0% of the population and 6.9% of families are below the line": whose is the rest?
    pool = [o for _, o in named]
    scores = m.scores(phrase, pool, contrast=[other] if other else ())
    op = pool[max(range(len(pool)), key=lambda i: scores[i])]
    return op if same_value(op, leaders[0]) else None
