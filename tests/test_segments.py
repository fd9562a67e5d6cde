"""Segments: an update writes only what it embedded, links the rest, and compacts now and then."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.store import segments
from index.store.layout import MANIFEST, METADATA, VECTORS, current_version, index_home
from index.store.snapshot import IndexSnapshot
from index.update.build import update_index
from tests.conftest import SEED


def _article(n: int) -> str:
    return (f"date 2025-11-{n + 1:02d} By Desk {n}\n\nCompany {n} said revenue rose {n + 3} per cent to "
            f"{100 + n} billion yuan. Its chief executive, named Person {n}, expects growth in cloud unit {n}.\n")


def _manifest(version: Path) -> dict:
    return json.loads((version / MANIFEST).read_text(encoding="utf-8"))


def _version(cfg: IndexConfig) -> Path:
    version = current_version(index_home(cfg))
    assert version is not None
    return version


def _content(snap: IndexSnapshot) -> dict[str, tuple[str, tuple[float, ...]]]:
    """Every live chunk's article and text with its vector, keyed by chunk text."""
    return {f"{c.article_id}:{c.start}": (c.text, tuple(np.round(snap.store.get([c.id])[0], 5)))
            for c in snap.chunks.values()}


def test_an_added_article_is_a_new_segment_and_the_old_one_is_linked_not_copied(
    fresh_cfg: IndexConfig, embedder: Embedder
) -> None:
    shutil.copyfile(SEED, fresh_cfg.corpus_dir / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    first = _version(fresh_cfg)
    (old_segment,) = _manifest(first)["segments"]

    (fresh_cfg.corpus_dir / "one.txt").write_text(_article(1))
    report = update_index(fresh_cfg, embedder=embedder)
    second = _version(fresh_cfg)
    names = _manifest(second)["segments"]
    assert names[0] == old_segment and len(names) == 2 and report.chunks_embedded == 1
    for name in (METADATA, VECTORS):  # the same file on disk, not a copy
        assert (second / old_segment / name).stat().st_ino == (first / old_segment / name).stat().st_ino
    snap = IndexSnapshot.open(fresh_cfg)
    assert set(snap.articles) == {SEED.stem, "one"} and len(snap.store) == len(snap.chunks)


def test_deleted_and_changed_articles_are_dropped_from_their_segment_and_never_found(
    fresh_cfg: IndexConfig, embedder: Embedder
) -> None:
    corpus = fresh_cfg.corpus_dir
    shutil.copyfile(SEED, corpus / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    for n in (1, 2):
        (corpus / f"a{n}.txt").write_text(_article(n))
        update_index(fresh_cfg, embedder=embedder)
    (corpus / "a1.txt").unlink()
    (corpus / "a2.txt").write_text(_article(2).replace("rose 5 per cent", "rose 7 per cent"))
    update_index(fresh_cfg, embedder=embedder)
    manifest = _manifest(_version(fresh_cfg))
    assert sorted(a for v in manifest["dropped"].values() for a in v) == ["a1", "a2"]
    snap = IndexSnapshot.open(fresh_cfg)
    assert set(snap.articles) == {SEED.stem, "a2"}
    assert any("rose 7 per cent" in c.text for c in snap.chunks.values())
    assert not any("rose 5 per cent" in c.text or "Company 1 " in c.text for c in snap.chunks.values())
    query = embedder.encode(["Company 1 revenue rose 4 per cent"])
    _, ids = snap.store.search(query, len(snap.store))
    assert set(ids[0].tolist()) == set(snap.chunks)  # every id found is live, every live id is found


def test_many_updates_compact_into_one_segment_with_the_same_content(
    fresh_cfg: IndexConfig, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.update.build.MAX_SEGMENTS", 3)
    corpus = fresh_cfg.corpus_dir
    shutil.copyfile(SEED, corpus / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    counts = []
    for n in range(1, 4):
        (corpus / f"a{n}.txt").write_text(_article(n))
        before = IndexSnapshot.open(fresh_cfg)
        report = update_index(fresh_cfg, embedder=embedder)
        counts.append(len(_manifest(_version(fresh_cfg))["segments"]))
        assert report.chunks_embedded == 1  # compaction moves vectors, it never re-embeds
    assert counts == [2, 3, 1]
    after = IndexSnapshot.open(fresh_cfg)
    expected = _content(before)
    added = {k: v for k, v in _content(after).items() if k.startswith("a3:")}
    assert _content(after) == expected | added and len(added) == 1


def test_a_version_written_before_segments_is_read_and_updated(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    shutil.copyfile(SEED, fresh_cfg.corpus_dir / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    version = _version(fresh_cfg)
    manifest = _manifest(version)
    (segment,) = manifest.pop("segments")
    for key in ("dropped", "files", "dropped_chunks"):
        manifest.pop(key)
    for name in (METADATA, VECTORS):  # both files at the top, as the first format had them
        (version / segment / name).rename(version / name)
    (version / segment).rmdir()
    (version / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    legacy = _content(IndexSnapshot.open(fresh_cfg))

    (fresh_cfg.corpus_dir / "one.txt").write_text(_article(1))
    assert update_index(fresh_cfg, embedder=embedder).chunks_embedded == 1
    assert _manifest(_version(fresh_cfg))["segments"][0] == segments.LEGACY
    snap = IndexSnapshot.open(fresh_cfg)
    assert {k: v for k, v in _content(snap).items() if not k.startswith("one:")} == legacy


def test_a_moved_corpus_is_recorded_once_then_its_files_are_not_read_again(
    fresh_cfg: IndexConfig, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.update.build

    shutil.copyfile(SEED, fresh_cfg.corpus_dir / SEED.name)
    update_index(fresh_cfg, embedder=embedder)
    moved = fresh_cfg.corpus_dir.parent / "moved"
    shutil.copytree(fresh_cfg.corpus_dir, moved)  # same sizes and mtimes, another path
    cfg = fresh_cfg.model_copy(update={"corpus_dir": moved})
    first = update_index(cfg, embedder=embedder)
    assert first.migrated and not first.changed_anything and first.chunks_embedded == 0
    assert IndexSnapshot.open(cfg).articles[SEED.stem].path == str(moved / SEED.name)

    reads: list[Path] = []
    real = index.update.build.load_article
    monkeypatch.setattr(index.update.build, "load_article", lambda p, n: reads.append(p) or real(p, n))
    again = update_index(cfg, embedder=embedder)
    assert not again.migrated and not again.changed_anything and reads == []
