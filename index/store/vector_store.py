"""Vectors by chunk id behind a small interface; FAISS on local disk is the default.

`MilvusStore` (index/store/milvus_store.py) stands beside `FaissStore` by implementing
`VectorStore`; nothing else in newsqa touches FAISS or Milvus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from index.errors import IndexCorruptError


class VectorStore(Protocol):
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...
    def remove(self, ids: np.ndarray) -> None: ...
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...
    def get(self, ids: list[int]) -> np.ndarray: ...
    def __len__(self) -> int: ...


class FaissStore:
    """Exact inner-product search over normalised vectors, addressable by chunk id."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def empty(cls, dim: int) -> FaissStore:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def load(cls, path: Path) -> FaissStore:
        try:
            return cls(faiss.read_index(str(path)))
        except Exception as exc:
            raise IndexCorruptError(
                f"vector index {path} is unreadable ({str(exc).splitlines()[0][:120]}); "
                "run `newsqa index rebuild`"
            ) from None

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                    np.asarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each of shape (len(queries), k); missing hits have id -1."""
        k = max(1, min(k, len(self))) if len(self) else 1
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def get(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these chunk ids, one row each (one batched call: a
        question reads about 200 of them, and one call per id cost a millisecond)."""
        if not len(ids):
            return np.zeros((0, self.index.d), dtype=np.float32)
        return self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))


# --- approximate search past a size threshold ----------------------------------------
# Exact search reads every vector: at 100,000 chunks that is 38 M multiply-adds per
# question, 17 ms here, more than encoding the question (about 14 ms). An inverted-file
# index (IVF) reads only the `nprobe` nearest of `nlist` clusters. IVFFlat keeps the exact vectors (so
# `get` and the cosines shown stay exact), takes chunk ids natively, and supports
# `remove_ids` through a hash-table direct map; HNSW cannot remove, so it is not used.
APPROX_MIN_CHUNKS = 50_000


def stored_vectors(store: FaissStore) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every vector a store holds, in no particular order."""
    index = store.index
    if isinstance(index, faiss.IndexIDMap):
        ids = faiss.vector_to_array(index.id_map).astype(np.int64)
        inner = faiss.downcast_index(index.index)
        if isinstance(inner, faiss.IndexFlat):
            return ids, inner.reconstruct_n(0, inner.ntotal)
        return ids, np.stack([index.reconstruct(int(i)) for i in ids]) if len(ids) else \
            np.zeros((0, index.d), dtype=np.float32)
    ivf = faiss.extract_index_ivf(index)
    lists = ivf.invlists
    id_parts, vec_parts = [], []
    for n in range(ivf.nlist):
        size = lists.list_size(n)
        if size:
            id_parts.append(faiss.rev_swig_ptr(lists.get_ids(n), size).copy())
            codes = faiss.rev_swig_ptr(lists.get_codes(n), size * ivf.code_size)
            vec_parts.append(np.frombuffer(codes.tobytes(), dtype=np.float32).reshape(size, ivf.d))
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros((0, index.d), dtype=np.float32)
    return np.concatenate(id_parts).astype(np.int64), np.concatenate(vec_parts)


def approximate_store(ids: np.ndarray, vectors: np.ndarray, nlist: int | None = None,
                      nprobe: int | None = None) -> FaissStore:
    """An IVFFlat store of these vectors: `nlist` about 4·√n clusters, `nprobe` of them searched.

    With the default `nprobe` (an eighth of the clusters) recall@10 against exact
    search was 0.989 on the 10,000-chunk SQuAD corpus; `newsqa bench` measures it
    at every corpus size it runs.
    """
    n, dim = vectors.shape
    nlist = nlist or max(1, min(int(4 * np.sqrt(n)), n // 39 or 1))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(0)
    train = x if n <= nlist * 256 else x[rng.choice(n, nlist * 256, replace=False)]
    index.train(train)
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    index.add_with_ids(x, np.asarray(ids, dtype=np.int64))
    index.nprobe = nprobe or approx_nprobe(nlist)
    return FaissStore(index)


def approx_nprobe(nlist: int) -> int:
    """Clusters searched per question: an eighth (at least 16), for recall@10 >= 0.98."""
    return min(nlist, max(16, round(nlist / 8)))


def fit_store(store: FaissStore, threshold: int = APPROX_MIN_CHUNKS) -> FaissStore:
    """The store to save after an update: exact below `threshold` chunks, IVF past it.

    An IVF store that has grown past four times the size its clusters were trained
    for is retrained; one that shrank below the threshold goes back to exact search.
    """
    ivf = None if isinstance(store.index, faiss.IndexIDMap) else faiss.extract_index_ivf(store.index)
    n = len(store)
    if ivf is None and n < threshold:
        return store
    if ivf is not None and n >= threshold and n <= 4 * (ivf.nlist / 4) ** 2:
        return store
    ids, vectors = stored_vectors(store)
    if n < threshold:
        exact = FaissStore.empty(store.dim)
        exact.add(ids, vectors)
        return exact
    return approximate_store(ids, vectors)
