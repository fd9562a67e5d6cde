"""Cut an article into overlapping windows of whole sentences, small enough to quote."""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.article import Article
from index.config import ChunkConfig
from index.text.sentences import sentence_spans


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph of a cleaned text (paragraphs are split by blank lines)."""
    pos = 0
    for m in re.finditer(r"\n\s*\n", text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)


def chunk_spans(text: str, cfg: ChunkConfig) -> list[tuple[int, int]]:
    """Windows of up to `max_sentences` sentences (and `max_chars`), inside one paragraph.

    A window starts every `stride` sentences; one that would add nothing new (its end is
    the previous window's end) is skipped. A single over-long sentence stays whole.
    """
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text):
        sents = [(p_start + s, p_start + e) for s, e in sentence_spans(text[p_start:p_end])]
        last_end = -1
        for i in range(0, len(sents), cfg.stride):
            start, end = sents[i]
            for _s, e in sents[i + 1 : i + cfg.max_sentences]:
                if e - start > cfg.max_chars:
                    break
                end = e
            if end > last_end:
                spans.append((start, end))
                last_end = end
    return spans


def chunk_texts(article: Article, cfg: ChunkConfig) -> list[tuple[int, int, str]]:
    """(start, end, text) of each chunk of an article; text == article.text[start:end]."""
    return [(s, e, article.text[s:e]) for s, e in chunk_spans(article.text, cfg)]


def embedding_text(title: str, chunk: str) -> str:
    """What is embedded for a chunk: its article's title gives a bare passage its topic."""
    return f"{title}\n{chunk}" if title else chunk
