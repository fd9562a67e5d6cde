"""Index builds for the bench: cached corpora indexes, a timed build, an incremental add.

Builds go through `update_index` from article files, as `newsqa index update` does
(read, clean, chunk, extract quantities, embed, save), so the figures are a user's.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from index.article import Article
from index.config import IndexConfig
from index.embedder import Embedder
from index.intake.loading import make_article
from index.store.layout import current_version, index_home
from index.store.milvus_store import release
from index.text.chunking import chunk_texts, embedding_text
from index.text.sentences import sentence_spans
from index.update.build import UpdateReport, scan_corpus, update_index
from measure.bench.corpus import ensure_corpus
from measure.datasets import squad_paragraphs


@dataclass
class BuiltIndex:
    """One bench corpus and its index; `build_s` is set when this run built it."""

    size: int
    cfg: IndexConfig
    chunks: int
    build_s: float | None = None


def bench_cfg(base: IndexConfig, corpus: Path, index_dir: Path) -> IndexConfig:
    """A bench corpus index: larger sizes repeat SQuAD paragraphs with shuffled sentences, near
    copies by design, so the copy check is off."""
    return base.model_copy(update={"corpus_dir": corpus, "index_dir": index_dir, "near_duplicate_threshold": 0.0})


def ensure_index(root: Path, data_dir: Path, size: int, base: IndexConfig, embedder: Embedder,
                 progress: bool = False) -> BuiltIndex:
    """The index of the `size`-chunk corpus, built unless the cached one is up to date."""
    corpus = ensure_corpus(root, data_dir, size, base.chunking)
    cfg = bench_cfg(base, corpus, root / f"index-{size}")
    fresh = current_version(index_home(cfg)) is None
    start = time.perf_counter()
    report = update_index(cfg, embedder=embedder, progress=progress)
    took = time.perf_counter() - start
    return BuiltIndex(size, cfg, report.total_chunks, took if fresh or report.changed_anything else None)


def milvus_cfg(cfg: IndexConfig, root: Path, tag: str) -> IndexConfig:
    """`cfg` on the Milvus store: its own index folder and Milvus Lite database under `root`."""
    return cfg.model_copy(update={"store": "milvus", "milvus_uri": str(root / f"milvus-{tag}.db"),
                                  "index_dir": cfg.index_dir.with_name(cfg.index_dir.name + "-milvus")})


def on_milvus(root: Path, built: BuiltIndex, embedder: Embedder) -> BuiltIndex:
    """The same corpus index on Milvus Lite: the FAISS version is copied and updated onto the
    Milvus store, which moves its vectors without embedding again (cached like the FAISS one)."""
    cfg = milvus_cfg(built.cfg, root, built.cfg.index_dir.name)
    home = index_home(cfg)
    start = time.perf_counter()
    if current_version(home) is None:
        version = current_version(index_home(built.cfg))
        assert version is not None
        home.mkdir(parents=True, exist_ok=True)
        shutil.copytree(version, home / version.name)
        (home / "CURRENT").write_text(version.name, encoding="utf-8")
    report = update_index(cfg, embedder=embedder)
    took = time.perf_counter() - start
    return BuiltIndex(built.size, cfg, report.total_chunks, took if report.migrated else None)


def seed_index(root: Path, base: IndexConfig, embedder: Embedder) -> BuiltIndex:
    """The project's own corpus (the seed article), indexed in the bench folder."""
    cfg = bench_cfg(base, base.corpus_dir, root / "index-seed")
    report = update_index(cfg, embedder=embedder)
    return BuiltIndex(report.total_chunks, cfg, report.total_chunks)


def corpus_texts(cfg: IndexConfig) -> list[str]:
    """What a build of the corpus embeds, read from its files without building."""
    found = scan_corpus(cfg.model_copy(update={"index_dir": cfg.index_dir / "no-index"}), UpdateReport())
    articles = sorted((a for a in found.values() if isinstance(a, Article)), key=lambda a: a.id)
    return [embedding_text(a.title, t) for a in articles for _, _, t in chunk_texts(a, cfg.chunking)]


def bare_encode_s(embedder: Embedder, texts: list[str], batch_size: int) -> float:
    """Seconds of one bare `model.encode` of `texts`: the floor of any build."""
    start = time.perf_counter()
    embedder.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
    return time.perf_counter() - start


def measure_build(built: BuiltIndex, embedder: Embedder, progress: bool = False, keep: bool = False) -> dict:
    """A full build of a cached corpus into a fresh folder, beside bare encoding of its chunks.

    With `keep` the build goes to the corpus's own index folder (then cached) instead.
    """
    texts = corpus_texts(built.cfg)
    before_s = bare_encode_s(embedder, texts, built.cfg.batch_size)
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as tmp:
        cfg = built.cfg if keep else built.cfg.model_copy(
            update={"index_dir": Path(tmp), "milvus_uri": str(Path(tmp) / "milvus.db")})
        start = time.perf_counter()
        try:
            report = update_index(cfg, rebuild=True, embedder=embedder, progress=progress)
            build_s = time.perf_counter() - start
        finally:
            release(cfg.milvus_uri)  # before its folder goes (a no-op on FAISS)
    # Bare encoding of the same texts varies by 15% from one minute to the next here:
    # timed just before and just after the build, the floor shares the build's minute.
    floor_s = (before_s + bare_encode_s(embedder, texts, built.cfg.batch_size)) / 2
    return {"chunks": report.total_chunks, "build_s": round(build_s, 2), "floor_s": round(floor_s, 2),
            "chunks_per_s": round(report.total_chunks / build_s, 1),
            "floor_chunks_per_s": round(len(texts) / floor_s, 1)}


def _new_article(data_dir: Path) -> tuple[str, str, str]:
    """A news-length article none of the bench corpora hold (shuffled, newly titled)."""
    paragraphs = squad_paragraphs(data_dir)
    title, _ = paragraphs[0]
    body = [p for t, p in paragraphs if t == title][:5]
    rng = random.Random(10_000)
    shuffled = []
    for p in body:
        sentences = [p[s:e] for s, e in sentence_spans(p)]
        rng.shuffle(sentences)
        shuffled.append(" ".join(sentences))
    return "bench-added-article", f"{title} (added)", "\n\n".join(shuffled)


def measure_incremental(built: BuiltIndex, embedder: Embedder, data_dir: Path) -> dict:
    """Add one article file to the corpus and update a copy of its index, as `newsqa index
    update` would; the floor embeds that article's chunks alone.

    The corpus folder is the real one (the scan knows its files by path, size and
    mtime) and the file is taken out again afterwards; the index updated is a copy
    of the published version, so the cached index stays as it was.
    """
    article_id, title, body = _new_article(data_dir)
    added = built.cfg.corpus_dir / f"{article_id}.txt"
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-", dir=built.cfg.index_dir.parent) as tmp:
        cfg = built.cfg.model_copy(update={"index_dir": Path(tmp) / "index"})
        src_home, dst_home = index_home(built.cfg), index_home(cfg)
        version = current_version(src_home)
        assert version is not None
        dst_home.mkdir(parents=True)
        shutil.copytree(version, dst_home / version.name)
        (dst_home / "CURRENT").write_text(version.name, encoding="utf-8")
        added.write_text(f"Title: {title}\n\n{body}\n", encoding="utf-8")
        # The copy is set-up, not part of an update: flush its 150 MB now, or the update's
        # fsyncs of the segments it hard-links would be charged with writing them out.
        os.sync()
        try:
            start = time.perf_counter()
            scan_corpus(cfg, UpdateReport())
            scan_s = time.perf_counter() - start
            start = time.perf_counter()
            report = update_index(cfg, embedder=embedder)
            add_s = time.perf_counter() - start
        finally:
            added.unlink(missing_ok=True)
    article = make_article(article_id, body, {"title": title})
    texts = [embedding_text(article.title, t) for _, _, t in chunk_texts(article, built.cfg.chunking)]
    floor_s = bare_encode_s(embedder, texts, built.cfg.batch_size)
    return {"s": round(add_s, 3), "floor_s": round(floor_s, 3), "scan_s": round(scan_s, 3),
            "chunks_added": report.chunks_embedded, "index_chunks": report.total_chunks}
