"""Settings the question-answering stage needs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RetrievalMode = Literal["hybrid", "dense", "bm25"]


class QAConfig(BaseModel):
    """How passages are retrieved, when to abstain, how much to quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top_k: int = Field(3, ge=1, le=20, description="quotes in an answer")
    candidates: int = Field(30, ge=1, description="chunks each retriever proposes before fusion")
    mode: RetrievalMode = Field("hybrid", description="dense, bm25, or both fused")
    rrf_k: int = Field(60, ge=1, description="reciprocal rank fusion constant")
    max_question_chars: int = Field(2000, ge=10, description="longer questions are refused")
