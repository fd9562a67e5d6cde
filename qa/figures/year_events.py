"""Which two stated years an "elapsed" question means: the earlier one, then the later.

A year dates everything its sentence says, so an event is matched to a sentence
that states exactly one year (a sentence with several years does not say which of
them its event had). The matcher must be confident, the event's names must be in
that sentence, and the two events must land in different sentences with different
years. A span ("how many years did the war last?") must be stated as a range in
the sentence it matches. Anything less certain gives None, so no figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.quantities.quantity import Quantity
from qa.figures.intent import Intent, names
from qa.figures.operands import Embed, Matcher, Operand
from qa.figures.years import find_year, ranges_in, sentences, years_in

MIN_WORDS = 0.5  # share of the event's words its sentence must hold
_STOP = frozenset("""the and for with that this from into when what which did does was were
are had has have after before between until then they their them there his her its
how many years year take took""".split())  # noqa: SIM905


def elapsed_years(intent: Intent, quantities: Sequence[tuple[str, Quantity]],
                  embed: Embed | None) -> tuple[Operand, Operand] | None:
    """(earlier, later) year operands for `intent`, or None when in any doubt."""
    if intent.unit == "named":
        return _named(intent, quantities)
    if intent.unit == "span":
        return _span(intent, quantities, embed)
    return _events(intent, quantities, embed)


def _named(intent: Intent, quantities: Sequence[tuple[str, Quantity]]
           ) -> tuple[Operand, Operand] | None:
    found = [find_year(int(y), quantities) for y in intent.phrases]
    if any(f is None for f in found):
        return None  # the article does not state one of the years
    a, b = sorted((Operand(aid, q, 0) for aid, q in found if q is not None),
                  key=lambda o: o.q.value)
    return (a, b) if a.q.value < b.q.value else None


def _single_year_sentences(quantities: Sequence[tuple[str, Quantity]]) -> list[Operand]:
    """One operand per visible sentence that states exactly one distinct year."""
    out = []
    for rank, (aid, q) in enumerate(sentences(quantities)):
        years = years_in(q)
        if years and len({y.value for y in years}) == 1:
            out.append(Operand(aid, years[0], rank))
    return out


def _events(intent: Intent, quantities: Sequence[tuple[str, Quantity]],
            embed: Embed | None) -> tuple[Operand, Operand] | None:
    pool = _single_year_sentences(quantities)
    if len(pool) < 2:
        return None
    m = Matcher(pool, embed)
    first, second = intent.phrases
    a = _event_year(first, second, pool, m)
    b = _event_year(second, first, pool, m)
    if a is None or b is None or a.q.sentence_start == b.q.sentence_start:
        return None
    if a.q.value == b.q.value:
        return None
    if intent.direction > 0:
        return (a, b) if a.q.value < b.q.value else None  # the question says b came later
    return (a, b) if a.q.value < b.q.value else (b, a)


def _event_year(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    op = m.best(phrase, pool, contrast=[other])
    if op is None:
        return _by_words(phrase, other, pool, m)
    return op if _said_in(phrase, other, op, m) else None


def _by_words(phrase: str, other: str, pool: list[Operand], m: Matcher) -> Operand | None:
    """The one sentence that holds the event's names and most of its words.

    A short event ("the Swedes took Gdov") scores low against a long sentence by
    meaning, yet its names pick the sentence out: the sentence holding them and more
    of the event's words than any other (with another year) is the one.
    """
    if not names(phrase):
        return None  # "his death": without a name, words alone are too weak
    words = _stems(phrase)
    scored = sorted(((len(words & _stems(op.q.sentence)), op) for op in pool
                     if _said_in(phrase, other, op, m)), key=lambda t: -t[0])
    if not scored:
        return None
    top, op = scored[0]
    if any(n == top and o.q.value != op.q.value for n, o in scored[1:]):
        return None  # two sentences with different years say it equally well
    return op


def _said_in(phrase: str, other: str, op: Operand, m: Matcher) -> bool:
    """The sentence names what the phrase names and holds most of its words."""
    if m.support(phrase, op, other, clause=True) < 0:
        return False  # a name the phrase has is missing from the sentence
    words = _stems(phrase)
    return bool(words) and len(words & _stems(op.q.sentence)) >= MIN_WORDS * len(words)


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return {w[:5] for w in words if len(w) > 2 and w not in _STOP}


def _span(intent: Intent, quantities: Sequence[tuple[str, Quantity]],
          embed: Embed | None) -> tuple[Operand, Operand] | None:
    """The one range stated in the sentence the span's phrase clearly means."""
    pool: list[Operand] = []
    ends: dict[int, Operand] = {}
    for rank, (aid, q) in enumerate(sentences(quantities)):
        spans = ranges_in(q)
        if len(spans) == 1:  # a second span would leave the phrase a choice
            op = Operand(aid, spans[0].first, rank)
            pool.append(op)
            ends[id(op)] = Operand(aid, spans[0].last, rank)
    if not pool:
        return None
    m = Matcher(pool, embed)
    phrase = intent.phrases[0]
    op = m.best(phrase, pool)
    if op is None or not _said_in(phrase, "", op, m):
        return None
    return op, ends[id(op)]
