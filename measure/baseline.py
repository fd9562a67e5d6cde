"""The plain method every table is compared with: dense + BM25 reciprocal-rank fusion
over windows of 1 or 3 sentences, no re-ranking, no abstention, the top chunks as quotes.

The windows are a separate index of the same corpus (its chunking is part of the
index's name), built once and cached like the data sets' own indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from index.config import ChunkConfig, IndexConfig
from index.embedder import Embedder
from index.store.snapshot import IndexSnapshot
from qa.config import QAConfig
from qa.retrieval.retrieve import Retriever

PLAIN = QAConfig(fusion="rrf", mode="hybrid", sentence_weight=0.0, kind_weight=0.0)
WINDOWS = (1, 3)


def plain_index_config(index_cfg: IndexConfig, index_dir: Path, sentences: int) -> IndexConfig:
    """The same corpus cut into `sentences`-sentence windows a sentence apart."""
    return index_cfg.model_copy(update={
        "index_dir": index_dir, "chunking": ChunkConfig(max_sentences=sentences, max_chars=450, stride=1)})


def plain_quotes(cfg: IndexConfig, embedder: Embedder, questions: Sequence[str], k: int = 3) -> list[list[str]]:
    """The top `k` window texts for each question, in plain fused order."""
    retriever = Retriever(IndexSnapshot.open(cfg), embedder, PLAIN)
    return [[h.chunk.text for h in retriever.search(q, k, mode="hybrid", plain=True)] for q in questions]
