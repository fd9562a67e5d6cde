"""Syndicated copies: the same story again in another form (a web page and a Markdown copy,
a wire story under another headline) is found by MinHash over word shingles.

Exact copies are caught by content hash at the scan; these differ by a headline, a
byline, a sentence trimmed or a typo fixed. Each article's text becomes the set of its
5-word shingles; a 128-value MinHash (datasketch) estimates the Jaccard similarity of
two such sets. Signatures are stored with the article in its segment's metadata, cut
into 32 bands of 4 values: an article is compared only with those sharing a band (LSH),
so a check costs 32 indexed look-ups per segment at any corpus size, never all pairs.
32 x 4 finds a pair of similarity 0.6 with probability 0.99 and 0.8 always, so the
threshold (`near_duplicate_threshold`, 0.8 by default) is applied to the estimate of
the candidates alone and may be changed without re-indexing; below 0.5 some pairs
would be missed.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS, ROWS = 32, 4
SHINGLE_WORDS = 5
SEED = 1
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    """The article's 5-word shingles, case-folded (all its words when it is shorter)."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text's shingles (128 unsigned 32-bit values)."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    m.update_batch(list(shingles(text)))
    return m.hashvalues.astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    return float(np.mean(a == b))


def band_keys(sig: np.ndarray) -> list[int]:
    """One 63-bit key per band: articles sharing any key are candidates."""
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(sig[band * ROWS:(band + 1) * ROWS].tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def store_signature(db: sqlite3.Connection, article_id: str, sig: np.ndarray) -> None:
    db.execute("INSERT OR REPLACE INTO minhash (article_id, signature) VALUES (?, ?)",
               (article_id, sig.astype(np.uint32).tobytes()))
    db.executemany("INSERT INTO minhash_bands (band, key, article_id) VALUES (?, ?, ?)",
                   [(b, k, article_id) for b, k in enumerate(band_keys(sig))])


def fill_missing(db: sqlite3.Connection) -> None:
    """Signatures of the articles of a database that has none for them (written before they existed)."""
    rows = db.execute("SELECT id, text FROM articles WHERE id NOT IN (SELECT article_id FROM minhash)").fetchall()
    for aid, text in rows:
        store_signature(db, aid, signature(text))


@dataclass(frozen=True)
class NearCopy:
    """An article found to be a copy of one indexed (or accepted earlier in the same update)."""

    article_id: str
    of: str
    similarity: float


class CopyFinder:
    """Finds, for each new article, an indexed one it copies: candidates by LSH band, then
    the signature estimate against the threshold."""

    def __init__(self, dbs: Iterable[tuple[sqlite3.Connection, set[str]]], threshold: float) -> None:
        """`dbs`: each segment's metadata with the article ids not to compare with (dropped or replaced)."""
        self.dbs = list(dbs)
        self.threshold = threshold
        self.fresh: dict[int, list[str]] = {}
        self.fresh_sigs: dict[str, np.ndarray] = {}

    def check(self, article_id: str, text: str) -> tuple[np.ndarray, NearCopy | None]:
        """The article's signature, and the copy it is (None: it is new, and is remembered)."""
        sig = signature(text)
        keys = band_keys(sig)
        best: NearCopy | None = None
        for other, theirs in self._candidates(keys):
            score = similarity(sig, theirs)
            if other != article_id and score >= self.threshold and (best is None or score > best.similarity):
                best = NearCopy(article_id, other, round(score, 3))
        if best is None:
            self.fresh_sigs[article_id] = sig
            for band, key in enumerate(keys):
                self.fresh.setdefault(band << 64 | key, []).append(article_id)
        return sig, best

    def _candidates(self, keys: list[int]) -> Iterable[tuple[str, np.ndarray]]:
        seen: set[str] = set()
        for band, key in enumerate(keys):
            for aid in self.fresh.get(band << 64 | key, []):
                if aid not in seen:
                    seen.add(aid)
                    yield aid, self.fresh_sigs[aid]
        marks = ",".join("(?, ?)" for _ in keys)
        params = [v for band, key in enumerate(keys) for v in (band, key)]
        for db, excluded in self.dbs:
            rows = db.execute(
                f"SELECT DISTINCT m.article_id, m.signature FROM minhash_bands b JOIN minhash m "
                f"ON m.article_id = b.article_id WHERE (b.band, b.key) IN (VALUES {marks})", params)
            for aid, blob in rows:
                if aid not in seen and aid not in excluded:
                    seen.add(aid)
                    yield aid, np.frombuffer(blob, dtype=np.uint32)
