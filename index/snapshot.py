"""A read-only, in-memory view of one published index version.

Everything is loaded at open, so a question is answered wholly from one version even
while a newer one is being published.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from index.article import Article, Chunk
from index.config import IndexConfig
from index.errors import IndexCorruptError
from index.layout import MANIFEST, METADATA, VECTORS, require_version
from index.metadata import ArticleInfo, load_articles, load_chunks, load_quantities, open_readonly
from index.vector_store import FaissStore


@dataclass
class IndexSnapshot:
    version: Path
    manifest: dict
    articles: dict[str, Article]
    chunks: dict[int, Chunk]
    quantities: dict[str, list[dict]]
    store: FaissStore

    @classmethod
    def open(cls, cfg: IndexConfig) -> IndexSnapshot:
        return cls.open_version(require_version(cfg))

    @classmethod
    def open_version(cls, version: Path) -> IndexSnapshot:
        try:
            manifest = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(
                f"index manifest in {version} is unreadable ({exc.__class__.__name__}); "
                "run `newsqa index rebuild`"
            ) from None
        store = FaissStore.load(version / VECTORS)
        try:
            db = open_readonly(version / METADATA)
            try:
                articles = load_articles(db)
                chunks = {c.id: c for c in load_chunks(db)}
                quantities = load_quantities(db)
            finally:
                db.close()
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise IndexCorruptError(
                f"index metadata in {version} is unreadable ({exc}); run `newsqa index rebuild`"
            ) from None
        if len(chunks) != len(store):
            raise IndexCorruptError(
                f"index in {version} holds {len(store)} vectors for {len(chunks)} chunks; "
                "run `newsqa index rebuild`"
            )
        return cls(version, manifest, articles, chunks, quantities, store)

    def article_infos(self) -> list[ArticleInfo]:
        counts: dict[str, int] = {}
        for c in self.chunks.values():
            counts[c.article_id] = counts.get(c.article_id, 0) + 1
        return [
            ArticleInfo(a.id, a.title, a.author, a.date, a.source, counts.get(a.id, 0))
            for a in sorted(self.articles.values(), key=lambda a: (a.date, a.id), reverse=True)
        ]
