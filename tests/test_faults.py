"""Crashes and full disks while writing the index: the previous index keeps serving, on
FAISS and on Milvus Lite (the kill and disk-full tests run on both stores)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.config import IndexConfig, StoreKind
from index.embedder import Embedder
from index.errors import IndexCorruptError
from index.intake.loading import load_article
from index.store.layout import current_version, index_home
from index.store.milvus_store import connect, count_rows, release
from index.store.snapshot import IndexSnapshot
from index.store.vector_store import FaissStore
from index.update.build import update_index
from tests.conftest import ROOT, SEED, on_store

CHILD = """
import sys
from pathlib import Path
from index.update.build import update_index
from index.config import IndexConfig, StoreKind
cfg = IndexConfig(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), store=sys.argv[3],
                  milvus_uri=sys.argv[4])
if len(sys.argv) > 5:
    import resource, signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk: writes fail with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[5]), int(sys.argv[5])))
from index.embedder import get_embedder
get_embedder(cfg.model)  # loaded before "start", so a kill lands in the update itself
print("start", flush=True)
update_index(cfg)
print("done", flush=True)
"""


def synthetic_corpus(folder: Path, n: int, seed: int) -> None:
    """`n` distinct articles made of the seed article's sentences in shuffled order."""
    sentences = [s for s in load_article(SEED).text.replace("\n\n", " ").split(". ") if s]
    rng = random.Random(seed)
    for i in range(n):
        rng.shuffle(sentences)
        body = ". ".join(sentences[:24]) + "."
        (folder / f"article-{seed}-{i:03d}.txt").write_text(f"date 2025-01-{1 + i % 28:02d} By Writer {i}\n\n{body}\n")


def run_child(cfg: IndexConfig, *extra: str) -> subprocess.Popen[str]:
    """An update in another process; this one lets go of Milvus Lite first (one process at a time)."""
    release(cfg.milvus_uri)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(cfg.corpus_dir), str(cfg.index_dir), cfg.store,
                             cfg.milvus_uri, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def version_rows(snap: IndexSnapshot) -> int:
    """Vectors the version reads: FAISS's, or the Milvus rows its filter selects (counted row by row)."""
    store = snap.store
    return len(store) if isinstance(store, FaissStore) else count_rows(store.client, store.collection, store.expr)


def stored_rows(cfg: IndexConfig, snap: IndexSnapshot) -> int:
    """Rows the store holds in all: a Milvus collection's, whatever version wrote them."""
    if snap.store_kind == "faiss":
        return len(snap.store)
    info = snap.manifest["store"]
    return count_rows(connect(cfg.milvus_uri), info["collection"], "chunk_id >= 0") - len(info["pending"])


# Milvus runs the new-segment case only (for time): its short embedding puts most kills
# among the Milvus writes; test_milvus_store.py covers rows of a build that never published.
@pytest.mark.parametrize(("store", "base", "added", "wait"),
                         [("faiss", 0, 40, 2.5), ("faiss", 40, 4, 0.8), ("milvus", 40, 4, 0.8)],
                         ids=["faiss-compacting", "faiss-new-segment", "milvus-new-segment"])
def test_kill_9_at_random_points_leaves_the_previous_index(
    fresh_cfg: IndexConfig, tmp_path: Path, embedder: Embedder, store: StoreKind, base: int, added: int,
    wait: float
) -> None:
    fresh_cfg = on_store(fresh_cfg, store, tmp_path)
    try:
        _kill_9_at_random_points(fresh_cfg, embedder, base, added, wait)
    finally:
        release(fresh_cfg.milvus_uri)


def _kill_9_at_random_points(fresh_cfg: IndexConfig, embedder: Embedder, base: int, added: int,
                             wait: float) -> None:
    (fresh_cfg.corpus_dir / SEED.name).write_bytes(SEED.read_bytes())
    synthetic_corpus(fresh_cfg.corpus_dir, base, seed=3)
    update_index(fresh_cfg, embedder=embedder)
    home = index_home(fresh_cfg)
    before = current_version(home)
    assert before is not None
    kept = {c.text for c in IndexSnapshot.open(fresh_cfg).chunks.values()}
    synthetic_corpus(fresh_cfg.corpus_dir, added, seed=1)
    rng = random.Random(7)
    killed = 0
    for _ in range(3):
        child = run_child(fresh_cfg)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "start"  # model and imports loaded
        time.sleep(rng.uniform(0.0, wait))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.wait(timeout=120)
        version = current_version(home)
        snap = IndexSnapshot.open(fresh_cfg)  # never half-written: opens, and is consistent
        assert version_rows(snap) == len(snap.chunks)
        assert version == before or len(snap.articles) == 1 + base + added
        assert kept <= {c.text for c in snap.chunks.values()}  # segments it shared are intact
        if version != before:
            break
    assert killed >= 1
    report = update_index(fresh_cfg, embedder=embedder)
    snap = IndexSnapshot.open(fresh_cfg)
    assert len(snap.articles) == 1 + base + added and version_rows(snap) == len(snap.chunks)
    assert stored_rows(fresh_cfg, snap) == len(snap.chunks)  # what killed builds wrote is gone
    assert kept <= {c.text for c in snap.chunks.values()}
    assert report.version == current_version(home).name  # type: ignore[union-attr]
    assert not list(home.glob("tmp-*"))


def test_disk_full_while_writing_keeps_the_old_index(store_cfg: IndexConfig, embedder: Embedder) -> None:
    fresh_cfg = store_cfg
    (fresh_cfg.corpus_dir / SEED.name).write_bytes(SEED.read_bytes())
    update_index(fresh_cfg, embedder=embedder)
    before = current_version(index_home(fresh_cfg))
    synthetic_corpus(fresh_cfg.corpus_dir, 20, seed=2)
    child = run_child(fresh_cfg, str(64 * 1024))  # no file may grow past 64 KiB
    _out, err = child.communicate(timeout=300)
    assert child.returncode != 0, err[-500:]
    assert current_version(index_home(fresh_cfg)) == before
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {SEED.stem}
    assert update_index(fresh_cfg, embedder=embedder).added  # and the next update completes


@pytest.mark.parametrize("damage", ["pointer", "manifest", "metadata"])
def test_damaged_index_names_the_rebuild(fresh_cfg: IndexConfig, embedder: Embedder, damage: str) -> None:
    (fresh_cfg.corpus_dir / SEED.name).write_bytes(SEED.read_bytes())
    update_index(fresh_cfg, embedder=embedder)
    home = index_home(fresh_cfg)
    version = current_version(home)
    assert version is not None
    target = {"pointer": home / "CURRENT", "manifest": version / "manifest.json",
              "metadata": next(version.glob("s-*/meta.sqlite"))}[damage]
    target.write_bytes(b"garbage \x00\xff" * 10)
    with pytest.raises(IndexCorruptError, match="newsqa index rebuild"):
        IndexSnapshot.open(fresh_cfg)
    update_index(fresh_cfg, embedder=embedder, rebuild=True)
    assert IndexSnapshot.open(fresh_cfg).articles
