"""`watch_corpus` in a thread over a real corpus and index: the index follows the folder."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from index.config import IndexConfig
from index.embedder import Embedder
from index.store.layout import current_version, index_home
from index.store.snapshot import IndexSnapshot
from index.update.build import UpdateReport
from index.update.watch import watch_corpus
from tests.conftest import SEED
from tests.test_index_build import OTHER, CountingEmbedder

WAIT = 60.0  # generous for a slow CI machine; the loops below end as soon as the index follows


class FlakyEmbedder(CountingEmbedder):
    """Fails its first `failures` calls, then embeds: the watcher must survive and retry."""

    def __init__(self, real: Embedder, failures: int) -> None:
        super().__init__(real)
        self.failures = failures

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("the model fell over")
        return super().encode(texts, batch_size, progress)


def wait_for(condition: Callable[[IndexSnapshot], bool], cfg: IndexConfig, what: str) -> IndexSnapshot:
    """Poll the published index until `condition` holds, or fail after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if current_version(index_home(cfg)) is not None:
            snap = IndexSnapshot.open(cfg)
            if condition(snap):
                return snap
        time.sleep(0.1)
    pytest.fail(f"the index did not follow within {WAIT:.0f}s: {what}")


@contextmanager
def watching(cfg: IndexConfig, embedder: object, reports: list[UpdateReport], **kw: float | bool) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_corpus, args=(cfg,),
        kwargs={"debounce": 0.2, "settle": 0.3, "stop": stop, "on_update": reports.append,
                "embedder": embedder, **kw},
        daemon=True,
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the watcher did not stop"


def test_watcher_follows_drops_halves_and_deletes(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    corpus = fresh_cfg.corpus_dir
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    counter = CountingEmbedder(embedder)
    reports: list[UpdateReport] = []
    with watching(fresh_cfg, counter, reports):
        wait_for(lambda s: SEED.stem in s.articles, fresh_cfg, "the initial update")
        seed_chunks = counter.count

        (corpus / "tencent.txt").write_text(OTHER)
        (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)  # a bad file: reported, skipped
        wait_for(lambda s: "tencent" in s.articles, fresh_cfg, "a dropped file")
        assert any("binary.txt" in x for r in reports for x in r.skipped)

        full = ("date 2025-11-15 By Test Writer\n\nNetEase said its online games revenue climbed 11 per cent "
                "to 25 billion yuan in the quarter. Music subscriptions rose while advertising income was flat. "
                "Research spending reached 4 billion yuan, mostly on servers for artificial intelligence.\n")
        # (a story of its own: OTHER with one name changed would be a near copy, and not indexed)
        half = len(full) // 2
        with open(corpus / "halves.txt", "w", encoding="utf-8") as fh:
            fh.write(full[:half])
            fh.flush()
            time.sleep(1.5)  # longer than debounce + settle: only the open file holds it back
            fh.write(full[half:])
        snap = wait_for(lambda s: "halves" in s.articles, fresh_cfg, "a file written in two halves")
        assert snap.articles["halves"].text.endswith("mostly on servers for artificial intelligence.")

        (corpus / "tencent.txt").unlink()
        wait_for(lambda s: "tencent" not in s.articles, fresh_cfg, "a deleted file")

    seen = [(r.added, r.changed) for r in reports]
    assert sum(r.added.count("halves") for r in reports) == 1, seen
    assert not any("halves" in r.changed for r in reports), seen  # the half file was never indexed
    assert not any(SEED.stem in r.changed + r.added for r in reports[1:]), seen
    embedded_after_seed = sum(r.chunks_embedded for r in reports[1:])
    assert counter.count == seed_chunks + embedded_after_seed  # unchanged articles not re-embedded
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {SEED.stem, "halves"}


def test_watcher_survives_a_failed_update(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    flaky = FlakyEmbedder(embedder, failures=1)
    reports: list[UpdateReport] = []
    (fresh_cfg.corpus_dir / SEED.name).write_bytes(SEED.read_bytes())
    with watching(fresh_cfg, flaky, reports):
        wait_for(lambda s: SEED.stem in s.articles, fresh_cfg, "a retry after a failed update")
        (fresh_cfg.corpus_dir / "tencent.md").write_text(OTHER)
        wait_for(lambda s: "tencent" in s.articles, fresh_cfg, "the next file after a failure")
    assert flaky.failures == 0 and len(reports) >= 2


def test_watcher_survives_the_folder_being_removed_and_made_again(
    fresh_cfg: IndexConfig, embedder: Embedder
) -> None:
    corpus = fresh_cfg.corpus_dir
    (corpus / "tencent.txt").write_text(OTHER)
    reports: list[UpdateReport] = []
    with watching(fresh_cfg, embedder, reports):
        wait_for(lambda s: "tencent" in s.articles, fresh_cfg, "the initial update")
        shutil.rmtree(corpus)
        time.sleep(1.0)  # an update now fails (no folder): logged, the old index keeps serving
        assert set(IndexSnapshot.open(fresh_cfg).articles) == {"tencent"}
        corpus.mkdir()
        (corpus / SEED.name).write_bytes(SEED.read_bytes())
        wait_for(lambda s: set(s.articles) == {SEED.stem}, fresh_cfg, "a folder made again")


def test_polling_watcher_follows_too(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    reports: list[UpdateReport] = []
    with watching(fresh_cfg, embedder, reports, polling=True):
        (fresh_cfg.corpus_dir / "tencent.md").write_text(OTHER)
        wait_for(lambda s: "tencent" in s.articles, fresh_cfg, "a file seen by polling")


def test_watch_command_is_registered() -> None:
    r = CliRunner().invoke(cli, ["index", "watch", "--help"])
    assert r.exit_code == 0 and "--debounce" in r.stdout
