"""Bring the index in line with the corpus: embed only what is new or changed.

Like simonw/llm's embeddings, an article whose content hash is unchanged keeps its
vectors; deleted articles are dropped; every run publishes a whole new version
(see index/layout.py) or nothing at all. A version keeps the previous one's segments
and adds one for what this run embedded (see index/segments.py), so an update costs
about its embedding however large the index.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.article import Article, Chunk
from index.config import IndexConfig
from index.embedder import Embedder, get_embedder
from index.errors import ArticleError, IndexCorruptError, NewsqaError
from index.intake.loading import is_article_name, load_article
from index.quantities.extract import extract_quantities
from index.store.layout import (
    MANIFEST,
    METADATA,
    VECTORS,
    build_lock,
    current_version,
    index_home,
    new_workdir,
    publish,
)
from index.store.lexicon import segment_terms, write_terms
from index.store.metadata import (
    MIGRATIONS,
    applied_migrations,
    chunk_ids_of,
    connect,
    connect_readonly,
    insert_article,
    next_chunk_id,
)
from index.store.milvus_store import BM25_LAYOUT, MilvusStore, MilvusWriter, store_entry
from index.store.segments import (
    MAX_DROPPED_SHARE,
    MAX_SEGMENTS,
    IndexedFile,
    VersionLayout,
    indexed_files,
    link_segment,
    merged_store,
    read_layout,
    read_manifest,
)
from index.store.snapshot import IndexSnapshot
from index.store.vector_store import APPROX_MIN_CHUNKS, FaissStore, fit_store, stored_vectors
from index.text.chunking import chunk_texts, embedding_text
from index.text.terms import terms
from index.update.near_copies import CopyFinder, NearCopy, fill_missing, signature, store_signature

# The metadata migration that added MinHash signatures (index/store/metadata.py).
SIGNED_SCHEMA = 4
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
    near_copies: list[NearCopy] = field(default_factory=list)
    chunks_embedded: int = 0
    total_chunks: int = 0
    version: str = ""

    migrated: bool = False  # metadata (schema, file stats) changed: publish with no article change

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def indexed_articles(cfg: IndexConfig) -> dict[str, IndexedFile]:
    """The articles of the published index by file path; {} when there is none or it is unreadable."""
    version = current_version(index_home(cfg)) if index_home(cfg).is_dir() else None
    if version is None:
        return {}
    try:
        return {f.path: f for f in indexed_files(version, read_layout(read_manifest(version))).values()}
    except (sqlite3.DatabaseError, IndexCorruptError):
        return {}


def scan_corpus(
    cfg: IndexConfig, report: UpdateReport, cache: dict[str, IndexedFile] | None = None
) -> dict[str, Article | IndexedFile]:
    """Every readable article of the corpus; bad files are reported, never fatal.

    A file whose size and mtime match the published index is not read again: what
    the index knows of it (its id and content hash) stands in for it, since reading
    and cleaning every file is the slow part of a scan.
    """
    folder = cfg.corpus_dir
    if not folder.is_dir():
        raise NewsqaError(f"corpus directory {folder} does not exist")
    if cache is None:
        cache = indexed_articles(cfg)
    articles: dict[str, Article | IndexedFile] = {}
    by_hash: dict[str, str] = {}
    # scandir knows each entry's type without a stat (one stat a file is left, for the
    # size and mtime), and names sort far faster than Paths: at 12,434 files this halves
    # the scan every update starts with. An entry that cannot be read is reported.
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if is_article_name(e.name)), key=lambda e: e.name)
    for entry in entries:
        path = Path(entry.path)
        try:
            if not entry.is_file():
                if entry.is_symlink():
                    report.skipped.append(f"{entry.name}: a link to nothing readable")
                continue
            stat = entry.stat()
            cached = cache.get(str(path))
            article: Article | IndexedFile
            if cached is not None and cached.file_stat == (stat.st_size, stat.st_mtime_ns):
                article = cached
            else:
                article = load_article(path, cfg.max_article_bytes)
                report.warnings += article.warnings
        except ArticleError as exc:
            report.skipped.append(str(exc))
            continue
        except OSError as exc:
            report.skipped.append(f"{path.name}: cannot read ({exc.strerror or exc})")
            continue
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
        scanned = articles if articles is not None else scan_corpus(cfg, report, cache={} if rebuild else None)
        previous = None if rebuild else current_version(home)
        replaced = _replaced_manifest(home) if rebuild else None
        work = new_workdir(home)
        try:
            _update_into(cfg, work, previous, scanned, report, embedder, progress, replaced)
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


def _replaced_manifest(home: Path) -> dict | None:
    """The manifest of the version a rebuild replaces; None when there is none or it is
    unreadable (a rebuild is how a damaged index is mended)."""
    try:
        version = current_version(home)
        return read_manifest(version) if version is not None else None
    except IndexCorruptError:
        return None


@dataclass
class _Previous:
    """The published version a build starts from (empty when there is none)."""

    version: Path | None = None
    layout: VersionLayout = field(default_factory=VersionLayout)
    known: dict[str, IndexedFile] = field(default_factory=dict)
    dropped_chunks: int = 0
    next_chunk_id: int = 0
    schema_old: bool = False
    dim: int | None = None
    manifest: dict | None = None

    @property
    def kind(self) -> str | None:
        """The store the version was written to (None: no version)."""
        return None if self.version is None else ("milvus" if store_entry(self.manifest) else "faiss")

    @classmethod
    def read(cls, version: Path | None) -> _Previous:
        if version is None:
            return cls()
        manifest = read_manifest(version)
        layout = read_layout(manifest)
        try:
            known = indexed_files(version, layout)
            top, old = -1, False
            for name in layout.segments:
                db = connect_readonly(layout.segment_dir(version, name) / METADATA)
                try:
                    top = max(top, next_chunk_id(db) - 1)
                    old |= applied_migrations(db) < len(MIGRATIONS)
                finally:
                    db.close()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"metadata in {version} is unreadable ({exc}); run `newsqa index rebuild`") from None
        dim = manifest.get("dim")
        return cls(version, layout, known, int(manifest.get("dropped_chunks", 0)), top + 1, old,
                   int(dim) if dim else None, manifest)


def _update_into(
    cfg: IndexConfig,
    work: Path,
    previous: Path | None,
    articles: dict[str, Article | IndexedFile],
    report: UpdateReport,
    embedder: Embedder | None,
    progress: bool,
    replaced: dict | None = None,
) -> None:
    """`replaced`: on a rebuild, the manifest of the version being replaced (its Milvus rows
    stay readable until the new version is published)."""
    prev = _Previous.read(previous)
    old = {a: f.content_hash for a, f in prev.known.items()}
    report.removed = sorted(a for a in old if a not in articles)
    report.changed = sorted(a for a in articles if a in old and old[a] != articles[a].content_hash)
    report.added = sorted(a for a in articles if a not in old)
    report.unchanged = sorted(a for a in articles if old.get(a) == articles[a].content_hash)
    moved = {a: (articles[a].path, *articles[a].file_stat) for a in report.unchanged
             if articles[a].file_stat != (-1, -1)
             and (articles[a].path, articles[a].file_stat) != (prev.known[a].path, prev.known[a].file_stat)}
    # A Milvus version whose collection holds raw text (an older build) moves into a
    # collection of terms, as from FAISS: without embedding again.
    relayout = cfg.store == "milvus" and prev.kind == "milvus" and \
        (store_entry(prev.manifest) or {}).get("bm25") != BM25_LAYOUT
    switching = prev.kind is not None and (prev.kind != cfg.store or relayout)
    report.migrated = bool(moved) or prev.schema_old or switching
    live = sum(f.chunks for f in prev.known.values())
    report.total_chunks = live
    if not report.changed_anything and not report.migrated and previous is not None:
        return
    fresh = [a for a in report.added + report.changed if isinstance(articles[a], Article)]
    if len(fresh) < len(report.added) + len(report.changed):
        raise NewsqaError("an article to embed came without its text; run `newsqa index rebuild`")
    sigs: dict[str, np.ndarray] = {}
    if fresh and cfg.near_duplicate_threshold > 0:
        articles = dict(articles)
        fresh = _drop_near_copies(cfg, prev, fresh, articles, report, sigs)
        if not report.changed_anything and not report.migrated and previous is not None:
            return
    if cfg.store == "milvus" and prev.dim is None and embedder is None:
        embedder = get_embedder(cfg.model)  # the collection's schema needs the dimension first
    writer = None
    if cfg.store == "milvus":
        dim0 = prev.dim or (embedder.dim if embedder is not None else None)
        assert dim0 is not None
        writer = MilvusWriter(cfg.milvus_uri, index_home(cfg), dim0, prev.manifest or replaced,
                              fresh=previous is None or switching)
    first_id = max(prev.next_chunk_id, writer.next_chunk_id if writer else 0)
    new_ids, texts, rows = _chunk_rows([articles[a] for a in fresh], cfg, first_id)
    gone = report.removed + report.changed
    gone_chunks = sum(prev.known[a].chunks for a in gone)
    total = live - gone_chunks + len(texts)
    if texts or prev.dim is None:
        embedder = embedder or get_embedder(cfg.model)
    dim = embedder.dim if embedder is not None else prev.dim
    if prev.dim is not None and dim != prev.dim:
        raise NewsqaError("the index has another dimension than the model; run `newsqa index rebuild`")
    vectors = None
    if texts and embedder is not None:
        vectors = embedder.encode(texts, cfg.batch_size, progress and len(texts) >= PROGRESS_MIN_CHUNKS)
    layout = VersionLayout(list(prev.layout.segments), {k: list(v) for k, v in prev.layout.dropped.items()},
                           dict(prev.layout.files))
    layout.files.update(moved)
    for aid in gone:
        layout.dropped.setdefault(prev.known[aid].segment, []).append(aid)
    dropped_chunks = prev.dropped_chunks + gone_chunks
    new_terms = [terms(t) for t in texts] if writer is not None else None
    if writer is not None and vectors is not None:
        spans = [(c.start, c.end) for _a, chunks, _q in rows for c in chunks]
        writer.insert(new_ids, [c.article_id for _a, chunks, _q in rows for c in chunks], spans, texts, vectors,
                      new_terms)
    if switching or _compact_needed(prev, layout, live, total, dropped_chunks, bool(texts)):
        merged, total = _compact(work, prev, layout, rows, new_ids, vectors, dim, writer, gone, sigs,
                                 new_terms, moving=switching)
        layout, dropped_chunks = VersionLayout([merged]), 0
    else:
        assert prev.version is not None  # a first build always compacts
        for name in layout.segments:
            link_segment(layout.segment_dir(prev.version, name), work / name)
        if texts:
            name = _segment_name()
            _write_segment(work / name, rows, new_ids, vectors, dim, faiss_file=writer is None, sigs=sigs,
                           new_terms=new_terms)
            layout.segments.append(name)
    store = {"kind": "faiss"}
    if writer is not None:
        pending = [] if previous is None or switching else _chunk_ids_of(prev, gone)
        store = writer.finish(pending, int(new_ids.max()) + 1 if len(new_ids) else first_id, total)
    report.chunks_embedded = len(texts)
    report.total_chunks = total
    _write_manifest(cfg, work, layout, articles, dropped_chunks, total, dim, store)


def _drop_near_copies(cfg: IndexConfig, prev: _Previous, fresh: list[str], articles: dict,
                      report: UpdateReport, sigs: dict[str, np.ndarray]) -> list[str]:
    """The fresh articles that copy no indexed one (nor one accepted before them here);
    each copy is reported and left out of `articles`. A changed article that became a
    copy is removed from the index."""
    gone = set(report.removed + report.changed)
    dbs = []
    try:
        for name in prev.layout.segments if prev.version is not None else []:
            db = connect_readonly(prev.layout.segment_dir(prev.version, name) / METADATA)  # type: ignore[arg-type]
            if applied_migrations(db) < SIGNED_SCHEMA:  # written before signatures: this update adds them
                db.close()
                continue
            dbs.append((db, set(prev.layout.dropped.get(name, ())) | gone))
        finder = CopyFinder(dbs, cfg.near_duplicate_threshold)
        keep = []
        for aid in fresh:
            sig, copy = finder.check(aid, articles[aid].text)
            sigs[aid] = sig
            if copy is None:
                keep.append(aid)
                continue
            report.near_copies.append(copy)
            report.skipped.append(f"{Path(articles[aid].path).name}: a near copy of {copy.of!r} "
                                  f"(similarity {copy.similarity:.2f}); not indexed twice")
            if aid in report.added:
                report.added.remove(aid)
            else:
                report.changed.remove(aid)
                report.removed = sorted([*report.removed, aid])
            del articles[aid]
    finally:
        for db, _ in dbs:
            db.close()
    return keep


def _chunk_ids_of(prev: _Previous, article_ids: list[str]) -> list[int]:
    """Chunk ids of these articles in the segments of the previous version."""
    assert prev.version is not None
    by_segment: dict[str, list[str]] = {}
    for aid in article_ids:
        by_segment.setdefault(prev.known[aid].segment, []).append(aid)
    ids: list[int] = []
    for name, aids in by_segment.items():
        db = connect_readonly(prev.layout.segment_dir(prev.version, name) / METADATA)
        try:
            ids += chunk_ids_of(db, aids)
        finally:
            db.close()
    return ids


def _chunk_rows(articles: list[Article], cfg: IndexConfig, next_id: int
                ) -> tuple[np.ndarray, list[str], list[tuple[Article, list[Chunk], list[dict]]]]:
    """Chunks (numbered from `next_id`), the texts to embed, and quantities of new articles."""
    ids: list[int] = []
    texts: list[str] = []
    rows = []
    for article in articles:
        chunks = []
        for start, end, text in chunk_texts(article, cfg.chunking):
            chunks.append(Chunk(next_id, article.id, start, end, text))
            texts.append(embedding_text(article.title, text))
            ids.append(next_id)
            next_id += 1
        rows.append((article, chunks, [q.to_dict() for q in extract_quantities(article.text)]))
    return np.asarray(ids, dtype=np.int64), texts, rows


def _compact_needed(prev: _Previous, layout: VersionLayout, live: int, total: int, dropped: int,
                    adds_segment: bool) -> bool:
    """Rewrite everything as one segment: first build, old schema, too many segments,
    much dropped, crossing the exact/approximate threshold, or small segments outgrowing
    the largest (whose store kind, exact or IVF, the merged store takes)."""
    if prev.version is None or prev.schema_old:
        return True
    if len(layout.segments) + adds_segment > MAX_SEGMENTS or dropped > MAX_DROPPED_SHARE * max(total, 1):
        return True
    if (live >= APPROX_MIN_CHUNKS) != (total >= APPROX_MIN_CHUNKS):
        return True
    per_segment: dict[str, int] = {}
    for f in prev.known.values():
        per_segment[f.segment] = per_segment.get(f.segment, 0) + f.chunks
    largest = max(per_segment.values(), default=0)
    return total - largest > largest


def _signature(article: Article, sigs: dict[str, np.ndarray] | None) -> np.ndarray:
    """The article's MinHash signature: the one its copy check computed, else computed now."""
    known = (sigs or {}).get(article.id)
    return known if known is not None else signature(article.text)


def _segment_name() -> str:
    return f"s-{time.time_ns()}"


def _write_segment(folder: Path, rows: list, ids: np.ndarray, vectors: np.ndarray | None, dim: int | None,
                   faiss_file: bool = True, sigs: dict[str, np.ndarray] | None = None,
                   new_terms: list[list[str]] | None = None) -> None:
    """A new segment holding only these articles and (for FAISS) their vectors; on Milvus,
    with the chunks' terms (`new_terms`, in the order of `ids`) for the retriever."""
    folder.mkdir()
    db = connect(folder / METADATA)
    try:
        for article, chunks, quantities in rows:
            insert_article(db, article, chunks, quantities)
            store_signature(db, article.id, _signature(article, sigs))
        db.commit()
    finally:
        db.close()
    if new_terms is not None:
        write_terms(folder, zip((int(i) for i in ids), new_terms, strict=True))
    if not faiss_file:
        return
    assert dim is not None
    store = FaissStore.empty(dim)
    if vectors is not None:
        store.add(ids, vectors)
    store.save(folder / VECTORS)


def _compact(work: Path, prev: _Previous, layout: VersionLayout, rows: list,
             ids: np.ndarray, vectors: np.ndarray | None, dim: int | None,
             writer: MilvusWriter | None = None, gone: list[str] | None = None,
             sigs: dict[str, np.ndarray] | None = None, new_terms: list[list[str]] | None = None,
             moving: bool = False) -> tuple[str, int]:
    """Every live article of the previous version plus the new ones, as one segment.

    On Milvus the rows stay where they are (a version reads them by build range), so
    only the metadata and the terms are rewritten (the terms read from the segments'
    terms files), unless they are `moving` from a FAISS version or an older collection:
    then the vectors move into the collection, without embedding anything again."""
    name = _segment_name()
    folder = work / name
    folder.mkdir()
    db = connect(folder / METADATA)
    try:
        if prev.version is not None:
            _copy_rows(db, prev, layout, work)
        for aid, (path, size, mtime) in layout.files.items():
            db.execute("UPDATE articles SET path = ?, file_size = ?, file_mtime_ns = ? WHERE id = ?",
                       (path, size, mtime, aid))
        db.commit()
        carried = [(r[0], r[1], r[2], r[3], embedding_text(r[5], r[4])) for r in db.execute(
            'SELECT c.id, c.article_id, c.start, c."end", c.text, a.title FROM chunks c '
            "JOIN articles a ON a.id = c.article_id ORDER BY c.id")]
        for article, chunks, quantities in rows:
            insert_article(db, article, chunks, quantities)
            store_signature(db, article.id, _signature(article, sigs))
        db.commit()
        live_ids = np.asarray([r[0] for r in db.execute("SELECT id FROM chunks")], dtype=np.int64)
    finally:
        db.close()
    if writer is not None:
        old_terms: dict[int, list[str]] = {}
        if prev.version is not None:
            for seg in layout.segments:
                old_terms |= dict(segment_terms(layout.segment_dir(prev.version, seg),
                                                set(layout.dropped.get(seg, ()))))
        if moving and carried:
            old = merged_store(prev.version, layout) if prev.kind == "faiss" else _previous_store(prev, layout, gone)
            assert old is not None
            old_ids, old_vectors = stored_vectors(old)
            row_of = {int(i): n for n, i in enumerate(old_ids)}
            if set(row_of) != {c[0] for c in carried} or set(old_terms) != set(row_of):
                raise IndexCorruptError(f"index in {prev.version} holds vectors for other chunks; "
                                        "run `newsqa index rebuild`")
            order = [row_of[c[0]] for c in carried]
            writer.insert(np.asarray([c[0] for c in carried], dtype=np.int64), [c[1] for c in carried],
                          [(c[2], c[3]) for c in carried], [c[4] for c in carried], old_vectors[order],
                          [old_terms[c[0]] for c in carried])
        old_terms |= dict(zip((int(i) for i in ids), new_terms or [], strict=True))
        write_terms(folder, sorted(old_terms.items()))
        return name, len(live_ids)
    store = _previous_store(prev, layout, gone)
    if store is None:
        if dim is None:
            raise NewsqaError("nothing to index and no model loaded")
        store = FaissStore.empty(dim)
    if vectors is not None:
        store.add(ids, vectors)
    if len(store) != len(live_ids):
        raise IndexCorruptError(f"index in {prev.version} holds vectors for other chunks; run `newsqa index rebuild`")
    fit_store(store).save(folder / VECTORS)
    return name, len(live_ids)


def _previous_store(prev: _Previous, layout: VersionLayout, gone: list[str] | None) -> FaissStore | None:
    """The previous version's live vectors as one FAISS store (read out of Milvus when it was
    there: its rows less the articles this build drops)."""
    if prev.version is None:
        return None
    if prev.kind == "faiss":
        return merged_store(prev.version, layout)
    assert prev.manifest is not None and prev.dim is not None
    dropped = set(_chunk_ids_of(prev, gone or []))
    ids = [c for c in sorted(IndexSnapshot.open_version(prev.version).chunks) if c not in dropped]
    store = FaissStore.empty(prev.dim)
    store.add(np.asarray(ids, dtype=np.int64), MilvusStore.open(prev.manifest).vectors_of(ids))
    return store


def _copy_rows(db: sqlite3.Connection, prev: _Previous, layout: VersionLayout, work: Path) -> None:
    """Copy each previous segment's live rows into the new segment's database (migrating old
    ones, and signing articles written before signatures were kept)."""
    assert prev.version is not None
    for n, name in enumerate(layout.segments):
        src = layout.segment_dir(prev.version, name) / METADATA
        tmp = work / f"migrate-{n}.sqlite"
        shutil.copyfile(src, tmp)  # published segments are immutable: a file copy is consistent
        connect(tmp).close()  # bring an older schema up to date, on the copy
        db.execute("ATTACH DATABASE ? AS seg", (str(tmp),))
        try:
            dropped = json.dumps(list(layout.dropped.get(name, ())))
            live = "NOT IN (SELECT value FROM json_each(?))"
            cols = "id, title, author, date, source, path, content_hash, text, file_size, file_mtime_ns"
            db.execute(f"INSERT INTO articles ({cols}) SELECT {cols} FROM seg.articles WHERE id {live}", (dropped,))
            db.execute('INSERT INTO chunks SELECT id, article_id, start, "end", text FROM seg.chunks '
                       f"WHERE article_id {live}", (dropped,))
            db.execute("INSERT INTO quantities SELECT article_id, position, data FROM seg.quantities "
                       f"WHERE article_id {live}", (dropped,))
            db.execute(f"INSERT INTO minhash SELECT article_id, signature FROM seg.minhash WHERE article_id {live}",
                       (dropped,))
            db.execute("INSERT INTO minhash_bands SELECT band, key, article_id FROM seg.minhash_bands "
                       f"WHERE article_id {live}", (dropped,))
            db.commit()
        finally:
            db.execute("DETACH DATABASE seg")
            tmp.unlink(missing_ok=True)
    fill_missing(db)
    db.commit()


def _write_manifest(cfg: IndexConfig, work: Path, layout: VersionLayout, articles: dict[str, Article | IndexedFile],
                    dropped_chunks: int, total: int, dim: int | None, store: dict) -> None:
    manifest = {
        "store": store,
        "model": cfg.model,
        "dim": dim,
        "chunking": cfg.chunking.model_dump(),
        "fingerprint": cfg.fingerprint(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": {a: articles[a].content_hash for a in sorted(articles)},
        "chunks": total,
        "dropped_chunks": dropped_chunks,
        **layout.to_manifest(),
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
