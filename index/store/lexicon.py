"""Each segment's BM25 terms and statistics, so a reader on the Milvus store never
tokenizes the corpus at open.

    s-<ns>/terms.sqlite   chunk_terms: each chunk's terms (its title and text as BM25
                          reads them); df: how many of the segment's chunks hold each
                          term; meta: the segment's chunks and their total length

Written with the segment (index/update/build.py) on the Milvus store only: there the
BM25 search runs in the collection, and the retriever still needs the version's
document frequencies (IDF for coverage, words no article uses) and, for the few
chunks a question brings up, their terms. A version's figures are its segments' sums
less the chunks it dropped (looked up here, never tokenized again). A FAISS reader
builds its BM25 in memory at open, as before, and needs none of this.

Lengths count an empty chunk as one token, as bm25s indexes it, so scores computed
from these figures equal the in-memory BM25's.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from index.errors import IndexCorruptError
from index.store.layout import METADATA, TERMS
from index.store.metadata import chunk_ids_of, connect_readonly
from index.store.segments import VersionLayout
from index.text.chunking import embedding_text
from index.text.terms import terms

_LOOKUP_BATCH = 900  # SQLite's bound on `?` parameters in one statement is 999


def doc_length(toks: list[str]) -> int:
    return max(len(toks), 1)


def write_terms(folder: Path, chunk_terms: Iterable[tuple[int, list[str]]]) -> None:
    """The terms file of a segment being written: every chunk's terms and their sums."""
    df: Counter[str] = Counter()
    chunks = length = 0
    db = sqlite3.connect(str(folder / TERMS))
    try:
        db.executescript("""
            CREATE TABLE chunk_terms (chunk_id INTEGER PRIMARY KEY, terms TEXT NOT NULL);
            CREATE TABLE df (term TEXT PRIMARY KEY, n INTEGER NOT NULL);
            CREATE TABLE meta (chunks INTEGER NOT NULL, length INTEGER NOT NULL);
        """)
        rows = []
        for cid, toks in chunk_terms:
            rows.append((int(cid), " ".join(toks)))
            df.update(set(toks))
            chunks += 1
            length += doc_length(toks)
        db.executemany("INSERT INTO chunk_terms VALUES (?, ?)", rows)
        db.executemany("INSERT INTO df VALUES (?, ?)", df.items())
        db.execute("INSERT INTO meta VALUES (?, ?)", (chunks, length))
        db.commit()
    finally:
        db.close()


def computed_terms(meta_db: sqlite3.Connection, skip: set[str] | None = None) -> dict[int, list[str]]:
    """Terms of a segment's chunks tokenized from its metadata (a segment written without
    a terms file), less the articles in `skip`."""
    rows = meta_db.execute('SELECT c.id, c.article_id, c.text, a.title FROM chunks c '
                           "JOIN articles a ON a.id = c.article_id ORDER BY c.id")
    return {int(cid): terms(embedding_text(title, text)) for cid, aid, text, title in rows
            if not skip or aid not in skip}


def segment_terms(folder: Path, skip: set[str]) -> Iterable[tuple[int, list[str]]]:
    """(chunk id, terms) of a segment's chunks less the articles in `skip`, from its terms
    file when it has one (a compaction carrying them over reads, never tokenizes)."""
    meta = connect_readonly(folder / METADATA)
    try:
        if not (folder / TERMS).exists():
            yield from computed_terms(meta, skip).items()
            return
        dropped = set(chunk_ids_of(meta, sorted(skip)))
    finally:
        meta.close()
    db = connect_readonly(folder / TERMS)
    try:
        for cid, text in db.execute("SELECT chunk_id, terms FROM chunk_terms ORDER BY chunk_id"):
            if cid not in dropped:
                yield int(cid), text.split()
    finally:
        db.close()


class VersionTerms:
    """One version's document frequencies, chunk count and total length, summed over its
    segments at open; each chunk's terms read on demand."""

    def __init__(self, version: Path, layout: VersionLayout) -> None:
        self.df: Counter[str] = Counter()
        self.chunks = 0
        self.length = 0
        self._dbs: list[sqlite3.Connection] = []
        self._computed: dict[int, list[str]] = {}  # segments written without a terms file
        self._lock = threading.Lock()
        try:
            for name in layout.segments:
                self._add_segment(layout.segment_dir(version, name), set(layout.dropped.get(name, ())))
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"index terms in {version} are unreadable ({exc}); "
                                    "run `newsqa index rebuild`") from None
        self.df = +self.df  # drop terms only dropped chunks held

    def _add_segment(self, folder: Path, dropped: set[str]) -> None:
        meta = connect_readonly(folder / METADATA)
        try:
            if not (folder / TERMS).exists():
                found = computed_terms(meta, dropped)
                self._computed |= found
                for toks in found.values():
                    self._count(toks, 1)
                return
            gone = chunk_ids_of(meta, sorted(dropped)) if dropped else []
        finally:
            meta.close()
        db = connect_readonly(folder / TERMS)
        self._dbs.append(db)
        (chunks, length), = db.execute("SELECT chunks, length FROM meta")
        self.chunks += int(chunks)
        self.length += int(length)
        for term, n in db.execute("SELECT term, n FROM df"):
            self.df[term] += int(n)
        for toks in self._lookup(db, gone).values():
            self._count(toks, -1)

    def _count(self, toks: list[str], sign: int) -> None:
        self.chunks += sign
        self.length += sign * doc_length(toks)
        for t in set(toks):
            self.df[t] += sign

    @staticmethod
    def _lookup(db: sqlite3.Connection, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for lo in range(0, len(ids), _LOOKUP_BATCH):
            part = ids[lo:lo + _LOOKUP_BATCH]
            marks = ",".join("?" * len(part))
            out |= {int(c): t.split() for c, t in
                    db.execute(f"SELECT chunk_id, terms FROM chunk_terms WHERE chunk_id IN ({marks})", part)}
        return out

    def terms_of(self, ids: list[int]) -> dict[int, list[str]]:
        """The terms of these chunks (one indexed look-up per segment)."""
        out = {i: self._computed[i] for i in ids if i in self._computed}
        with self._lock:
            for db in self._dbs:
                missing = [int(i) for i in ids if i not in out]
                if not missing:
                    break
                out |= self._lookup(db, missing)
        return out
