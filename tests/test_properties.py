"""Property tests: arbitrary text never crashes the cleaner, the segmenter or the chunker,
and every chunk stays a verbatim slice of the cleaned text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.config import ChunkConfig
from index.errors import ArticleError
from index.intake.loading import load_article, make_article
from index.text.chunking import chunk_texts
from index.text.cleaning import clean_text
from index.text.sentences import sentence_spans

NASTY = st.sampled_from([
    "1e308", "$-0", "NaN", "1,2,3", "\u202eevil\u202c", "مرحبا بالعالم.", "שלום.", "\x00", "\x1b[31m",
    "😀😀", "\ufeff", "U.S.", "e.g.", "3.5%", "...", "?!", "\r\n", "\n\n", "  ", "Dr. Smith.", "<b>x</b>",
])
TEXT = st.lists(st.one_of(st.text(max_size=80), NASTY), max_size=30).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_clean_and_chunk_never_crash_and_stay_verbatim(raw: str) -> None:
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned  # cleaning is idempotent
    for start, end in sentence_spans(cleaned):
        assert 0 <= start < end <= len(cleaned)
    if not cleaned.strip():
        return
    article = make_article("a", cleaned, {})
    for start, end, text in chunk_texts(article, ChunkConfig()):
        assert article.text[start:end] == text and text.strip()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_load_or_fail_with_one_line(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "x.txt"
    path.write_bytes(data)
    try:
        article = load_article(path)
    except ArticleError as exc:
        assert "\n" not in str(exc)
        return
    assert article.text.strip()


def test_megabyte_line_is_handled(tmp_path: Path) -> None:
    line = ("Revenue rose 5 per cent to $1.2 billion in the quarter " * 20_000)[:1_000_000]
    path = tmp_path / "big.txt"
    path.write_text(line)
    article = load_article(path)
    chunks = chunk_texts(article, ChunkConfig())
    assert chunks and all(article.text[s:e] == t for s, e, t in chunks)
