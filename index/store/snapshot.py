"""A read-only view of one published index version.

Metadata is loaded at open, and so are FAISS vectors, so a question is answered wholly
from one version even while a newer one is being published. On Milvus the vectors stay
in the collection and the store reads only the rows of this version (a filter on the
builds it names), which a newer version being written does not change.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.article import Article, Chunk
from index.config import IndexConfig
from index.errors import IndexCorruptError
from index.store.layout import METADATA, require_version
from index.store.lexicon import VersionTerms
from index.store.metadata import ArticleInfo, load_articles, load_chunks, load_quantities, open_readonly
from index.store.milvus_store import MilvusStore, store_entry
from index.store.segments import merged_store, read_layout, read_manifest
from index.store.vector_store import FaissStore


@dataclass
class IndexSnapshot:
    version: Path
    manifest: dict
    articles: dict[str, Article]
    chunks: dict[int, Chunk]
    quantities: dict[str, list[dict]]
    store: FaissStore | MilvusStore
    _terms: VersionTerms | None = field(default=None, repr=False, compare=False)

    @classmethod
    def open(cls, cfg: IndexConfig) -> IndexSnapshot:
        return cls.open_version(require_version(cfg), cfg.milvus_uri if cfg.store == "milvus" else None)

    @property
    def store_kind(self) -> str:
        """The vector store this version was written to: faiss or milvus."""
        return "milvus" if store_entry(self.manifest) else "faiss"

    @classmethod
    def open_version(cls, version: Path, milvus_uri: str | None = None) -> IndexSnapshot:
        """`milvus_uri`: where this reader reaches Milvus, when not where the version was built."""
        manifest = read_manifest(version)
        layout = read_layout(manifest)
        articles: dict[str, Article] = {}
        chunks: dict[int, Chunk] = {}
        quantities: dict[str, list[dict]] = {}
        try:
            for name in layout.segments:
                dropped = set(layout.dropped.get(name, ()))
                db = open_readonly(layout.segment_dir(version, name) / METADATA)
                try:
                    articles |= {a: art for a, art in load_articles(db).items() if a not in dropped}
                    chunks |= {c.id: c for c in load_chunks(db) if c.article_id not in dropped}
                    quantities |= {a: q for a, q in load_quantities(db).items() if a not in dropped}
                finally:
                    db.close()
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise IndexCorruptError(
                f"index metadata in {version} is unreadable ({exc}); run `newsqa index rebuild`"
            ) from None
        for aid, (path, size, mtime) in layout.files.items():
            if aid in articles:
                articles[aid] = replace(articles[aid], path=path, file_stat=(size, mtime))
        store: FaissStore | MilvusStore = (MilvusStore.open(manifest, milvus_uri) if store_entry(manifest)
                              else merged_store(version, layout))
        if len(chunks) != len(store):
            raise IndexCorruptError(
                f"index in {version} holds {len(store)} vectors for {len(chunks)} chunks; "
                "run `newsqa index rebuild`"
            )
        return cls(version, manifest, articles, chunks, quantities, store)

    def store_terms(self) -> VersionTerms | None:
        """The version's BM25 term statistics when its store searches BM25 itself (Milvus,
        built with terms), read at the first call; None on FAISS, whose retriever builds
        its BM25 in memory."""
        if not (isinstance(self.store, MilvusStore) and self.store.bm25_terms):
            return None
        if self._terms is None:
            self._terms = VersionTerms(self.version, read_layout(self.manifest))
        return self._terms

    def article_infos(self) -> list[ArticleInfo]:
        counts: dict[str, int] = {}
        for c in self.chunks.values():
            counts[c.article_id] = counts.get(c.article_id, 0) + 1
        return [
            ArticleInfo(a.id, a.title, a.author, a.date, a.source, counts.get(a.id, 0))
            for a in sorted(self.articles.values(), key=lambda a: (a.date, a.id), reverse=True)
        ]
