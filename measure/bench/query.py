"""Query latency: a full `ask` beside its floor (bare encode + one FAISS search), and
the approximate (IVF) index's recall@10 and speed against exact search on the same vectors.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import numpy as np

from index.embedder import Embedder
from index.errors import QuestionError
from index.store.vector_store import approximate_store, stored_vectors
from measure.bench.build import BuiltIndex
from measure.dataset_eval import sample
from measure.datasets import load_squad
from qa.config import QAConfig
from qa.engine import Engine

WARMUP = 2


def squad_questions(data_dir: Path, n: int, seed: int = 0) -> list[str]:
    return [q.question for q in sample(load_squad(data_dir).questions, n, seed)]


def seed_questions(path: Path) -> list[str]:
    """The shared seed questions, or a few general ones when the file is not there."""
    try:
        return [json.loads(x)["question"] for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    except (OSError, ValueError, KeyError):
        return ["What happened to net income?", "Who is the chief executive?", "How fast did revenue grow?"]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else 0.0


def bare_query(embedder: Embedder, engine: Engine, question: str, k: int = 10) -> np.ndarray:
    """The floor of a question: one bare `model.encode` plus one FAISS search."""
    vec = embedder.model.encode([question], normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False)
    return engine.snapshot.store.search(np.ascontiguousarray(vec, dtype=np.float32), k)[1]


def _ask(engine: Engine, question: str) -> None:
    with contextlib.suppress(QuestionError):
        engine.ask(question)


def measure_queries(built: BuiltIndex, qa_cfg: QAConfig, embedder: Embedder, questions: list[str],
                    corpus: str) -> tuple[dict, Engine]:
    """p50/p95 of full asks and p50 of the floor, interleaved so load swings hit both alike."""
    engine = Engine(built.cfg, qa_cfg, embedder)
    for q in questions[:WARMUP]:
        _ask(engine, q)
        bare_query(embedder, engine, q)
    asks, floors = [], []
    for q in questions:
        start = time.perf_counter()
        _ask(engine, q)
        asks.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_query(embedder, engine, q)
        floors.append(time.perf_counter() - start)
    row = {"size": built.size, "p50_ms": round(1000 * percentile(asks, 50), 1),
           "p95_ms": round(1000 * percentile(asks, 95), 1),
           "floor_p50_ms": round(1000 * percentile(floors, 50), 1), "corpus": corpus, "chunks": built.chunks}
    return row, engine


def measure_approximate(built: BuiltIndex, engine: Engine, embedder: Embedder,
                        questions: list[str]) -> dict:
    """IVF over the same vectors: recall@10 (ties with the 10th exact score count), search
    p50 beside exact search, and the full ask p50 with the IVF index swapped in."""
    exact = engine.snapshot.store
    ids, vectors = stored_vectors(exact)
    start = time.perf_counter()
    approx = approximate_store(ids, vectors)
    train_s = time.perf_counter() - start
    qvecs = embedder.encode(questions)
    k = min(10, len(exact))
    exact_scores, exact_ids = exact.search(qvecs, k)
    _, approx_ids = approx.search(qvecs, k)
    by_id = dict(zip(ids.tolist(), range(len(ids)), strict=True))
    found = 0
    for qi in range(len(questions)):
        gold = set(exact_ids[qi].tolist())
        tenth = float(exact_scores[qi][-1])
        for cid in approx_ids[qi].tolist():
            if cid < 0:
                continue
            if cid in gold or float(vectors[by_id[cid]] @ qvecs[qi]) >= tenth - 1e-6:
                found += 1
    recall = found / (k * len(questions)) if questions else 0.0
    timings: dict[str, list[float]] = {"exact": [], "approx": []}
    for qi in range(len(questions)):
        for name, store in (("exact", exact), ("approx", approx)):
            start = time.perf_counter()
            store.search(qvecs[qi:qi + 1], 30)
            timings[name].append(time.perf_counter() - start)
    engine.snapshot.store = approx  # this process only: how `ask` would run on it
    try:
        asks = []
        for q in questions:
            start = time.perf_counter()
            _ask(engine, q)
            asks.append(time.perf_counter() - start)
    finally:
        engine.snapshot.store = exact
    ivf = approx.index
    return {"size": built.size, "index": f"IVFFlat nlist={ivf.nlist} nprobe={ivf.nprobe}",
            "recall@10": round(recall, 4), "train_s": round(train_s, 2),
            "search_p50_ms": round(1000 * percentile(timings["approx"], 50), 2),
            "exact_search_p50_ms": round(1000 * percentile(timings["exact"], 50), 2),
            "ask_p50_ms": round(1000 * percentile(asks, 50), 1)}
