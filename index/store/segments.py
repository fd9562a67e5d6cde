"""A version is a list of immutable segments, so adding one article writes one small segment.

    v-<ns>/manifest.json      lists the segments, the articles dropped from each, files moved or touched
    v-<ns>/s-<ns>/            meta.sqlite + vectors.faiss of the articles one build embedded
                              (on the Milvus store, whose rows live in its collection:
                              meta.sqlite + terms.sqlite, index/store/lexicon.py)

Like Lucene's segments: a build links the previous version's segment files into its
new version (hard links: no copy) and writes only what it embedded; an article
deleted or changed since is listed under "dropped" rather than rewritten. Past a few
segments, or when much is dropped, a build compacts everything into one segment. A
version written before segments existed (both files at its top) is read as one
segment named `LEGACY`.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.errors import IndexCorruptError
from index.store.layout import MANIFEST, METADATA, TERMS, VECTORS
from index.store.metadata import chunk_ids_of, connect_readonly
from index.store.vector_store import FaissStore, stored_vectors

LEGACY = "s-0"
MAX_SEGMENTS = 8  # a reader merges every segment at open; more than this, compact
MAX_DROPPED_SHARE = 0.2  # dropped chunks still stored, as a share of live ones; more, compact


@dataclass(frozen=True)
class IndexedFile:
    """What the published index knows of one article file, without its text."""

    id: str
    path: str
    content_hash: str
    file_stat: tuple[int, int]
    segment: str
    chunks: int


@dataclass
class VersionLayout:
    """The segments of one version, what is dropped from each, and the (path, size, mtime_ns)
    of unchanged articles whose file was moved or touched since their segment was written."""

    segments: list[str] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def segment_dir(self, version: Path, name: str) -> Path:
        return version if name == LEGACY and not (version / LEGACY).is_dir() else version / name

    def to_manifest(self) -> dict:
        return {"segments": self.segments, "dropped": {k: sorted(v) for k, v in self.dropped.items() if v},
                "files": {k: list(v) for k, v in sorted(self.files.items())}}


def read_manifest(version: Path) -> dict:
    try:
        return json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"index manifest in {version} is unreadable ({exc.__class__.__name__}); run `newsqa index rebuild`"
        ) from None


def read_layout(manifest: dict) -> VersionLayout:
    """The layout a manifest describes; one without segments is a pre-segment version."""
    try:
        return VersionLayout(
            segments=[str(s) for s in manifest.get("segments", [LEGACY])],
            dropped={str(k): [str(a) for a in v] for k, v in manifest.get("dropped", {}).items()},
            files={str(k): (str(v[0]), int(v[1]), int(v[2])) for k, v in manifest.get("files", {}).items()},
        )
    except (TypeError, ValueError, IndexError, AttributeError):
        raise IndexCorruptError("index manifest lists malformed segments; run `newsqa index rebuild`") from None


def indexed_files(version: Path, layout: VersionLayout) -> dict[str, IndexedFile]:
    """Every live article of a version by id: hash, file, stats, segment and chunk count."""
    out: dict[str, IndexedFile] = {}
    for name in layout.segments:
        db_path = layout.segment_dir(version, name) / METADATA
        dropped = set(layout.dropped.get(name, ()))
        db = connect_readonly(db_path)
        try:
            counts = dict(db.execute("SELECT article_id, COUNT(*) FROM chunks GROUP BY article_id"))
            columns = {r[1] for r in db.execute("PRAGMA table_info(articles)")}
            stats = "file_size, file_mtime_ns" if "file_size" in columns else "-1, -1"
            for aid, path, digest, size, mtime in db.execute(
                f"SELECT id, path, content_hash, {stats} FROM articles"
            ):
                if aid not in dropped:
                    path, size, mtime = layout.files.get(aid, (path, size, mtime))
                    out[aid] = IndexedFile(aid, path, digest, (int(size), int(mtime)), name, int(counts.get(aid, 0)))
        finally:
            db.close()
    return out


def link_segment(src: Path, dst: Path) -> None:
    """Share an immutable segment's files with a new version (a hard link; a copy if links fail)."""
    dst.mkdir()
    for name in (METADATA, VECTORS, TERMS):
        if name != METADATA and not (src / name).exists():
            continue  # a Milvus segment has no vectors file (they are rows of the collection), FAISS no terms
        try:
            os.link(src / name, dst / name)
        except OSError:
            shutil.copyfile(src / name, dst / name)


def merged_store(version: Path, layout: VersionLayout) -> FaissStore:
    """One store of every live vector: the largest segment's store (exact or IVF, as it
    was saved) with dropped chunks removed and the other segments' vectors added."""
    dirs = {name: layout.segment_dir(version, name) for name in layout.segments}
    order = sorted(dirs, key=lambda n: (dirs[n] / VECTORS).stat().st_size if (dirs[n] / VECTORS).exists() else 0,
                   reverse=True)
    store: FaissStore | None = None
    for name in order:
        part = FaissStore.load(dirs[name] / VECTORS)
        dropped = layout.dropped.get(name)
        if dropped:
            db = connect_readonly(dirs[name] / METADATA)
            try:
                part.remove(np.asarray(chunk_ids_of(db, dropped), dtype=np.int64))
            finally:
                db.close()
        if store is None:
            store = part
        else:
            store.add(*stored_vectors(part))
    if store is None:
        raise IndexCorruptError(f"index version {version} lists no segments; run `newsqa index rebuild`")
    return store
