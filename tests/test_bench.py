"""`newsqa bench` on a tiny corpus: the JSON shape and sane ranges, no timing goals.

Speed goals belong in the bench's own output; here every part runs for real on 100
chunks (cold start, a few subprocesses of model loading, is left out for time).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from index.store.vector_store import FaissStore, approximate_store, fit_store, stored_vectors
from measure.bench.report import markdown, rows

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not (DATA / "squad_dev.jsonl.gz").is_file(), reason="../shared/data missing")
def test_bench_json_shape_on_a_tiny_corpus(tmp_path: Path) -> None:
    env = {"NEWSQA_INDEX_DIR": str(tmp_path / "index"), "NEWSQA_CORPUS_DIR": str(ROOT / "corpus")}
    args = ["bench", "--sizes", "100", "--build-chunks", "100", "--questions", "5", "--chats", "3",
            "--skip", "cold_start",
            "--data-dir", str(DATA), "--json"]
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["machine"] and not data["errors"]
    seed, squad = data["query"]
    assert seed["corpus"] == "seed" and squad["corpus"] == "squad"
    assert 80 <= squad["chunks"] <= 120 and squad["size"] == 100
    for q in data["query"]:
        assert q["floor_p50_ms"] > 0 and 0 < q["p50_ms"] <= q["p95_ms"]
    (approx,) = data["approximate"]
    assert 0.5 <= approx["recall@10"] <= 1 and approx["search_p50_ms"] > 0
    b = data["build"]
    assert b["chunks_per_s"] > 0 and b["floor_chunks_per_s"] > 0 and b["chunks"] == squad["chunks"]
    inc = data["incremental"]
    assert inc["chunks_added"] > 0 and inc["index_chunks"] == squad["chunks"] + inc["chunks_added"]
    assert inc["floor_s"] > 0 and inc["s"] > 0
    mem = data["memory"]
    assert mem["peak_rss_mb"] >= mem["model_rss_mb"] > 50 and mem["bytes_per_chunk"] > 0
    assert data["cold_start"] is None
    assert data["bot"]["answers"] == 2 * 3 and data["bot"]["answers_per_s"] > 0
    assert len(rows(data)) == 7 and markdown(data).count("\n| ") == 9
    # The corpus and its index are cached: a second run builds nothing.
    again = CliRunner().invoke(cli, ["bench", "--sizes", "100", "--questions", "5", "--skip",
                                     "query,build,incremental,memory,cold_start,bot",
                                     "--data-dir", str(DATA), "--json"], env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["corpora"] == [{"size": 100, "chunks": squad["chunks"], "build_s": None}]


def test_bench_rejects_bad_options() -> None:
    r = CliRunner().invoke(cli, ["bench", "--sizes", "ten"])
    assert r.exit_code == 2 and "chunk counts" in r.output
    r = CliRunner().invoke(cli, ["bench", "--skip", "lunch"])
    assert r.exit_code == 2 and "unknown part" in r.output
    r = CliRunner().invoke(cli, ["bench", "--store", "faiss,qdrant"])
    assert r.exit_code == 2 and "stores are faiss, milvus" in r.output


def test_approximate_store_keeps_ids_vectors_and_removal(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(3000, dtype=np.int64) * 5 + 7
    exact = FaissStore.empty(32)
    exact.add(ids, vectors)
    approx = approximate_store(ids, vectors)
    got_ids, got_vecs = stored_vectors(approx)
    order = np.argsort(got_ids)
    assert (got_ids[order] == ids).all() and np.allclose(got_vecs[order], vectors)
    assert np.allclose(approx.get([int(ids[42])])[0], vectors[42])
    approx.remove(ids[:100])
    assert len(approx) == 2900 and int(ids[0]) not in approx.search(vectors[:1], 5)[1][0]
    approx.save(tmp_path / "v.faiss")
    loaded = FaissStore.load(tmp_path / "v.faiss")
    assert len(loaded) == 2900 and loaded.search(vectors[200:201], 1)[1][0][0] == ids[200]
    assert fit_store(exact, threshold=10_000) is exact
    switched = fit_store(exact, threshold=1_000)
    assert len(switched) == 3000 and switched.index.__class__.__name__ == "IndexIVFFlat"
    back = fit_store(loaded, threshold=5_000)
    assert len(back) == 2900 and back.index.__class__.__name__ == "IndexIDMap2"


@pytest.mark.skipif(not (DATA / "squad_dev.jsonl.gz").is_file(), reason="../shared/data missing")
def test_bench_corpora_past_squad_size_hold_no_duplicate_articles() -> None:
    from index.config import ChunkConfig
    from measure.bench.corpus import _articles

    articles = _articles(DATA, 8_000, ChunkConfig())  # SQuAD dev holds ~6,900 chunks: copies needed
    assert any("(copy 1)" in title for _, title, _ in articles)
    bodies = [body for _, _, body in articles]
    assert len(set(bodies)) == len(bodies)


@pytest.mark.skipif(not (DATA / "squad_dev.jsonl.gz").is_file(), reason="../shared/data missing")
def test_bench_runs_both_stores_side_by_side(tmp_path: Path) -> None:
    """The per-store parts on FAISS and on Milvus Lite in one run (memory and cold start, subprocesses
    of model loading, left out for time)."""
    env = {"NEWSQA_INDEX_DIR": str(tmp_path / "index"), "NEWSQA_CORPUS_DIR": str(ROOT / "corpus")}
    args = ["bench", "--store", "faiss,milvus", "--sizes", "100", "--build-chunks", "100", "--questions", "5",
            "--skip", "cold_start,bot,approx,memory", "--data-dir", str(DATA), "--json"]
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert not data["errors"] and data["stores"] == ["faiss", "milvus"]
    faiss, milvus = data["runs"]
    assert (faiss["store"], milvus["store"]) == ("faiss", "milvus")
    assert data["query"] == faiss["query"]  # the top level is the first store's, as with one store
    for run in (faiss, milvus):
        seed, squad = run["query"]
        assert seed["corpus"] == "seed" and seed["chunks"] == faiss["query"][0]["chunks"]
        assert squad["chunks"] == faiss["query"][1]["chunks"] and 0 < squad["p50_ms"] <= squad["p95_ms"]
        assert run["build"]["chunks_per_s"] > 0 and run["incremental"]["chunks_added"] > 0
    assert not milvus["approximate"]
    table = rows(data)
    assert any(r[0].startswith("milvus: query p50") and r[4] == "p50 <= 2x floor" for r in table)
    assert any(r[0].startswith("milvus: add 1 article") and r[4] == "<= 1.2x floor + 1 s" for r in table)
