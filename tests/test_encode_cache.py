"""The engine's encode cache: each text encoded once, vectors unchanged, oldest out first."""

from __future__ import annotations

import numpy as np

from index.embedder import Embedder
from qa.retrieval.encode_cache import EncodeCache


def test_each_text_is_encoded_once_and_vectors_are_the_models(embedder: Embedder) -> None:
    seen: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        seen.append(list(texts))
        return embedder.encode(texts)

    cache = EncodeCache(encode, max_texts=3)
    first = cache(["net income halved", "capital expenditure", "net income halved"])
    assert seen == [["net income halved", "capital expenditure"]]
    assert np.allclose(first[0], first[2])
    assert np.allclose(first, embedder.encode(["net income halved", "capital expenditure",
                                               "net income halved"]), atol=1e-6)
    cache(["capital expenditure", "cloud revenue", "subsidies"])
    assert seen[-1] == ["cloud revenue", "subsidies"]
    # "net income halved" was the least recently used of four: it is encoded again
    cache(["net income halved"])
    assert seen[-1] == ["net income halved"]
    cache(["subsidies"])
    assert seen[-1] == ["net income halved"]  # still cached: nothing new encoded
