"""Run every part of the bench in one process (subprocesses only where a fresh process is
the measurement) and gather one JSON object of every part's figures.

The build rate is measured first, on a small corpus built afresh; a corpus size whose
index is not cached and whose build would take longer than the time box at that
rate is left out (reported under "skipped"), so a run on a slow machine still ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import NewsqaError
from index.store.layout import current_version, index_home
from measure.bench import build, cold_start, memory, query
from measure.bench.corpus import ensure_corpus
from measure.bench.report import machine

PARTS = ("query", "approx", "build", "incremental", "memory", "cold_start", "bot")


@dataclass
class BenchOptions:
    sizes: list[int]
    data_dir: Path
    seed_questions: Path
    questions: int = 100
    repeat: int = 3
    chats: int = 50
    build_chunks: int = 2000
    max_build_minutes: float = 25.0
    skip: set[str] = field(default_factory=set)
    progress: bool = False


BotBench = Callable[[Any, list[str], int], dict]


def run_bench(settings: Any, opts: BenchOptions, say: Callable[[str], None] = lambda _m: None,
              measure_bot: BotBench | None = None) -> dict:
    """Measure everything `opts` does not skip; a part that fails is reported, not fatal.

    `measure_bot(index_config, questions, chats)` drives a front end under load; the
    front end passes it in, so measuring never imports a front end.
    """
    from index.embedder import get_embedder

    base, qa_cfg = settings.index_config(), settings.qa_config()
    root = Path(base.index_dir) / "bench"
    embedder = get_embedder(base.model)
    result: dict[str, Any] = {"machine": machine(), "query": [], "build": None, "incremental": None,
                              "memory": None, "cold_start": None, "bot": None, "approximate": [],
                              "corpora": [], "skipped": {}, "errors": {}}

    def part(name: str, fn: Callable[[], Any]) -> Any:
        if name in opts.skip:
            return None
        say(f"bench: {name}")
        start = time.perf_counter()
        try:
            return fn()
        except NewsqaError as exc:
            result["errors"][name] = str(exc)
            return None
        finally:
            say(f"bench: {name} took {time.perf_counter() - start:.1f} s")

    seed = build.seed_index(root, base, embedder)
    seed_qs = query.seed_questions(opts.seed_questions)
    squad_qs = query.squad_questions(opts.data_dir, opts.questions)
    result["build"] = part("build", lambda: _measure_build(root, opts, base, embedder))
    rate = result["build"]["chunks_per_s"] if result["build"] else None
    built = []
    for size in sorted(opts.sizes):
        cfg = build.bench_cfg(base, root / f"corpus-{size}", root / f"index-{size}")
        cached = current_version(index_home(cfg)) is not None
        if not cached and rate and opts.max_build_minutes and size / rate > 60 * opts.max_build_minutes:
            result["skipped"][str(size)] = (
                f"about {size / rate / 60:.0f} min to build at {rate:.0f} chunks/s, over the "
                f"{opts.max_build_minutes:g}-min box (--max-build-minutes 0 builds it)")
            say(f"bench: {size:,} chunks left out: {result['skipped'][str(size)]}")
            continue
        say(f"bench: corpus of {size:,} chunks (built once, then cached)")
        b = build.ensure_index(root, opts.data_dir, size, base, embedder, progress=opts.progress)
        result["corpora"].append({"size": size, "chunks": b.chunks,
                                  "build_s": None if b.build_s is None else round(b.build_s, 1)})
        built.append(b)

    def queries() -> list[dict]:
        rows = []
        row, _ = query.measure_queries(seed, qa_cfg, embedder, seed_qs[:opts.questions], "seed")
        rows.append(row)
        for b in built:
            say(f"bench: queries on {b.chunks:,} chunks")
            row, engine = query.measure_queries(b, qa_cfg, embedder, squad_qs, "squad")
            rows.append(row)
            if "approx" not in opts.skip:
                result["approximate"].append(query.measure_approximate(b, engine, embedder, squad_qs))
        return rows

    result["query"] = part("query", queries) or []
    if built:
        largest = built[-1]
        result["incremental"] = part("incremental",
                                     lambda: build.measure_incremental(largest, embedder, opts.data_dir))
        result["memory"] = part("memory", lambda: memory.measure_memory(
            largest.cfg.corpus_dir, largest.cfg.index_dir, squad_qs[0]))
    result["cold_start"] = part("cold_start", lambda: cold_start.measure_cold_start(
        seed.cfg, seed_qs[0], opts.repeat))
    if measure_bot is not None:
        result["bot"] = part("bot", lambda: measure_bot(seed.cfg, seed_qs, opts.chats))
    return result


def _measure_build(root: Path, opts: BenchOptions, base: Any, embedder: Any) -> dict:
    """A fresh build of a `build_chunks` corpus (cached files, new index) beside bare encode.

    When that corpus is also one of the sizes and its index is not cached yet, the
    timed build is the one kept, rather than building the same index twice.
    """
    corpus = ensure_corpus(root, opts.data_dir, opts.build_chunks, base.chunking)
    cfg = build.bench_cfg(base, corpus, root / f"index-{opts.build_chunks}")
    keep = opts.build_chunks in opts.sizes and current_version(index_home(cfg)) is None
    return build.measure_build(build.BuiltIndex(opts.build_chunks, cfg, 0), embedder, opts.progress, keep=keep)
