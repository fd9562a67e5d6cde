"""The Milvus store on the real Milvus Lite: versions by build range, rows no reader needs
cleared, ids never reused, Milvus's own BM25, moving between stores, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import bm25s
import numpy as np
import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import NewsqaError
from index.store import lexicon
from index.store.layout import index_home
from index.store.milvus_store import MilvusStore, MilvusWriter, connect, count_rows, release
from index.store.snapshot import IndexSnapshot
from index.update.build import update_index
from qa.config import QAConfig
from qa.engine import Engine
from qa.retrieval.lexical import StoreLexicon, terms
from qa.retrieval.retrieve import Retriever
from tests.conftest import ROOT, SEED, on_store

MEITUAN = ("Title: Meituan narrows losses\ndate 2025-11-20 By Test Writer\n\nMeituan said its food delivery "
           "orders rose 20 per cent in the quarter as the price war with JD.com and Alibaba continued.\n")


@pytest.fixture
def milvus_cfg(fresh_cfg: IndexConfig, tmp_path: Path, embedder: Embedder) -> Iterator[IndexConfig]:
    cfg = on_store(fresh_cfg, "milvus", tmp_path)
    (cfg.corpus_dir / SEED.name).write_bytes(SEED.read_bytes())
    update_index(cfg, embedder=embedder)
    yield cfg
    release(cfg.milvus_uri)


def all_rows(snap: IndexSnapshot) -> int:
    """Rows in the collection, whichever build wrote them."""
    assert isinstance(snap.store, MilvusStore)
    return count_rows(snap.store.client, snap.store.collection, "chunk_id >= 0")


def version_rows(snap: IndexSnapshot) -> int:
    """Rows the version's filter selects, counted (the store itself trusts its manifest)."""
    assert isinstance(snap.store, MilvusStore)
    return count_rows(snap.store.client, snap.store.collection, snap.store.expr)


def env(cfg: IndexConfig, **extra: str) -> dict[str, str]:
    return {"NEWSQA_CORPUS_DIR": str(cfg.corpus_dir), "NEWSQA_INDEX_DIR": str(cfg.index_dir),
            "NEWSQA_STORE": cfg.store, "NEWSQA_MILVUS_URI": cfg.milvus_uri, **extra}


def test_rows_of_a_build_not_yet_published_are_invisible_and_cleared_after_it_dies(
        milvus_cfg: IndexConfig, embedder: Embedder) -> None:
    before = IndexSnapshot.open(milvus_cfg)
    n = len(before.chunks)
    vectors = before.store.get(sorted(before.chunks))
    # A build that wrote its rows and died before publishing (as a kill -9 would leave it).
    dead = MilvusWriter(milvus_cfg.milvus_uri, index_home(milvus_cfg), embedder.dim, before.manifest, fresh=False)
    ghost_ids = np.arange(1000, 1000 + n, dtype=np.int64)
    dead.insert(ghost_ids, ["ghost"] * n, [(0, 1)] * n, ["ghost text"] * n, vectors)
    dead.client.flush(dead.collection)
    assert all_rows(before) == 2 * n
    for snap in (before, IndexSnapshot.open(milvus_cfg)):  # the serving reader and a new one
        assert version_rows(snap) == n
        _scores, ids = snap.store.search(vectors[:3], 2 * n)
        assert not set(ids.ravel().tolist()) & set(ghost_ids.tolist())
        _scores, ids = snap.store.search_text(["ghost text"], 2 * n)
        assert not set(ids.ravel().tolist()) & set(ghost_ids.tolist())
    (milvus_cfg.corpus_dir / "meituan.txt").write_text(MEITUAN)
    update_index(milvus_cfg, embedder=embedder)
    after = IndexSnapshot.open(milvus_cfg)
    assert version_rows(after) == len(after.chunks) == all_rows(after)  # the dead build's rows are gone
    assert min(c for c in after.chunks if after.chunks[c].article_id == "meituan") >= n  # ids go on


def test_a_changed_article_serves_old_readers_until_the_next_update(milvus_cfg: IndexConfig,
                                                                   embedder: Embedder) -> None:
    old = IndexSnapshot.open(milvus_cfg)
    old_ids = sorted(old.chunks)
    seed = milvus_cfg.corpus_dir / SEED.name
    seed.write_text(seed.read_text().replace("Net income halved", "Net income fell by half"))
    report = update_index(milvus_cfg, embedder=embedder)
    assert report.changed == [SEED.stem]
    new = IndexSnapshot.open(milvus_cfg)
    assert min(new.chunks) > max(old_ids)  # ids are never reused
    assert new.manifest["store"]["pending"] == old_ids
    qvec = embedder.encode(["What happened to Alibaba's net income?"])[0]
    _s, got_old = old.store.search(qvec[None, :], 50)
    _s, got_new = new.store.search(qvec[None, :], 50)
    assert set(got_old[0][got_old[0] >= 0].tolist()) == set(old_ids)
    assert set(got_new[0][got_new[0] >= 0].tolist()) == set(new.chunks)
    assert old.store.get(old_ids[:3]).shape == (3, embedder.dim)  # the old reader still reads its vectors
    (milvus_cfg.corpus_dir / "meituan.txt").write_text(MEITUAN)
    update_index(milvus_cfg, embedder=embedder)
    latest = IndexSnapshot.open(milvus_cfg)
    assert all_rows(latest) == version_rows(latest) == len(latest.chunks)  # replaced rows went once unneeded


def test_milvus_bm25_field_finds_the_words(milvus_cfg: IndexConfig) -> None:
    snap = IndexSnapshot.open(milvus_cfg)
    scores, ids = snap.store.search_text(["net income halved"], 3)
    assert scores[0][0] > 0 and list(scores[0]) == sorted(scores[0], reverse=True)
    assert "Net income halved" in snap.chunks[int(ids[0][0])].text


ZORBLAT = ("Title: Harbour notes\ndate 2025-11-21 By Test Writer\n\nDock workers in the northern port unloaded "
           "crates of zorblatine on Tuesday, the harbour master said. The ferry timetable is unchanged "
           "for the winter, and the fish market opens at six.\n")


def test_hybrid_retrieval_takes_its_bm25_candidates_from_milvus(milvus_cfg: IndexConfig, embedder: Embedder,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a version on Milvus builds no BM25 in memory and reads no chunk's text or
    terms; BM25 alone (no in-memory index exists) finds the one chunk holding a made-up
    word through the collection's BM25 field, hybrid asks the collection too, and only
    the candidates' terms are read."""
    (milvus_cfg.corpus_dir / "harbour.txt").write_text(ZORBLAT)
    update_index(milvus_cfg, embedder=embedder)

    def forbidden(*_a: object, **_k: object) -> None:
        raise AssertionError("the whole corpus was read for BM25")

    monkeypatch.setattr(bm25s.BM25, "index", forbidden)
    monkeypatch.setattr(Retriever, "_texts", forbidden)
    monkeypatch.setattr(lexicon, "terms", forbidden)  # no segment's chunks tokenized again
    asked: list[list[list[str]]] = []
    real = MilvusStore.search_terms
    monkeypatch.setattr(MilvusStore, "search_terms",
                        lambda self, queries, k: asked.append(queries) or real(self, queries, k))
    engine = Engine(milvus_cfg, QAConfig(candidates=3), embedder)
    retriever = engine._state.retriever
    assert isinstance(retriever.lexical, StoreLexicon) and not retriever.lexical.known_terms()
    question = "Which crates did the dock workers unload: zorblatine?"
    target = next(c for c in retriever.snapshot.chunks.values() if "zorblatine" in c.text)
    assert [h.chunk.id for h in retriever.search(question, 1, mode="bm25")] == [target.id]  # lexical alone
    assert asked == [[terms(question)]]
    hits = retriever.search(question, 3)
    assert len(asked) == 2 and hits[0].chunk.id == target.id
    assert 0 < len(retriever.lexical.known_terms()) <= 6 < len(retriever.ids)  # the candidates' terms only


def test_moving_between_stores_embeds_nothing_again(fresh_cfg: IndexConfig, tmp_path: Path,
                                                    embedder: Embedder) -> None:
    (fresh_cfg.corpus_dir / SEED.name).write_bytes(SEED.read_bytes())
    update_index(fresh_cfg, embedder=embedder)
    faiss = IndexSnapshot.open(fresh_cfg)
    ids = sorted(faiss.chunks)
    milvus_cfg = on_store(fresh_cfg, "milvus", tmp_path)
    try:
        report = update_index(milvus_cfg, embedder=embedder)
        assert report.migrated and report.chunks_embedded == 0
        moved = IndexSnapshot.open(milvus_cfg)
        assert moved.store_kind == "milvus" and sorted(moved.chunks) == ids
        assert np.allclose(moved.store.get(ids), faiss.store.get(ids), atol=1e-6)
        back = update_index(fresh_cfg, embedder=embedder)
        assert back.migrated and back.chunks_embedded == 0
        again = IndexSnapshot.open(fresh_cfg)
        assert again.store_kind == "faiss" and np.allclose(again.store.get(ids), faiss.store.get(ids), atol=1e-6)
    finally:
        release(milvus_cfg.milvus_uri)


def test_index_status_names_the_store(milvus_cfg: IndexConfig) -> None:
    release(milvus_cfg.milvus_uri)
    r = CliRunner().invoke(cli, ["index", "status"], env=env(milvus_cfg))
    assert r.exit_code == 0, r.output
    assert "store milvus (collection newsqa_" in r.stdout
    r = CliRunner().invoke(cli, ["index", "status", "--json"], env=env(milvus_cfg))
    assert '"store": "milvus"' in r.stdout


def _newsqa(*args: str, env_vars: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bot.cli.main import main; main()", *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env_vars})


def test_milvus_unreachable_is_one_line_at_start(milvus_cfg: IndexConfig) -> None:
    release(milvus_cfg.milvus_uri)
    r = _newsqa("index", "status", env_vars=env(milvus_cfg, NEWSQA_MILVUS_URI="http://127.0.0.1:9"))
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]
    assert r.stderr.startswith("newsqa: error: Milvus at http://127.0.0.1:9 is unreachable")


def test_a_lite_folder_another_process_holds_is_one_line(milvus_cfg: IndexConfig) -> None:
    release(milvus_cfg.milvus_uri)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from index.store.milvus_store import connect; "
         "connect(sys.argv[1]); print('held', flush=True); time.sleep(60)", milvus_cfg.milvus_uri],
        stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(NewsqaError, match="open in another process"):
            connect(milvus_cfg.milvus_uri)
        (milvus_cfg.corpus_dir / "meituan.txt").write_text(MEITUAN)  # so the update has rows to write
        r = _newsqa("index", "update", env_vars=env(milvus_cfg))
        assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert r.stderr.startswith("newsqa: error: Milvus Lite data in ")
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_bad_milvus_setting_is_one_line(fresh_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["index", "status"], env={**env(fresh_cfg), "NEWSQA_STORE": "milvus",
                                                          "NEWSQA_MILVUS_URI": "data/milvus"})
    assert r.exit_code == 1 and r.stderr.startswith("newsqa: error: bad setting milvus_uri:")


def test_a_rebuild_writes_new_rows_beside_the_serving_ones(milvus_cfg: IndexConfig, embedder: Embedder) -> None:
    old = IndexSnapshot.open(milvus_cfg)
    report = update_index(milvus_cfg, embedder=embedder, rebuild=True)
    assert report.chunks_embedded == len(old.chunks)
    new = IndexSnapshot.open(milvus_cfg)
    assert not set(new.chunks) & set(old.chunks)  # new ids: the old version's rows stay its own
    assert version_rows(old) == version_rows(new) == len(new.chunks)
    assert all_rows(new) == 2 * len(new.chunks)
    (milvus_cfg.corpus_dir / "meituan.txt").write_text(MEITUAN)
    update_index(milvus_cfg, embedder=embedder)
    latest = IndexSnapshot.open(milvus_cfg)
    assert all_rows(latest) == version_rows(latest) == len(latest.chunks)  # the pre-rebuild rows are gone
