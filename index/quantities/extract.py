"""Quantities in an article's cleaned text, found once at index time.

Computed figures may only use numbers the article states, so every number is kept
with its exact span, the sentence and clause that say what it measures, the period
it covers, any change it states ("halved to", "grew 34 per cent") and any
parenthetical conversion ("380 billion yuan ($53.8 billion)"). A focused set of
regular expressions does this: quantulum3 reads "($53.8 billion)" as negative and
"bn" as bit-newtons, and price-parser reads one price per string without offsets.
Extraction never raises: a number it cannot read is only a number missed.

The work is split by step: `scan` finds numbers, `spans` their sentence and clause,
`context` the change and period they state and `links` joins neighbours; the tables
live in `patterns` and the record in `quantity`. This module is the entry point.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from index.quantities.context import read_context
from index.quantities.dates import read_years
from index.quantities.links import link
from index.quantities.lists import drop_repeats, part_units, place_units, share_units
from index.quantities.patterns import WORD_VALUES, YEN_IS_YEN, YEN_IS_YUAN
from index.quantities.quantity import Quantity
from index.quantities.scan import MAX_QUANTITIES, approx_text, scan
from index.quantities.spans import clause_of, sentence_of, sentences

__all__ = ["MAX_QUANTITIES", "WORD_VALUES", "Quantity", "extract_quantities"]

log = logging.getLogger(__name__)


# --- public entry -----------------------------------------------------------


def extract_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order; never raises."""
    if not isinstance(text, str) or not text:
        return []
    try:
        return _extract(text)
    except Exception:  # a bug here must not stop indexing; the article is still quotable
        log.exception("quantity extraction failed; article indexed without quantities")
        return []


def _extract(text: str) -> list[Quantity]:
    yen = "CNY" if YEN_IS_YUAN.search(text) and not YEN_IS_YEN.search(text) else "JPY"
    raws = scan(text, yen)
    spans = sentences(text)
    starts = [s for s, _ in spans]
    clause_cache: dict[int, list[tuple[int, int]]] = {}
    out: list[Quantity] = []
    for raw in raws:
        ss, se = sentence_of(raw, spans, starts, text)
        cs, ce = clause_of(text, ss, se, raw.start, raw.end, clause_cache)
        q = Quantity(
            value=raw.value, unit=raw.unit, text=text[raw.start:raw.end],
            start=raw.start, end=raw.end, sentence=text[ss:se], sentence_start=ss,
            sentence_end=se, clause=text[cs:ce], clause_start=cs, clause_end=ce,
            approx=raw.approx, approx_text=approx_text(text, raw))
        out.append(read_context(text, q))
    out = _crowns(text, out)
    out = place_units(text, link(text, part_units(text, share_units(text, drop_repeats(text, out)))))
    return read_years(text, out)


_CROWN_NATIONS = (("norw", "NOK"), ("danish", "DKK"), ("denmark", "DKK"), ("czech", "CZK"))


def _crowns(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Bare "crowns" are the currency of the nation the article is about (Swedish unless it says
    Norwegian, Danish or Czech), as a bare "yen" is yuan in a story about China."""
    lowered = text.lower()
    if "swed" in lowered:
        return qs
    code = next((c for word, c in _CROWN_NATIONS if word in lowered), "")
    if not code:
        return qs
    return [replace(q, unit=code) if q.unit == "SEK" and re.search(r"(?i)\bkron|\bcrown", q.text) else q
            for q in qs]
