"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.article import Chunk
from index.chunking import embedding_text
from index.embedder import Embedder
from index.snapshot import IndexSnapshot
from qa.article_hint import named_articles
from qa.config import QAConfig, RetrievalMode
from qa.lexical import LexicalIndex, terms


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the evidence for it."""

    chunk: Chunk
    fused: float
    dense: float
    coverage: float


class Retriever:
    """Searches one index snapshot; built once per published version."""

    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder, cfg: QAConfig) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.cfg = cfg
        self.ids = np.array(sorted(snapshot.chunks), dtype=np.int64)
        self.row_of = {int(cid): row for row, cid in enumerate(self.ids)}
        self.lexical = LexicalIndex([
            embedding_text(snapshot.articles[c.article_id].title, c.text)
            for c in (snapshot.chunks[int(i)] for i in self.ids)
        ])

    def search(
        self, question: str, k: int, mode: RetrievalMode | None = None,
        qvec: np.ndarray | None = None,
    ) -> list[Hit]:
        """The best `k` chunks for a question, best first."""
        mode = mode or self.cfg.mode
        if not len(self.ids):
            return []
        n = max(self.cfg.candidates, k)
        qterms = terms(question)
        if qvec is None:
            qvec = self.embedder.encode([question])[0]
        dense = self._dense(qvec, n if mode != "bm25" else 0)
        lexical = self.lexical.search(qterms, n) if mode != "dense" else []
        fused: dict[int, float] = {}
        for rank, (row, _s) in enumerate(dense):
            fused[row] = fused.get(row, 0.0) + 1.0 / (self.cfg.rrf_k + rank + 1)
        for rank, (row, _s) in enumerate(lexical):
            fused[row] = fused.get(row, 0.0) + 1.0 / (self.cfg.rrf_k + rank + 1)
        named = named_articles(question, self.snapshot.articles)
        best = sorted(fused, key=lambda r: (self._article(r) not in named, -fused[r]))[:k]
        cos = self._cosines(qvec, best)
        return [
            Hit(self.snapshot.chunks[int(self.ids[r])], fused[r], cos[i],
                self.lexical.coverage(qterms, r))
            for i, r in enumerate(best)
        ]

    def _article(self, row: int) -> str:
        return self.snapshot.chunks[int(self.ids[row])].article_id

    def _dense(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        if n <= 0:
            return []
        scores, ids = self.snapshot.store.search(qvec[None, :], n)
        return [(self.row_of[int(i)], float(s)) for s, i in zip(scores[0], ids[0], strict=True)
                if i >= 0]

    def _cosines(self, qvec: np.ndarray, rows: list[int]) -> list[float]:
        """Cosine of the question with each row, for display and for abstaining."""
        if not rows:
            return []
        vecs = self.snapshot.store.get([int(self.ids[r]) for r in rows])
        return [float(x) for x in vecs @ qvec]
