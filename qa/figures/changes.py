"""Changes: their size (in amount or per cent), the value before a stated change and after it.

A change is read from what the article states: a level and how it got there ("halved to
$2.9 billion", "rose 22.5% to 41.2bn yen", "up from €16.4 billion"), an amount with its
percentage ("staff costs rose £88m, or 31%"), or one measure stated for two years. The
value answers what was asked: "How much did X fall?" is the size of the fall (positive,
labelled a fall), "How did X change?" keeps the sign.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from index.quantities.quantity import Quantity
from qa.figures.calc import Calc
from qa.figures.intent import Intent
from qa.figures.operand_pool import (
    amounts,
    change_partner,
    earlier_of,
    names_family,
    period_notes,
    prefer_currency,
    words_in,
)
from qa.figures.operands import Matcher, Operand, as_measured, phrase_names
from qa.figures.series import by_years, in_year
from qa.figures.text import amount, exact, label_text, plain
from qa.retrieval.lexical import terms


def value_before(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The value before a stated change: "halved to $2.9 billion" -> $5.8 billion."""
    pool = amounts(ops, percent=True, measure=intent.measure)
    phrase = intent.phrases[0]
    op = m.best(phrase, pool, prefer_currency(intent.currency))
    if op is None or not _changed(op):
        # the closest number states no change: a nearly as close one that does, in a sentence
        # saying the measure's words, or a change the article states in another sentence
        top = max(m.scores(phrase, pool), default=0.0)
        changed = [o for o in pool if _changed(o) and words_in(phrase, o.q.sentence) >= 0.5]
        close = [o for o, s in zip(changed, m.scores(phrase, changed), strict=True) if s >= top - _CLOSE]
        # "How many people did it employ before?" over "taking its workforce to 38,200":
        # the one changed count of the kind the phrase names
        counted = [o for o in pool if _changed(o) and _counts_named(phrase, o.q)]
        if len(close) == 1:
            op = close[0]
        elif len({(o.article_id, o.q.value) for o in counted}) == 1:
            op = counted[0]
        elif (whole := said_with_change(phrase, [o for o in pool if _changed(o)], m)) is not None:
            op = whole
        else:
            level = (op if op is not None and op.q.role == "level" else None) or m.best(
                phrase, [o for o in pool if o.q.role == "level" and o.q.unit != "%"],
                prefer_currency(intent.currency)) or _level_of_rise(phrase, ops)
            return _before_by_rise_elsewhere(phrase, level, ops, m) if level is not None else None
    if m.owned_by_another(phrase, op):
        return None
    return before_of(op, ops, phrase)


_CLOSE = 0.1  # how much less close a number stating a change may match than the closest


def said_with_change(phrase: str, changed: list[Operand], m: Matcher) -> Operand | None:
    """The one number stated with its change whose sentence says every word of the phrase:
    "operating profit fell 64% to 210 billion yen" when a forecast of operating profit
    matched the words closer but states no change to undo."""
    names = phrase_names(phrase)
    whole = [o for o in changed if (words_in(phrase, o.q.sentence) >= 1.0 or _counts_named(phrase, o.q))
             and (not names or m.about(names, o))]  # Tencent's is not Alibaba's
    return whole[0] if len({(o.article_id, o.q.sentence_start, o.q.value) for o in whole}) == 1 else None


def _counts_named(phrase: str, q: Quantity) -> bool:
    """The phrase names what the number counts ("container volumes" of "61,200 containers")."""
    return bool(q.unit) and q.unit != "%" and not q.is_money and names_family(phrase, q.unit)


def _changed(op: Operand) -> bool:
    q = op.q
    return (q.role == "level" and (q.factor is not None or q.delta is not None)) or (
        q.role == "change" and q.unit != "%" and bool(q.change_pct))


# "a 22.5% rise in quarterly profit" ... "Net profit for the three months reached 118.4bn yen"
_RISE_IN = re.compile(r"(?i)^\s*(?:rise|increase|jump|gain|growth|climb|fall|drop|decline|decrease|slump)\s+in\s+"
                      r"(?P<what>[^,.;]{3,60})")


def _level_of_rise(phrase: str, ops: list[Operand]) -> Operand | None:
    """ "an 18.4% rise in fourth-quarter profit" ... "Net profit for the three months to December
    rose to 4.2bn kronor": the one amount of the measure and period the rise names, in its
    article, when the phrase names that rise."""
    for o in ops:
        said = _RISE_IN.match(o.q.sentence[o.q.end - o.q.sentence_start:]) if o.q.unit == "%" else None
        if o.q.role != "change" or not said or words_in(as_measured(phrase), said.group("what")) < 0.5:
            continue
        what = said.group("what")
        period = _PERIOD_WORD.search(what)
        measure = [t for t in terms(_PERIOD_WORD.sub(" ", what)) if t in _MEASURE_TERMS]
        if not measure:
            return None
        levels = [x for x in ops if x.article_id == o.article_id and x.q.role == "level" and x.q.is_money
                  and not x.q.per and x.q.factor is None and x.q.delta is None and x.q.previous is None
                  and set(measure) <= set(terms(x.q.clause))
                  and (period is None or _months(x.q) == _MONTHS[_period_unit(period.group(0))])]
        distinct = {(x.q.sentence_start, x.q.clause_start) for x in levels}
        return levels[0] if len(distinct) == 1 else None
    return None


_PERIOD_WORD = re.compile(r"(?i)\b(?:(?:first|second|third|fourth)[- ])?(?:quarter(?:ly)?|half[- ]year(?:ly)?|"
                          r"annual|full[- ]year|yearly)\b")
_MEASURE_TERMS = frozenset(terms("profit profits revenue revenues sales income earnings loss turnover"))


_MONTHS = {"quarter": 3.0, "half": 6.0, "year": 12.0, "month": 1.0, "week": 12 / 52, "day": 12 / 365}


def _months(q: Quantity) -> float:
    """The months a quantity's period covers ("the six months to September": 6), or 0."""
    return (q.period_count or 1.0) * _MONTHS.get(q.period_unit, 0.0) if q.period_unit else 0.0


def _period_unit(word: str) -> str:
    w = word.lower()
    return "quarter" if "quarter" in w else "half" if "half" in w else "year"


def _before_by_rise_elsewhere(phrase: str, level: Operand, ops: list[Operand], m: Matcher) -> Calc | None:
    """The level before a change the article states in another sentence as "a 22.5% rise in
    quarterly profit": one such change of the level's article, saying the phrase's words."""
    if level.q.role != "level" or level.q.unit == "%" or m.owned_by_another(phrase, level):
        return None
    rises = []
    for o in ops:
        if o.article_id != level.article_id or o.q.unit != "%" or o.q.role != "change":
            continue
        said = _RISE_IN.match(o.q.sentence[o.q.end - o.q.sentence_start:])
        if said and words_in(as_measured(phrase), said.group("what")) >= 0.5:
            rises.append(o)
    named = re.findall(r"\b[A-Z][\w&.-]*", phrase)
    if len(rises) > 1 and named:  # "Rival Yamato Steel ... a 52% rise in half-year profit": not ours
        rises = [o for o in rises if all(n in o.q.sentence for n in named)]
    if len(rises) != 1:
        return None
    pct = rises[0]
    factor = 1 + pct.q.direction * pct.q.value / 100
    if factor <= 0:
        return None
    change = f"{pct.q.text} {'rise' if pct.q.direction > 0 else 'fall'}"
    return Calc(label_text(f"{phrase} before the {'rise' if pct.q.direction > 0 else 'fall'}"),
                level.q.value / factor, level.q.unit, f"{level.q.text} / {exact(factor)} ({change})",
                [(level, 1), (pct, -1)], kind="before")


def before_of(op: Operand, ops: list[Operand], phrase: str, year: str = "") -> Calc | None:
    """The level `op` had before the change stated with it, or None when none is stated."""
    q = op.q
    what = f"{phrase} in {year}" if year else f"{phrase} before the {_noun(q)}"
    label = label_text(what)
    if q.role == "change" and q.unit != "%" and q.change_pct:
        # "staff costs rose £88m, or 31%": the earlier level is £88m / 31%
        pct = next((p for p in ops if p.article_id == op.article_id and p.q.unit == "%"
                    and p.q.sentence_start == q.sentence_start and p.q.value == q.change_pct), None)
        inputs = [(op, 1)] + ([(pct, -1)] if pct else [])
        calc = Calc(label, q.value / (q.change_pct / 100), q.unit,
                    f"{q.text} / {plain(q.change_pct)}%", inputs, kind="before")
        calc.bound = "about" if q.approx == "about" else ""
        return calc
    if q.role != "level" or q.previous is not None:
        return None  # no change stated, or the earlier value is stated outright
    inputs = [(op, 1)] + [(p, -1) for p in change_partner(op, ops)]
    if q.delta is not None:
        sign = "-" if q.delta >= 0 else "+"
        calc = Calc(label, q.value - q.delta, q.unit, f"{q.text} {sign} {amount(abs(q.delta), q.unit)}",
                    inputs, kind="before")
    elif q.factor is not None and q.factor > 0:
        calc = Calc(label, q.value / q.factor, q.unit, undo_factor(q), inputs, kind="before")
    else:
        return None
    calc.bound = change_bound(q, before=True)
    return calc


def value_after(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The value after a stated change: "$9.4 million ... to increase by $2.7 million" -> $12.1m."""
    pool = amounts(ops, percent=True, measure=intent.measure)
    change = m.best(intent.phrases[0], [o for o in pool if o.q.role == "change" and o.q.unit != "%"])
    if change is None:
        return None
    base = [o for o in pool if o.q.role == "level" and o.q.unit == change.q.unit and o.q.per == change.q.per
            and o.article_id == change.article_id and o.q.sentence_start in _near(change, ops)]
    level = m.best(intent.phrases[0], base) if base else None
    if level is None and change.q.change_pct:
        # "operating profit rose £46m, or 18%": from £46m / 18% to that plus £46m
        q = change.q
        before = q.value / (q.change_pct / 100)
        value = before + q.direction * q.value
        sign = "+" if q.direction > 0 else "-"
        return Calc(label_text(f"{intent.phrases[0]} after the {_noun(q)}"), value, q.unit,
                    f"{q.text} / {plain(q.change_pct)}% {sign} {q.text}", [(change, 1)], kind="after")
    if level is None or level.q.delta is not None or level.q.factor is not None:
        return None
    q = change.q
    value = level.q.value + q.direction * q.value
    sign = "+" if q.direction > 0 else "-"
    return Calc(label_text(f"{intent.phrases[0]} after the {_noun(q)}"), value, q.unit,
                f"{level.q.text} {sign} {q.text}", [(level, 1), (change, q.direction)], kind="after",
                notes=period_notes([level, change]))


def _near(op: Operand, ops: list[Operand]) -> set[int]:
    """The sentence of `op` and the one before it in its article."""
    starts = sorted({o.q.sentence_start for o in ops if o.article_id == op.article_id})
    k = starts.index(op.q.sentence_start)
    return set(starts[max(0, k - 1):k + 1])


def change_bound(q: Quantity, before: bool) -> str:
    """ "More than doubled to 4.5 million": at most 2.25 million before, at least 2.25 more."""
    if q.change_approx in ("at least", "at most") and q.factor is not None:
        grows = (q.factor > 1) == (q.change_approx == "at least")
        return ("at most" if grows else "at least") if before else (
            "at least" if grows else "at most")
    return "about" if q.change_approx else ""


def undo_factor(q: Quantity) -> str:
    """ "$4.4 billion / 2 (nearly doubled)", "$2.9 billion × 2 (halved)"."""
    factor = q.factor or 1.0
    inverse = 1 / factor
    how = f"{q.text} × {plain(inverse)}" if factor < 1 and math.isclose(
        inverse, round(inverse)) else f"{q.text} / {exact(factor)}"
    return f"{how} ({q.change_text})" if q.change_text else how


def change_size(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    """The size of a change: between two stated years, or from a level and how it got there.
    "How much did deliveries grow?" of a count, not money, is answered in per cent."""
    calc = _change_size(intent, ops, m)
    if calc is None and intent.measure == "money" and not intent.currency:
        calc = _change_size(replace(intent, measure="", percent=True), ops, m)
        if calc is not None and any(op.q.is_money or not op.q.unit for op, _ in calc.inputs):
            return None
    return calc


def _change_size(intent: Intent, ops: list[Operand], m: Matcher) -> Calc | None:
    pool = amounts(ops, percent=True, measure=intent.measure)
    pool = [o for o in pool if not (o.q.unit == "%" and o.q.role == "change")]
    if len(intent.years) >= 2:
        return _between_years(intent, pool, ops, m)
    op = in_year(intent.phrases[0], intent.years[0], pool, m) if intent.years else None
    # only a number stated with its change can say how much it changed: the others are no rivals
    changed = [o for o in pool if o.q.role == "change" or o.q.previous is not None or o.q.factor is not None
               or o.q.delta is not None]
    op = op or m.best(intent.phrases[0], pool, prefer_currency(intent.currency)) or m.best(
        intent.phrases[0], changed, prefer_currency(intent.currency))
    if op is not None and op not in changed:  # the earlier level of a change stands for it
        op = next((o for o in changed if o.article_id == op.article_id and o.q.previous == op.q.value
                   and o.q.sentence_start == op.q.sentence_start), op)
    if op not in changed and not intent.years:
        op = said_with_change(intent.phrases[0], changed, m) or op  # the closest states no change
    if op is None:
        return None
    if op.q.role == "change":
        return _stated_amount_change(intent, op, ops)
    q = op.q
    inputs = [(op, 1)]
    if q.previous is not None:
        earlier = earlier_of(op, ops)
        before = q.previous
        before_text = earlier.q.text if earlier else amount(before, q.unit)
        inputs += [(earlier, -1)] if earlier else []
        if intent.percent and "%" in q.change_text.replace(q.text, "") and q.unit != "%":
            return None  # the percentage is stated outright
        if q.unit == "%" and earlier is not None:
            return _sized(intent, q.value, before, q.unit, q.text, before_text, inputs, q)
        return _sized(intent, q.value, before, q.unit, q.text, before_text, inputs, q)
    if q.factor is not None and q.factor > 0:
        if intent.percent and "%" in q.change_text:
            return None  # stated outright: "fell 20% to £760 million"
        inputs += [(p, 1) for p in change_partner(op, ops)]
        before = q.value / q.factor
        return _sized(intent, q.value, before, q.unit, q.text, undo_factor(q), inputs, q)
    if q.delta is not None and not intent.percent:
        return None  # stated outright: "increased by £300m to £5.2bn"
    if q.delta is not None:
        before = q.value - q.delta
        return _sized(intent, q.value, before, q.unit, q.text, f"{q.text} - {amount(q.delta, q.unit)}",
                      inputs, q)
    return None


def _stated_amount_change(intent: Intent, op: Operand, ops: list[Operand]) -> Calc | None:
    """ "rose £88m, or 31%": the amount is stated; its percentage too, unless only the amount is."""
    q = op.q
    if not intent.percent or q.change_pct is not None:
        return None  # the asked size is stated outright
    level = next((o for o in ops if o.article_id == op.article_id and o.q.sentence_start == q.sentence_start
                  and o.q.role == "level" and o.q.unit == q.unit and o.q.delta is not None
                  and math.isclose(abs(o.q.delta), q.value)), None)
    if level is None:
        return None
    before = level.q.value - level.q.delta  # type: ignore[operator]
    return _sized(intent, level.q.value, before, q.unit, level.q.text, f"{level.q.text} - {q.text}",
                  [(level, 1), (op, 1)], level.q)


def _between_years(intent: Intent, pool: list[Operand], ops: list[Operand], m: Matcher) -> Calc | None:
    """One measure stated for two years: the later less the earlier (or in per cent of it)."""
    first, last = sorted((intent.years[0], intent.years[-1]))
    pair = by_years(intent.phrases[0], (first, last), pool, m)
    if pair is None:
        pair = _pair_by_change(intent.phrases[0], first, last, pool, ops, m)
    if pair is None:
        return None
    earlier, later = pair
    if earlier.q.unit != later.q.unit:
        return None
    calc = _sized(intent, later.q.value, earlier.q.value, later.q.unit, later.q.text, earlier.q.text,
                  [(later, 1), (earlier, -1)], None, years=(first, last))
    if calc is not None:
        calc.notes += period_notes([earlier, later])
    return calc


def _pair_by_change(phrase: str, first: str, last: str, pool: list[Operand], ops: list[Operand],
                    m: Matcher) -> tuple[Operand, Operand] | None:
    """The later year's level and its stated earlier level, when only one of them is dated."""
    later = in_year(phrase, last, pool, m)
    if later is not None and later.q.previous is not None:
        earlier = earlier_of(later, ops)
        if earlier is not None and earlier.q.when in ("", first):
            return earlier, later
    before = in_year(phrase, first, pool, m)
    if before is not None:
        level = next((o for o in pool if o.article_id == before.article_id and o.q.when in ("", last)
                      and o.q.sentence_start == before.q.sentence_start and o.q.previous == before.q.value
                      and o.q.unit == before.q.unit), None)
        if level is not None:
            return before, level
    return None


def _sized(intent: Intent, now: float, before: float, unit: str, now_text: str, before_text: str,
           inputs: list[tuple[Operand, int]], q: Quantity | None, years: tuple[str, ...] = ()) -> Calc | None:
    """The change from `before` to `now`, as asked: per cent or amount, signed or by the asked direction."""
    rise = now >= before
    asked = intent.direction
    noun = ("rise" if asked > 0 else "fall") if asked else "change"
    when = f" from {years[0]} to {years[1]}" if years else ""
    label = label_text(f"{noun} in {intent.phrases[0]}{when}")
    if intent.percent and unit != "%":  # of two percentages, the change is in points
        if before == 0:
            return None
        signed = (now / before - 1) * 100
        if q is not None and q.previous is None and q.factor and before_text.startswith(q.text):
            how = f"({exact(q.factor)} - 1) × 100 ({q.change_text})" if q.change_text else \
                f"({exact(q.factor)} - 1) × 100"
        else:
            below = f"({before_text})" if re.search(r"\s[-+×/]\s", before_text) else before_text
            how = f"({now_text} / {below} - 1) × 100"
        unit_out = "%"
        extra = ""
    else:
        signed = now - before
        how = f"{now_text} - {before_text}"
        unit_out = unit
        extra = f"{plain((now / before - 1) * 100)}%" if before and unit != "%" else ""
        if extra and not extra.startswith("-"):
            extra = f"+{extra}"
    value = signed if not asked else (abs(signed) if (asked > 0) == rise else -abs(signed))
    calc = Calc(label, value, unit_out, how, inputs, kind="change", extra=extra)
    calc.signed = signed
    if asked and (asked > 0) != rise and signed != 0:
        calc.notes.append(f"It {'rose' if rise else 'fell'}, not {'rose' if asked > 0 else 'fell'}.")
    if q is not None:
        calc.bound = change_bound(q, before=False)
    return calc


def _noun(q: Quantity) -> str:
    """ "rise", "fall" or "change": what the article says happened ("premium": an offer's)."""
    if q.change_text.endswith("premium"):
        return "premium"
    if q.factor is not None:
        return "rise" if q.factor > 1 else "fall"
    if q.delta is not None:
        return "rise" if q.delta > 0 else "fall"
    if q.direction:
        return "rise" if q.direction > 0 else "fall"
    return "change"
