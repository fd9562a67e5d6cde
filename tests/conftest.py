"""Shared fixtures: the real model, a real index on disk, the real engine."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from index.config import IndexConfig, StoreKind
from index.embedder import Embedder, get_embedder
from index.store.milvus_store import release
from index.update.build import update_index
from qa.config import QAConfig
from qa.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "alibaba-two-speed-economy.txt"
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "seed_article.jsonl"
# Both vector stores, each on the real thing: FAISS files and Milvus Lite (from PyPI).
STORES: tuple[StoreKind, ...] = ("faiss", "milvus")


def seed_questions(kind: str | None = None) -> list[dict]:
    """The shared seed questions (expected answers stay in ../shared, never in code)."""
    rows = [json.loads(x) for x in SHARED_EVAL.read_text().splitlines() if x.strip()]
    return [r for r in rows if kind is None or r["kind"] == kind]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return get_embedder(IndexConfig().model)


def make_corpus(folder: Path, *files: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copyfile(f, folder / f.name)
    return folder


@pytest.fixture(scope="session")
def seed_cfg(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> IndexConfig:
    """A real index on disk of the seed article alone, built once per test run."""
    root = tmp_path_factory.mktemp("seed")
    cfg = IndexConfig(corpus_dir=make_corpus(root / "corpus", SEED), index_dir=root / "index")
    update_index(cfg, embedder=embedder)
    return cfg


@pytest.fixture(scope="session")
def engine(seed_cfg: IndexConfig, embedder: Embedder) -> Engine:
    return Engine(seed_cfg, QAConfig(), embedder)


@pytest.fixture
def fresh_cfg(tmp_path: Path) -> IndexConfig:
    """An empty corpus and index of a test's own."""
    (tmp_path / "corpus").mkdir()
    return IndexConfig(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


def on_store(cfg: IndexConfig, store: StoreKind, folder: Path) -> IndexConfig:
    """`cfg` writing to `store`; a Milvus Lite database of its own in `folder`."""
    return cfg.model_copy(update={"store": store, "milvus_uri": str(folder / "milvus.db")})


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> StoreKind:
    return request.param


@pytest.fixture
def store_cfg(fresh_cfg: IndexConfig, store_kind: StoreKind, tmp_path: Path) -> Iterator[IndexConfig]:
    """An empty corpus and index of a test's own, on each store in turn."""
    cfg = on_store(fresh_cfg, store_kind, tmp_path)
    yield cfg
    release(cfg.milvus_uri)


@pytest.fixture(scope="session", params=STORES)
def seed_store_cfg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   embedder: Embedder) -> Iterator[IndexConfig]:
    """The seed article's index on each store, built once per test run."""
    root = tmp_path_factory.mktemp(f"seed-{request.param}")
    cfg = on_store(IndexConfig(corpus_dir=make_corpus(root / "corpus", SEED), index_dir=root / "index"),
                   request.param, root)
    update_index(cfg, embedder=embedder)
    yield cfg
    release(cfg.milvus_uri)
