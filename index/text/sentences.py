"""Sentence spans from a real segmenter (pysbd), as offsets into the text."""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

# pysbd is rule-based and slow on pathological input; past this size a plain
# punctuation splitter keeps indexing a huge paragraph linear.
_PYSBD_MAX_CHARS = 20_000
_SIMPLE_BOUNDARY = re.compile(r"[.!?][\"'”’)]*(?=\s)")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _pysbd_sentences(text: str) -> list[str]:
    """pysbd's sentences without its `segment` step that matches each one back with a
    freshly compiled regex (a third of its time); offsets are found below instead."""
    segmenter = _segmenter()
    return list(segmenter.processor(text).process())


def _simple_split(text: str) -> list[str]:
    pieces, pos = [], 0
    for m in _SIMPLE_BOUNDARY.finditer(text):
        pieces.append(text[pos : m.end()])
        pos = m.end()
    pieces.append(text[pos:])
    return pieces


def rough_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans cut at end punctuation only: fast enough to score passages per question."""
    return _fallback_spans(text)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, stripped of surrounding white space."""
    return list(_cached_spans(text))


@lru_cache(maxsize=1024)
def _cached_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cleaning, chunking and quantity extraction split the same paragraphs: split each once."""
    return tuple(_spans(text))


def _spans(text: str) -> list[tuple[int, int]]:
    if not text.strip():
        return []
    try:
        pieces = _pysbd_sentences(text) if len(text) <= _PYSBD_MAX_CHARS else None
    except Exception:  # pysbd raises on odd Unicode now and then; fall back, never fail
        pieces = None
    if pieces is None:
        pieces = _simple_split(text)
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        i = text.find(piece, pos)
        if i < 0:  # the segmenter altered the text: trust offsets, not its output
            return _fallback_spans(text)
        spans.append((i, i + len(piece)))
        pos = i + len(piece)
    return spans


def _fallback_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for piece in _simple_split(text):
        stripped = piece.strip()
        if stripped:
            i = text.find(stripped, pos)
            spans.append((i, i + len(stripped)))
            pos = i + len(stripped)
    return spans
