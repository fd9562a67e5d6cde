"""Vectors by chunk id behind a small interface; FAISS on local disk is the default.

A distributed vector database can stand beside `FaissStore` by implementing
`VectorStore`; nothing else in newsqa touches FAISS.
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
        """The stored vectors of these chunk ids, one row each."""
        return np.stack([self.index.reconstruct(int(i)) for i in ids])

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
