"""Chunks are verbatim sentence windows that overlap and stay small enough to quote."""

from __future__ import annotations

import itertools

from index.config import ChunkConfig
from index.intake.loading import load_article
from index.text.chunking import chunk_texts
from index.text.sentences import sentence_spans
from tests.conftest import SEED


def test_chunks_are_verbatim_bounded_and_overlapping() -> None:
    a = load_article(SEED)
    cfg = ChunkConfig()
    chunks = chunk_texts(a, cfg)
    assert len(chunks) > 5
    for start, end, text in chunks:
        assert a.text[start:end] == text
        assert "\n" not in text  # never across paragraphs
        assert len(text) <= cfg.max_chars or len(sentence_spans(text)) == 1
    overlaps = sum(1 for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(chunks) if s2 < e1)
    assert overlaps >= len(chunks) // 2
    covered = "".join(a.text[s:e] for s, e, _ in chunks)
    for sentence in ("Net income halved to $2.9 billion as a result.",
                     "In February, online retailer JD.com Inc. made a surprise entry"):
        assert sentence in covered


def test_one_sentence_chunks() -> None:
    a = load_article(SEED)
    chunks = chunk_texts(a, ChunkConfig(max_sentences=1))
    assert any(t == "Net income halved to $2.9 billion as a result." for _, _, t in chunks)
