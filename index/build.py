"""Bring the index in line with the corpus: embed only what is new or changed.

Like simonw/llm's embeddings, an article whose content hash is unchanged keeps its
vectors; deleted articles are dropped; every run publishes a whole new version
(see index/layout.py) or nothing at all.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.article import Article, Chunk
from index.chunking import chunk_texts, embedding_text
from index.config import IndexConfig
from index.embedder import Embedder, get_embedder
from index.errors import ArticleError, IndexCorruptError, NewsqaError
from index.layout import (
    MANIFEST,
    METADATA,
    VECTORS,
    build_lock,
    current_version,
    index_home,
    new_workdir,
    publish,
)
from index.loading import is_article_file, load_article
from index.metadata import (
    MIGRATIONS,
    applied_migrations,
    article_hashes,
    chunk_ids_of,
    connect,
    delete_articles,
    insert_article,
    load_articles,
    next_chunk_id,
)
from index.quantities import extract_quantities
from index.vector_store import FaissStore, fit_store

# Past this many chunks an embedding run takes over a second here: show a progress bar.
PROGRESS_MIN_CHUNKS = 200


@dataclass
class UpdateReport:
    """What an update did, for `newsqa index update` to print."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    total_chunks: int = 0
    version: str = ""

    migrated: bool = False  # metadata (schema, file stats) changed: publish with no article change

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def indexed_articles(cfg: IndexConfig) -> dict[str, Article]:
    """The articles of the published index by file path; {} when there is none or it is unreadable."""
    version = current_version(index_home(cfg)) if index_home(cfg).is_dir() else None
    if version is None:
        return {}
    try:
        db = sqlite3.connect(f"file:{version / METADATA}?mode=ro", uri=True)
        try:
            return {a.path: a for a in load_articles(db).values()}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return {}


def scan_corpus(
    cfg: IndexConfig, report: UpdateReport, cache: dict[str, Article] | None = None
) -> dict[str, Article]:
    """Every readable article of the corpus; bad files are reported, never fatal.

    A file whose size and mtime match the published index is not read again: its
    cleaned text comes from the index (cleaning is the slow part of a scan).
    """
    folder = cfg.corpus_dir
    if not folder.is_dir():
        raise NewsqaError(f"corpus directory {folder} does not exist")
    if cache is None:
        cache = indexed_articles(cfg)
    articles: dict[str, Article] = {}
    by_hash: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if not is_article_file(path):
            continue
        try:
            stat = path.stat()
            cached = cache.get(str(path))
            if cached is not None and cached.file_stat == (stat.st_size, stat.st_mtime_ns):
                article = cached
            else:
                article = load_article(path, cfg.max_article_bytes)
        except ArticleError as exc:
            report.skipped.append(str(exc))
            continue
        except OSError as exc:
            report.skipped.append(f"{path.name}: cannot read ({exc.strerror or exc})")
            continue
        report.warnings += article.warnings
        if article.id in articles:
            report.skipped.append(f"{path.name}: another file already has the id {article.id!r}")
        elif article.content_hash in by_hash:
            report.skipped.append(
                f"{path.name}: same text as {by_hash[article.content_hash]!r}; not indexed twice"
            )
        else:
            articles[article.id] = article
            by_hash[article.content_hash] = article.id
    return articles


def update_index(
    cfg: IndexConfig,
    *,
    rebuild: bool = False,
    embedder: Embedder | None = None,
    progress: bool = False,
    articles: dict[str, Article] | None = None,
    on_embedded: Callable[[int], None] | None = None,
) -> UpdateReport:
    """Update (or with `rebuild`, recreate) the index of `cfg.corpus_dir`."""
    report = UpdateReport()
    home = index_home(cfg)
    with build_lock(home):
        if articles is None:
            articles = scan_corpus(cfg, report, cache={} if rebuild else None)
        previous = None if rebuild else current_version(home)
        work = new_workdir(home)
        try:
            _update_into(cfg, work, previous, articles, report, embedder, progress)
            if report.changed_anything or report.migrated or previous is None:
                report.version = publish(home, work).name
            else:
                shutil.rmtree(work, ignore_errors=True)
                report.version = previous.name
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    if on_embedded:
        on_embedded(report.chunks_embedded)
    return report


def _update_into(
    cfg: IndexConfig,
    work: Path,
    previous: Path | None,
    articles: dict[str, Article],
    report: UpdateReport,
    embedder: Embedder | None,
    progress: bool,
) -> None:
    db_path = work / METADATA
    store: FaissStore | None = None
    schema_before = len(MIGRATIONS)
    if previous is not None:
        _copy_sqlite(previous / METADATA, db_path)
        store = FaissStore.load(previous / VECTORS)
        schema_before = _schema_of(db_path)
    db = connect(db_path)
    try:
        report.migrated = applied_migrations(db) > schema_before
        old = article_hashes(db)
        report.removed = sorted(a for a in old if a not in articles)
        report.changed = sorted(a for a in articles if a in old and old[a] != articles[a].content_hash)
        report.added = sorted(a for a in articles if a not in old)
        report.unchanged = sorted(a for a in articles if old.get(a) == articles[a].content_hash)
        report.migrated |= _record_file_stats(db, [articles[a] for a in report.unchanged])
        if not report.changed_anything and store is not None:
            report.total_chunks = len(store)
            if report.migrated:
                db.commit()
                store.save(work / VECTORS)
                _write_manifest(cfg, work, db, store)
            return
        embedder = embedder or get_embedder(cfg.model)
        if store is None:
            store = FaissStore.empty(embedder.dim)
        if store.dim != embedder.dim:
            raise NewsqaError("the index has another dimension than the model; run `newsqa index rebuild`")
        stale = chunk_ids_of(db, report.removed + report.changed)
        delete_articles(db, report.removed + report.changed)
        store.remove(np.asarray(stale, dtype=np.int64))
        next_id = next_chunk_id(db)
        texts: list[str] = []
        ids: list[int] = []
        for aid in report.added + report.changed:
            article = articles[aid]
            chunks = []
            for start, end, text in chunk_texts(article, cfg.chunking):
                chunks.append(Chunk(next_id, aid, start, end, text))
                texts.append(embedding_text(article.title, text))
                ids.append(next_id)
                next_id += 1
            quantities = [q.to_dict() for q in extract_quantities(article.text)]
            insert_article(db, article, chunks, quantities)
        vectors = embedder.encode(texts, cfg.batch_size, progress and len(texts) >= PROGRESS_MIN_CHUNKS)
        store.add(np.asarray(ids, dtype=np.int64), vectors)
        db.commit()
        report.chunks_embedded = len(texts)
        report.total_chunks = len(store)
        store = fit_store(store)  # exact search while small, IVF past APPROX_MIN_CHUNKS
        store.save(work / VECTORS)
        _write_manifest(cfg, work, db, store)
    finally:
        db.close()


def _record_file_stats(db: sqlite3.Connection, unchanged: list[Article]) -> bool:
    """Store the current size and mtime of unchanged files (touched, copied, or indexed
    before stats were kept), so the next scan need not read them again."""
    stale = [(a.file_stat[0], a.file_stat[1], a.id) for a in unchanged if a.file_stat != (-1, -1)
             and db.execute("SELECT file_size, file_mtime_ns FROM articles WHERE id = ?",
                            (a.id,)).fetchone() != a.file_stat]
    db.executemany("UPDATE articles SET file_size = ?, file_mtime_ns = ? WHERE id = ?", stale)
    return bool(stale)


def _write_manifest(cfg: IndexConfig, work: Path, db: sqlite3.Connection, store: FaissStore) -> None:
    manifest = {
        "model": cfg.model,
        "dim": store.dim,
        "chunking": cfg.chunking.model_dump(),
        "fingerprint": cfg.fingerprint(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": dict(db.execute("SELECT id, content_hash FROM articles ORDER BY id")),
        "chunks": len(store),
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def _schema_of(path: Path) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return applied_migrations(db)
    finally:
        db.close()


def _copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of the previous metadata, via SQLite's backup API."""
    try:
        source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        target = sqlite3.connect(str(dst))
        with target:
            source.backup(target)
        source.close()
        target.close()
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"metadata {src} is unreadable ({exc}); run `newsqa index rebuild`") from None
