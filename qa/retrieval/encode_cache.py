"""Vectors of texts the model has encoded before, so a text is encoded once.

A figure compares the question's phrases with the clauses of every candidate quantity;
those clauses are the same for every question about an article, and encoding them again
made a figure question cost several model calls instead of one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

Encode = Callable[[list[str]], np.ndarray]


class EncodeCache:
    """An `encode` that remembers up to `max_texts` vectors (None: all), least recently
    used out."""

    def __init__(self, encode: Encode, max_texts: int | None = 20_000) -> None:
        self._encode = encode
        self._max = max_texts
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        fresh = self._encode(missing) if missing else []
        with self._lock:
            for text, vec in zip(missing, fresh, strict=True):
                self._vectors[text] = vec
            out = []
            for t in texts:
                vec = self._vectors.get(t)
                if vec is None:  # evicted by another thread between the two steps
                    vec = dict(zip(missing, fresh, strict=True))[t]
                else:
                    self._vectors.move_to_end(t)
                out.append(vec)
            while self._max is not None and len(self._vectors) > self._max:
                self._vectors.popitem(last=False)
        return np.stack(out) if out else np.zeros((0, 0), dtype=np.float32)

    def put(self, texts: list[str], vectors: np.ndarray) -> None:
        """Remember vectors computed elsewhere (an evaluation's saved question vectors)."""
        with self._lock:
            for text, vec in zip(texts, vectors, strict=True):
                self._vectors[text] = vec
