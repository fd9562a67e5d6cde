"""Settings the question-answering stage needs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RetrievalMode = Literal["hybrid", "dense", "bm25"]
Abstention = Literal["fitted", "stairs"]
Fusion = Literal["score", "rrf"]


class QAConfig(BaseModel):
    """How passages are retrieved, when to abstain, how much to quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top_k: int = Field(3, ge=1, le=20, description="quotes in an answer")
    candidates: int = Field(100, ge=1, description="chunks each retriever proposes before fusion")
    mode: RetrievalMode = Field("hybrid", description="dense, bm25, or both fused")
    fusion: Fusion = Field(
        "score",
        description="how hybrid mode fuses the two rankings: 'score' adds the z-scores of "
                    "cosine and BM25 score, weighted by dense_weight; 'rrf' sums reciprocal ranks",
    )
    dense_weight: float = Field(
        0.5, ge=0.0, le=1.0,
        description="weight of the dense z-score in score fusion; BM25 gets the rest",
    )
    sentence_weight: float = Field(
        2.0, ge=0.0,
        description="hybrid mode re-ranks its hits by fused score plus this times the share of "
                    "the question's words (IDF-weighted) that one sentence of the hit holds",
    )
    kind_weight: float = Field(
        1.0, ge=0.0,
        description="hybrid mode's re-ranking bonus for a chunk holding the kind of answer the "
                    "question asks for (a time for 'when', a number for 'how many', a name for "
                    "'who', a place for 'where')",
    )
    rerank_pool: int = Field(30, ge=1, description="best fused chunks hybrid mode re-ranks")
    rrf_k: int = Field(60, ge=1, description="reciprocal rank fusion constant (fusion='rrf')")
    bm25_k1: float = Field(0.9, gt=0.0, description="BM25 term-frequency saturation")
    bm25_b: float = Field(0.4, ge=0.0, le=1.0, description="BM25 document-length normalisation")
    oov_weight: float = Field(
        0.75, ge=0.0, le=1.0,
        description="share of its IDF weight a question word no article uses keeps in coverage",
    )
    max_quote_chars: int = Field(
        450, ge=0,
        description="a quote widens to take in an overlapping passage that ranked among the "
                    "best, up to this many characters (0: never)",
    )
    max_question_chars: int = Field(2000, ge=10, description="longer questions are refused")
    lead: bool = Field(True, description="answers lead with the sentence that answers, in its passage; "
                                         "false: the best passages as retrieved")
    abstention: Abstention = Field(
        "fitted",
        description="how to decide the articles do not answer: 'fitted', the logistic scorer of "
                    "qa/lead/fitted/answerable.json; 'stairs', the older coverage/cosine thresholds",
    )
