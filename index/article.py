"""What an article is once loaded: cleaned text plus the metadata a citation needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article. `text` is the cleaned text every offset and quote refers to."""

    id: str
    text: str
    title: str
    author: str = ""
    date: str = ""
    source: str = ""
    path: str = ""
    warnings: tuple[str, ...] = field(default=())
    file_stat: tuple[int, int] = (-1, -1)  # (size, mtime_ns) of the file it was read from

    @property
    def content_hash(self) -> str:
        """Hash of the cleaned text: unchanged text means unchanged embeddings."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """A quotable span of an article: `text == article.text[start:end]`."""

    id: int
    article_id: str
    start: int
    end: int
    text: str
