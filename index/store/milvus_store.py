"""Vectors in a Milvus collection: Milvus Lite in process, or a Milvus server or cluster.

One collection per index identity (model + chunking, as the index folder is named).
A row is one chunk: `chunk_id` (the primary key; ids are never reused, see
`index/update/build.py`), `article_id`, `start`/`end` offsets, the `text` BM25 reads
(the terms of its title and chunk as newsqa's own BM25 reads them, stemmed and without
stop words: `bm25_text`), the dense `vector`, a `sparse` vector that Milvus's own BM25
function fills from `text`, and `gen`, the build that wrote the row.

Versions: rows are written once and never changed. A published version names the range
of builds it reads (`gen_from` .. `gen`) and the chunks it dropped that still lie in the
collection (`pending`, deleted by the next build, once no reader of the version before
needs them). A reader filters on exactly that, so rows a build is writing (a newer
`gen`) are invisible until CURRENT names the version holding them, and a killed build
leaves rows no published version reads, which the next build deletes first.

Article metadata, chunk texts, quantities and each segment's term statistics
(index/store/lexicon.py) stay in SQLite segments beside the manifest (as with FAISS):
a reader loads the metadata at open anyway (quotes, figures), they publish atomically
with CURRENT on a local disk, and SQLite needs no server. Only the vectors and the
BM25 field live in Milvus, where they grow: the retriever asks the collection for both
its dense and its BM25 candidates and builds no BM25 of its own.

Milvus Lite holds its folder for one process at a time: a bot and a separate
`newsqa index update` need a Milvus server. Lite's search reads every row in Python,
so it costs about 1 ms per 1,000 chunks: fine for tests and one machine, while a
server or cluster is the way past a few hundred thousand chunks.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexCorruptError, NewsqaError
from index.text.terms import terms

TEXT_MAX = 65_535  # Milvus's VARCHAR limit; a chunk is at most a few hundred characters
ID_MAX = 1_024
INSERT_BATCH = 1_000
FETCH_BATCH = 4_000
CONNECT_TIMEOUT = 5.0
LITE_KEEPALIVE_MS = 600_000
VECTOR_CACHE = 20_000  # chunk vectors a reader keeps (a chunk id's vector never changes)
BM25_LAYOUT = "terms"  # what `text` holds; a manifest's store entry without it: raw text
# The retriever's defaults (qa/config.py): the collection proposes BM25 candidates with
# them, and the retriever scores the candidates itself with its own settings.
BM25_K1, BM25_B = 0.9, 0.4

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def is_server(uri: str) -> bool:
    return bool(re.match(r"^(https?|tcp|grpc)://", uri))


def canonical_uri(uri: str) -> str:
    """A Lite path made absolute (a manifest names it for readers elsewhere); a server URI as given."""
    return uri if is_server(uri) else str(Path(uri).expanduser().resolve())


def _without_credentials(uri: str) -> str:
    """A URI fit for a manifest: no user or password in it."""
    return re.sub(r"^([a-z]+://)[^/@]*@", r"\1", uri)


def collection_name(home: Path) -> str:
    """The collection of an index folder: its name (model and chunking hash) as Milvus spells
    names, and the layout of its BM25 text (an older collection of raw text keeps serving
    its versions while an update moves the rows into this one)."""
    return "newsqa_" + re.sub(r"[^A-Za-z0-9_]", "_", home.name) + "_" + BM25_LAYOUT


def connect(uri: str) -> Any:
    """One client per URI per process; a server that does not answer or a Lite folder
    another process holds is one clear NewsqaError."""
    uri = canonical_uri(uri)
    with _clients_lock:
        client = _clients.get(uri)
        if client is not None:
            return client
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise NewsqaError("the milvus store needs pymilvus and milvus-lite: pip install 'newsqa[milvus]'") from None
        for noisy in ("milvus_lite", "pymilvus"):  # each logs a traceback of a failure reported here in one line
            logging.getLogger(noisy).setLevel(logging.CRITICAL)
        if not is_server(uri):
            # Lite's in-process gRPC server logs a traceback for each call it does not
            # implement (pymilvus asks for a timestamp while creating indexes): harmless.
            logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        if not is_server(uri):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        # Lite's in-process gRPC server takes a ping every 5 minutes at most; pymilvus pings
        # every 10 s, idle or not, and gets GOAWAY "too_many_pings" (logged, and the
        # connection dropped) while an update embeds. A server gets pymilvus's defaults.
        options = {} if is_server(uri) else {"grpc_options": {"grpc.keepalive_time_ms": LITE_KEEPALIVE_MS,
                                                              "grpc.keepalive_permit_without_calls": 0}}
        try:
            client = MilvusClient(uri=uri, timeout=CONNECT_TIMEOUT, **options)
        except Exception as exc:
            raise NewsqaError(_why_unreachable(uri, exc)) from None
        _clients[uri] = client
        return client


def _why_unreachable(uri: str, exc: Exception) -> str:
    if is_server(uri):
        return f"Milvus at {uri} is unreachable ({_first_line(exc)}); start it or set NEWSQA_MILVUS_URI"
    try:
        fd = os.open(Path(uri) / "LOCK", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as err:
        return f"cannot open Milvus Lite data in {uri} ({err.strerror})"
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        return (f"Milvus Lite data in {uri} is open in another process (a running bot or update?); "
                "stop it, or use a Milvus server for several processes")
    finally:
        os.close(fd)
    return f"cannot open Milvus Lite data in {uri} ({_first_line(exc)})"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else exc.__class__.__name__)[:160]


def release(uri: str) -> None:
    """Close this process's client of `uri` and, for Lite, free its folder for other processes."""
    uri = canonical_uri(uri)
    with _clients_lock:
        client = _clients.pop(uri, None)
    if client is not None:
        with contextlib.suppress(Exception):  # a client of a server that went away: nothing left to close
            client.close()
    if not is_server(uri):
        try:
            from milvus_lite.server_manager import server_manager_instance
        except ImportError:
            return
        server_manager_instance.release_server(uri)


def call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """A Milvus call whose failure is one line naming what was being done."""
    try:
        return fn(*args, **kwargs)
    except NewsqaError:
        raise
    except Exception as exc:
        raise NewsqaError(f"Milvus failed to {what} ({_first_line(exc)})") from None


def ensure_collection(client: Any, name: str, dim: int) -> None:
    """Create the collection (with its BM25 function and both indexes) unless it exists."""
    from pymilvus import DataType, Function, FunctionType

    if call("list collections", client.has_collection, name):
        call("load the collection", client.load_collection, name)
        return
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("chunk_id", DataType.INT64, is_primary=True)
    schema.add_field("gen", DataType.INT64)
    schema.add_field("article_id", DataType.VARCHAR, max_length=ID_MAX)
    schema.add_field("start", DataType.INT64)
    schema.add_field("end", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=TEXT_MAX, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse"]))
    index = client.prepare_index_params()
    index.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
    index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                    params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
    call("create the collection", client.create_collection, name, schema=schema, index_params=index)
    call("load the collection", client.load_collection, name)


def bm25_text(toks: list[str]) -> str:
    """Terms as one string Milvus's standard analyzer (runs of word characters, lower-cased)
    splits back into exactly these terms: the dots and apostrophes inside a term ("u.s",
    "don't") become underscores, which no term holds."""
    return " ".join(t.replace(".", "_").replace("'", "__") for t in toks)


def version_filter(gen_from: int, gen: int, pending: list[int]) -> str:
    """The rows one version reads: its range of builds, less the chunks it dropped."""
    expr = f"gen >= {int(gen_from)} and gen <= {int(gen)}"
    if pending:
        expr += " and chunk_id not in [" + ",".join(str(int(c)) for c in pending) + "]"
    return expr


def count_rows(client: Any, name: str, expr: str = "") -> int:
    """Rows matching `expr`; all rows (from the collection's statistics: fast) when empty.
    Lite evaluates a filter row by row in Python (1.5 s per 10,000 rows here), so the
    store and the writer count only the whole collection."""
    rows = call("count rows", client.query, name, filter=expr, output_fields=["count(*)"])
    return int(rows[0]["count(*)"]) if rows else 0


class MilvusStore:
    """The rows of one published version, read-only: dense search, BM25 search, vectors by id."""

    def __init__(self, client: Any, uri: str, collection: str, gen_from: int, gen: int,
                 pending: list[int], dim: int, rows: int, bm25_terms: bool = True) -> None:
        """`rows`: how many chunks the version holds, as its manifest says; `bm25_terms`:
        its `text` holds terms (`bm25_text`), not the raw text of an older build."""
        self.client, self.uri, self.collection = client, uri, collection
        self.bm25_terms = bm25_terms
        self.dim = dim
        self.expr = version_filter(gen_from, gen, pending)
        self.rows = rows
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, manifest: dict, uri: str | None = None) -> MilvusStore:
        """The store a manifest describes; `uri` (the reader's setting) wins over the one it was built with."""
        info = manifest.get("store") or {}
        try:
            where = canonical_uri(uri or str(info["uri"]))
            store = cls(connect(where), where, str(info["collection"]), int(info["gen_from"]), int(info["gen"]),
                        [int(c) for c in info.get("pending", [])], int(manifest["dim"]), int(manifest["chunks"]),
                        info.get("bm25") == BM25_LAYOUT)
        except (KeyError, TypeError, ValueError):
            raise IndexCorruptError("index manifest names no usable Milvus collection; run `newsqa index rebuild`") \
                from None
        if not call("list collections", store.client.has_collection, store.collection):
            raise IndexCorruptError(f"Milvus at {where} has no collection {store.collection}; "
                                    "run `newsqa index rebuild`")
        call("load the collection", store.client.load_collection, store.collection)
        if count_rows(store.client, store.collection) < store.rows:
            raise IndexCorruptError(f"Milvus collection {store.collection} holds fewer rows than the "
                                    f"{store.rows} chunks of this version; run `newsqa index rebuild`")
        return store

    def __len__(self) -> int:
        return self.rows

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        raise NewsqaError("a published Milvus version is read-only; `newsqa index update` writes new rows")

    def remove(self, ids: np.ndarray) -> None:
        raise NewsqaError("a published Milvus version is read-only; `newsqa index update` drops rows")

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each of shape (len(queries), k); missing hits have id -1. The
        vectors found are kept, so the cosines asked next need no second call."""
        k = max(1, min(k, 16_384))
        data = [np.asarray(q, dtype=np.float32).tolist() for q in queries]
        found = call("search", self.client.search, self.collection, data=data, anns_field="vector", limit=k,
                     filter=self.expr, output_fields=["vector"], search_params={"metric_type": "IP"})
        scores = np.full((len(data), k), -np.inf, dtype=np.float32)
        ids = np.full((len(data), k), -1, dtype=np.int64)
        with self._lock:
            for row, hits in enumerate(found):
                for col, hit in enumerate(hits[:k]):
                    cid = int(hit["chunk_id"])
                    ids[row, col], scores[row, col] = cid, float(hit["distance"])
                    self._remember(cid, hit["entity"]["vector"])
        return scores, ids

    def search_text(self, texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """BM25 (Milvus's own, over the `sparse` field) of raw question texts: (scores, ids),
        higher better; a text with no term gets no hits (id -1)."""
        if not self.bm25_terms:  # an older build's raw text: Milvus's analyzer reads the question
            return self._search_sparse(list(texts), k)
        return self.search_terms([terms(t) for t in texts], k)

    def search_terms(self, queries: list[list[str]], k: int) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of term lists (as `index.text.terms.terms` gives them), as `search_text`."""
        return self._search_sparse([bm25_text(q) for q in queries], k)

    def _search_sparse(self, data: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """One BM25 search of these analyzer inputs. Milvus Lite reports BM25 as a negated
        distance; a server as a score."""
        k = max(1, min(k, 16_384))
        scores = np.zeros((len(data), k), dtype=np.float32)
        ids = np.full((len(data), k), -1, dtype=np.int64)
        asked = [n for n, q in enumerate(data) if q.strip()]
        if not asked:
            return scores, ids
        found = call("search text", self.client.search, self.collection, data=[data[n] for n in asked],
                     anns_field="sparse", limit=k, filter=self.expr, output_fields=["chunk_id"],
                     search_params={"metric_type": "BM25"})
        for row, hits in zip(asked, found, strict=True):
            for col, hit in enumerate(hits[:k]):
                ids[row, col], scores[row, col] = int(hit["chunk_id"]), abs(float(hit["distance"]))
        return scores, ids

    def get(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these chunk ids, one row each: those not kept from a
        search in one batched call."""
        if not len(ids):
            return np.zeros((0, self.dim), dtype=np.float32)
        wanted = [int(i) for i in ids]
        with self._lock:
            missing = [i for i in dict.fromkeys(wanted) if i not in self._cache]
        fetched: dict[int, np.ndarray] = {}
        for start in range(0, len(missing), FETCH_BATCH):
            part = missing[start:start + FETCH_BATCH]
            rows = call("read vectors", self.client.get, self.collection, ids=part, output_fields=["vector"])
            fetched |= {int(r["chunk_id"]): np.asarray(r["vector"], dtype=np.float32) for r in rows}
        with self._lock:
            for cid, vec in fetched.items():
                self._remember(cid, vec)
            out = []
            for i in wanted:
                vec = fetched.get(i)
                if vec is None:
                    vec = self._cache.get(i)
                if vec is None:
                    raise IndexCorruptError(f"Milvus collection {self.collection} lacks chunk {i}; "
                                            "run `newsqa index rebuild`")
                out.append(vec)
        return np.stack(out)

    def _remember(self, cid: int, vector: Any) -> None:
        self._cache[cid] = np.asarray(vector, dtype=np.float32)
        self._cache.move_to_end(cid)
        while len(self._cache) > VECTOR_CACHE:
            self._cache.popitem(last=False)

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        """The vectors of many chunks (a move to another store), in batches, not kept."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for lo in range(0, len(ids), FETCH_BATCH):
            part = [int(i) for i in ids[lo:lo + FETCH_BATCH]]
            rows = call("read vectors", self.client.get, self.collection, ids=part, output_fields=["vector"])
            found = {int(r["chunk_id"]): r["vector"] for r in rows}
            if len(found) != len(part):
                raise IndexCorruptError(f"Milvus collection {self.collection} lacks chunks of this version; "
                                        "run `newsqa index rebuild`")
            out[lo:lo + len(part)] = np.asarray([found[i] for i in part], dtype=np.float32)
        return out


def store_entry(manifest: dict | None) -> dict | None:
    """The Milvus part of a manifest, or None for a FAISS version (or none at all)."""
    info = (manifest or {}).get("store")
    return info if isinstance(info, dict) and info.get("kind") == "milvus" else None


class MilvusWriter:
    """Writes one build's rows under a new `gen`, after clearing what no version reads.

    Rows of a build that was killed or failed (newer than the published version), of
    builds before a rebuild, and the chunks the published version dropped (kept only
    for readers of the version before it) are deleted first; the published version's
    own rows are left alone, so it keeps serving while this build writes.
    """

    def __init__(self, uri: str, home: Path, dim: int, published: dict | None, fresh: bool) -> None:
        self.uri = canonical_uri(uri)
        self.client = connect(self.uri)
        self.collection = collection_name(home)
        self.dim = dim
        self.gen = time.time_ns()
        prev = store_entry(published)
        same = (prev is not None and prev.get("collection") == self.collection and int(published["dim"]) == dim
                and prev.get("bm25") == BM25_LAYOUT)
        if not same and call("list collections", self.client.has_collection, self.collection):
            call("drop an old collection", self.client.drop_collection, self.collection)
        ensure_collection(self.client, self.collection, dim)
        if same:
            assert prev is not None
            stale = f"gen > {int(prev['gen'])} or gen < {int(prev['gen_from'])}"
            pending = [int(c) for c in prev.get("pending", [])]
            if pending:
                stale += " or chunk_id in [" + ",".join(map(str, pending)) + "]"
            call("delete stale rows", self.client.delete, self.collection, filter=stale)
        self.gen_from = self.gen if fresh or not same else int(prev["gen_from"])  # type: ignore[index]
        self.next_chunk_id = int(prev.get("next_chunk_id", 0)) if same else 0  # type: ignore[union-attr]

    def insert(self, ids: np.ndarray, article_ids: list[str], spans: list[tuple[int, int]], texts: list[str],
               vectors: np.ndarray, bm25_terms: list[list[str]] | None = None) -> None:
        """Rows of new chunks, in batches; invisible to readers until a manifest names this gen.
        `texts`: what BM25 reads of each chunk (title and text); `bm25_terms`, their terms
        when the caller has them already."""
        toks = bm25_terms if bm25_terms is not None else [terms(t) for t in texts]
        for lo in range(0, len(ids), INSERT_BATCH):
            rows = [{"chunk_id": int(ids[i]), "gen": self.gen, "article_id": article_ids[i],
                     "start": int(spans[i][0]), "end": int(spans[i][1]), "text": bm25_text(toks[i])[:TEXT_MAX],
                     "vector": np.asarray(vectors[i], dtype=np.float32).tolist()}
                    for i in range(lo, min(lo + INSERT_BATCH, len(ids)))]
            call("insert rows", self.client.insert, self.collection, rows)

    def finish(self, pending: list[int], next_chunk_id: int, expected: int) -> dict:
        """Flush, check the collection holds at least the version's `expected` rows (the
        tests count the version's own rows exactly), and give the manifest's store entry."""
        call("flush", self.client.flush, self.collection)
        pending = sorted(int(c) for c in pending)
        found = count_rows(self.client, self.collection)
        if found < expected + len(pending):
            raise IndexCorruptError(f"Milvus collection {self.collection} holds {found} rows for {expected} "
                                    "chunks; run `newsqa index rebuild`")
        return {"kind": "milvus", "bm25": BM25_LAYOUT, "uri": _without_credentials(self.uri),
                "collection": self.collection,
                "gen_from": self.gen_from, "gen": self.gen, "pending": pending,
                "next_chunk_id": max(next_chunk_id, self.next_chunk_id)}
