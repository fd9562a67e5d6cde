"""The index on disk: incremental updates, atomic versions, and clear failures (the update
and failed-build tests on FAISS and on Milvus Lite)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import IndexCorruptError, IndexMissingError, NewsqaError
from index.store.layout import VECTORS, current_version, index_home
from index.store.snapshot import IndexSnapshot
from index.update.build import update_index
from tests.conftest import SEED

OTHER = """date 2025-11-14 By Test Writer

Tencent Holdings said revenue rose 15 per cent to 193 billion yuan in the third quarter.
Its games business grew faster than analysts expected. The company spent 13 billion yuan
on capital expenditure in the quarter, mostly on servers for artificial intelligence.
"""


class CountingEmbedder:
    """The real model, counting what it is asked to embed (and able to fail on cue)."""

    def __init__(self, real: Embedder, fail: bool = False) -> None:
        self.real, self.fail, self.count = real, fail, 0
        self.dim, self.name = real.dim, real.name

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if self.fail:
            raise RuntimeError("killed mid-build")
        self.count += len(texts)
        return self.real.encode(texts, batch_size)


def test_update_embeds_only_new_or_changed_and_drops_deleted(
    store_cfg: IndexConfig, embedder: Embedder
) -> None:
    fresh_cfg = store_cfg
    corpus = fresh_cfg.corpus_dir
    shutil.copyfile(SEED, corpus / SEED.name)
    counter = CountingEmbedder(embedder)
    first = update_index(fresh_cfg, embedder=counter)  # type: ignore[arg-type]
    assert first.added == [SEED.stem] and counter.count == first.chunks_embedded > 0
    seed_chunks = counter.count

    (corpus / "tencent.txt").write_text(OTHER)
    second = update_index(fresh_cfg, embedder=counter)  # type: ignore[arg-type]
    assert second.added == ["tencent"] and second.unchanged == [SEED.stem]
    assert counter.count == seed_chunks + second.chunks_embedded  # the seed was not re-embedded

    again = update_index(fresh_cfg, embedder=counter)  # type: ignore[arg-type]
    assert not again.changed_anything and again.version == second.version

    (corpus / "tencent.txt").write_text(OTHER.replace("15 per cent", "16 per cent"))
    changed = update_index(fresh_cfg, embedder=counter)  # type: ignore[arg-type]
    assert changed.changed == ["tencent"]
    snap = IndexSnapshot.open(fresh_cfg)
    assert any("16 per cent" in c.text for c in snap.chunks.values())
    assert not any("15 per cent" in c.text for c in snap.chunks.values())

    (corpus / SEED.name).unlink()
    removed = update_index(fresh_cfg, embedder=counter)  # type: ignore[arg-type]
    assert removed.removed == [SEED.stem]
    snap = IndexSnapshot.open(fresh_cfg)
    assert set(snap.articles) == {"tencent"}
    assert len(snap.store) == len(snap.chunks) == sum(1 for _ in snap.chunks)


def test_bad_files_are_skipped_and_the_rest_indexed(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    corpus = fresh_cfg.corpus_dir
    shutil.copyfile(SEED, corpus / SEED.name)
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "copy.md").write_text(SEED.read_text())  # same text under another name
    report = update_index(fresh_cfg, embedder=embedder)
    assert report.added == [SEED.stem]
    assert len(report.skipped) == 3
    assert all("\n" not in s for s in report.skipped)


def test_failed_build_leaves_previous_version_serving(
    store_cfg: IndexConfig, embedder: Embedder
) -> None:
    fresh_cfg = store_cfg
    shutil.copyfile(SEED, fresh_cfg.corpus_dir / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    before = current_version(index_home(fresh_cfg))
    (fresh_cfg.corpus_dir / "tencent.txt").write_text(OTHER)
    with pytest.raises(RuntimeError):
        update_index(fresh_cfg, embedder=CountingEmbedder(embedder, fail=True))  # type: ignore[arg-type]
    assert current_version(index_home(fresh_cfg)) == before
    assert not list(index_home(fresh_cfg).glob("tmp-*"))
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {SEED.stem}
    assert update_index(fresh_cfg, embedder=embedder).added == ["tencent"]


def test_missing_and_corrupt_index_name_the_fix(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    with pytest.raises(IndexMissingError, match="newsqa index update"):
        IndexSnapshot.open(fresh_cfg)
    shutil.copyfile(SEED, fresh_cfg.corpus_dir / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    version = current_version(index_home(fresh_cfg))
    assert version is not None
    (segment,) = version.glob("s-*")
    data = (segment / VECTORS).read_bytes()
    (segment / VECTORS).write_bytes(data[: len(data) // 3])
    with pytest.raises(IndexCorruptError, match="newsqa index rebuild"):
        IndexSnapshot.open(fresh_cfg)
    update_index(fresh_cfg, embedder=embedder, rebuild=True)
    assert len(IndexSnapshot.open(fresh_cfg).chunks) > 0


def test_model_or_chunking_change_names_a_new_index(fresh_cfg: IndexConfig) -> None:
    other_model = fresh_cfg.model_copy(update={"model": "some/other-model"})
    other_chunks = fresh_cfg.model_copy(
        update={"chunking": fresh_cfg.chunking.model_copy(update={"max_sentences": 1})})
    homes = {index_home(c) for c in (fresh_cfg, other_model, other_chunks)}
    assert len(homes) == 3


def test_missing_corpus_dir_is_one_line(tmp_path: Path, embedder: Embedder) -> None:
    cfg = IndexConfig(corpus_dir=tmp_path / "nope", index_dir=tmp_path / "index")
    with pytest.raises(NewsqaError, match="does not exist"):
        update_index(cfg, embedder=embedder)


def test_unchanged_files_are_not_read_again(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    import os

    from index.update.build import UpdateReport, scan_corpus

    path = fresh_cfg.corpus_dir / "tencent.txt"
    path.write_text(OTHER)
    update_index(fresh_cfg, embedder=embedder)
    stat = path.stat()
    path.write_text(OTHER.replace("Tencent", "Tancent"))  # same size, then the old mtime back
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    indexed = IndexSnapshot.open(fresh_cfg).articles["tencent"].content_hash
    assert scan_corpus(fresh_cfg, UpdateReport())["tencent"].content_hash == indexed  # not read: the index's
    assert scan_corpus(fresh_cfg, UpdateReport(), cache={})["tencent"].content_hash != indexed
    os.utime(path)  # a real edit moves the mtime: read again and re-embedded
    assert update_index(fresh_cfg, embedder=embedder).changed == ["tencent"]


def test_the_scan_takes_article_files_only_and_reports_what_it_cannot_read(fresh_cfg: IndexConfig) -> None:
    """A folder named like an article, a hidden file, a file of another kind are passed
    over; a dangling or looping link is one line of the report; files come in name order."""
    from index.update.build import UpdateReport, scan_corpus

    corpus = fresh_cfg.corpus_dir
    (corpus / "folder.txt").mkdir()
    (corpus / ".hidden.txt").write_text(OTHER)
    (corpus / "notes.pdf").write_text(OTHER)
    (corpus / "b-tencent.TXT").write_text(OTHER)
    (corpus / "dangling.txt").symlink_to(corpus / "missing.txt")
    (corpus / "loop.md").symlink_to(corpus / "loop.md")
    report = UpdateReport()
    found = scan_corpus(fresh_cfg, report, cache={})
    assert [a.path.rsplit("/", 1)[-1] for a in found.values()] == sorted(
        p.name for p in corpus.iterdir() if p.name.endswith((".txt", ".TXT")) and p.is_file()
        and not p.name.startswith("."))
    assert "b-tencent" in found and not any("folder" in k or "hidden" in k for k in found)
    assert sorted(line.split(":")[0] for line in report.skipped) == ["dangling.txt", "loop.md"]


def test_an_older_index_format_asks_for_update_and_update_upgrades_it(
    fresh_cfg: IndexConfig, embedder: Embedder
) -> None:
    import sqlite3

    from index.store.layout import METADATA

    shutil.copyfile(SEED, fresh_cfg.corpus_dir / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    version = current_version(index_home(fresh_cfg))
    assert version is not None
    (segment,) = version.glob("s-*")
    db = sqlite3.connect(segment / METADATA)
    with db:  # undo migration 3, as an index written before it would look
        db.execute("ALTER TABLE articles DROP COLUMN file_size")
        db.execute("ALTER TABLE articles DROP COLUMN file_mtime_ns")
        db.execute("DELETE FROM _migrations WHERE number = 3")
    db.close()
    with pytest.raises(IndexCorruptError, match="newsqa index update"):
        IndexSnapshot.open(fresh_cfg)
    report = update_index(fresh_cfg, embedder=embedder)
    assert report.migrated and not report.changed_anything
    assert IndexSnapshot.open(fresh_cfg).articles
