"""Article and chunk metadata in SQLite, schema kept by numbered migrations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.article import Article, Chunk
from index.errors import IndexCorruptError

MIGRATIONS: list[str] = [
    # 1: articles and their chunks
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL, date TEXT NOT NULL,
        source TEXT NOT NULL, path TEXT NOT NULL, content_hash TEXT NOT NULL, text TEXT NOT NULL
    );
    CREATE TABLE chunks (
        id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL
    );
    CREATE INDEX chunks_article ON chunks(article_id);
    """,
    # 2: quantities found in each article, as JSON, for computed figures
    """
    CREATE TABLE quantities (
        article_id TEXT NOT NULL REFERENCES articles(id), position INTEGER NOT NULL,
        data TEXT NOT NULL, PRIMARY KEY (article_id, position)
    );
    """,
    # 3: the file each article was read from, so an unchanged file is not read again
    """
    ALTER TABLE articles ADD COLUMN file_size INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE articles ADD COLUMN file_mtime_ns INTEGER NOT NULL DEFAULT -1;
    """,
    # 4: each article's MinHash signature and its LSH bands, to find syndicated copies
    #    (index/update/near_copies.py)
    """
    CREATE TABLE minhash (article_id TEXT PRIMARY KEY REFERENCES articles(id), signature BLOB NOT NULL);
    CREATE TABLE minhash_bands (
        band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL REFERENCES articles(id)
    );
    CREATE INDEX minhash_bands_key ON minhash_bands(band, key);
    """,
]


@dataclass(frozen=True)
class ArticleInfo:
    """What a citation or `/sources` shows about an article."""

    id: str
    title: str
    author: str
    date: str
    source: str
    chunks: int


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to a published (immutable) segment's metadata; a missing
    file raises sqlite3.DatabaseError rather than creating an empty database."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def open_readonly(path: Path) -> sqlite3.Connection:
    """Open a published version's metadata for reading; an older schema asks for an update."""
    try:
        db = connect_readonly(path)
        (done,) = db.execute("SELECT COUNT(*) FROM _migrations").fetchone()
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"metadata {path} is unreadable ({exc}); run `newsqa index rebuild`") from None
    if done < len(MIGRATIONS):
        db.close()
        raise IndexCorruptError(f"the index at {path.parent} predates this newsqa; run `newsqa index update`")
    return db


def applied_migrations(db: sqlite3.Connection) -> int:
    (done,) = db.execute("SELECT COUNT(*) FROM _migrations").fetchone()
    return int(done)


def connect(path: Path) -> sqlite3.Connection:
    """Open (and migrate) the metadata database of a version being written."""
    try:
        db = sqlite3.connect(str(path), check_same_thread=False)
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (number INTEGER PRIMARY KEY)")
        done = {row[0] for row in db.execute("SELECT number FROM _migrations")}
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(
            f"metadata {path} is unreadable ({exc}); run `newsqa index rebuild`"
        ) from None
    for number, sql in enumerate(MIGRATIONS, start=1):
        if number not in done:
            with db:
                db.executescript(sql)
                db.execute("INSERT INTO _migrations (number) VALUES (?)", (number,))
    return db


def chunk_ids_of(db: sqlite3.Connection, article_ids: Iterable[str]) -> list[int]:
    ids: list[int] = []
    for aid in article_ids:
        ids += [r[0] for r in db.execute("SELECT id FROM chunks WHERE article_id = ?", (aid,))]
    return ids


def next_chunk_id(db: sqlite3.Connection) -> int:
    (top,) = db.execute("SELECT COALESCE(MAX(id), -1) FROM chunks").fetchone()
    return int(top) + 1


def insert_article(
    db: sqlite3.Connection, article: Article, chunks: list[Chunk], quantities: list[dict]
) -> None:
    db.execute(
        "INSERT INTO articles (id, title, author, date, source, path, content_hash, text, file_size,"
        " file_mtime_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (article.id, article.title, article.author, article.date, article.source,
         article.path, article.content_hash, article.text, *article.file_stat),
    )
    db.executemany(
        'INSERT INTO chunks (id, article_id, start, "end", text) VALUES (?, ?, ?, ?, ?)',
        [(c.id, c.article_id, c.start, c.end, c.text) for c in chunks],
    )
    db.executemany(
        "INSERT INTO quantities VALUES (?, ?, ?)",
        [(article.id, i, json.dumps(q)) for i, q in enumerate(quantities)],
    )


def load_articles(db: sqlite3.Connection) -> dict[str, Article]:
    rows = db.execute(
        "SELECT id, title, author, date, source, path, text, file_size, file_mtime_ns FROM articles"
    )
    return {
        r[0]: Article(id=r[0], title=r[1], author=r[2], date=r[3], source=r[4], path=r[5],
                      text=r[6], file_stat=(r[7], r[8]))
        for r in rows
    }


def load_chunks(db: sqlite3.Connection) -> list[Chunk]:
    rows = db.execute('SELECT id, article_id, start, "end", text FROM chunks ORDER BY id')
    return [Chunk(id=r[0], article_id=r[1], start=r[2], end=r[3], text=r[4]) for r in rows]


def load_quantities(db: sqlite3.Connection) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for aid, data in db.execute(
        "SELECT article_id, data FROM quantities ORDER BY article_id, position"
    ):
        out.setdefault(aid, []).append(json.loads(data))
    return out
