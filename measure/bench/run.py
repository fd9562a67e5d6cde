"""Run every part of the bench in one process (subprocesses only where a fresh process is
the measurement) and gather one JSON object of every part's figures, per vector store.

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
from index.store.milvus_store import release
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
    stores: list[str] = field(default_factory=lambda: ["faiss"])


BotBench = Callable[[Any, list[str], int], dict]
PER_STORE = ("query", "approximate", "build", "incremental", "memory", "cold_start")


def run_bench(settings: Any, opts: BenchOptions, say: Callable[[str], None] = lambda _m: None,
              measure_bot: BotBench | None = None) -> dict:
    """Measure everything `opts` does not skip, on each store; a part that fails is reported, not fatal.

    The result's top-level figures are the first store's (FAISS by default); `runs` holds
    every store's, each with its `store`. Corpora are embedded once, into FAISS; the Milvus
    run moves their vectors into Milvus Lite (cached), so a second store costs no embedding.
    `measure_bot(index_config, questions, chats)` drives a front end under load on the first
    store; the front end passes it in, so measuring never imports a front end.
    """
    from index.embedder import get_embedder

    base, qa_cfg = settings.index_config().model_copy(update={"store": "faiss"}), settings.qa_config()
    root = Path(base.index_dir) / "bench"
    embedder = get_embedder(base.model)
    result: dict[str, Any] = {"machine": machine(), "stores": list(opts.stores), "runs": [], "bot": None,
                              "corpora": [], "skipped": {}, "errors": {}}

    def part(name: str, fn: Callable[[], Any], store: str = "faiss") -> Any:
        if name in opts.skip:
            return None
        label = name if len(opts.stores) == 1 else f"{store} {name}"
        say(f"bench: {label}")
        start = time.perf_counter()
        try:
            return fn()
        except NewsqaError as exc:
            result["errors"][label] = str(exc)
            return None
        finally:
            say(f"bench: {label} took {time.perf_counter() - start:.1f} s")

    seed = build.seed_index(root, base, embedder)
    seed_qs = query.seed_questions(opts.seed_questions)
    squad_qs = query.squad_questions(opts.data_dir, opts.questions)
    faiss_build = part("build", lambda: _measure_build(root, opts, base, embedder))
    rate = faiss_build["chunks_per_s"] if faiss_build else None
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
    for store in opts.stores:
        run: dict[str, Any] = {"store": store, **dict.fromkeys(PER_STORE)}
        if store == "faiss":
            run["build"], here, seed_here = faiss_build, built, seed
        else:
            run["build"] = part("build", lambda s=store: _measure_build(root, opts, base, embedder, s), store)
            here = [build.on_milvus(root, b, embedder) for b in built]
            seed_here = build.on_milvus(root, seed, embedder)
        _run_store(run, here, seed_here, opts, qa_cfg, embedder, seed_qs, squad_qs,
                   lambda name, fn, s=store: part(name, fn, s), say)
        result["runs"].append(run)
    if measure_bot is not None:
        result["bot"] = part("bot", lambda: measure_bot(seed.cfg, seed_qs, opts.chats))
    return {**result, **{k: v for k, v in result["runs"][0].items() if k != "store"}} if result["runs"] else result


def _run_store(run: dict, built: list, seed: Any, opts: BenchOptions, qa_cfg: Any, embedder: Any,
               seed_qs: list[str], squad_qs: list[str], part: Callable[[str, Callable[[], Any]], Any],
               say: Callable[[str], None]) -> None:
    """Queries, incremental add, memory and cold start of one store's indexes, into `run`."""
    approximate: list[dict] = []

    def queries() -> list[dict]:
        rows = []
        row, _ = query.measure_queries(seed, qa_cfg, embedder, seed_qs[:opts.questions], "seed")
        rows.append(row)
        for b in built:
            say(f"bench: {run['store']} queries on {b.chunks:,} chunks")
            row, engine = query.measure_queries(b, qa_cfg, embedder, squad_qs, "squad")
            rows.append(row)
            if "approx" not in opts.skip and run["store"] == "faiss":  # FAISS's own IVF option
                approximate.append(query.measure_approximate(b, engine, embedder, squad_qs))
        return rows

    run["query"] = part("query", queries) or []
    run["approximate"] = approximate
    if built:
        largest = built[-1]
        run["incremental"] = part("incremental", lambda: build.measure_incremental(largest, embedder, opts.data_dir))
        release(largest.cfg.milvus_uri)  # Milvus Lite opens in one process at a time: the next parts' own
        run["memory"] = part("memory", lambda: memory.measure_memory(
            largest.cfg.corpus_dir, largest.cfg.index_dir, squad_qs[0]))
    release(seed.cfg.milvus_uri)
    run["cold_start"] = part("cold_start", lambda: cold_start.measure_cold_start(seed.cfg, seed_qs[0], opts.repeat))


def _measure_build(root: Path, opts: BenchOptions, base: Any, embedder: Any, store: str = "faiss") -> dict:
    """A fresh build of a `build_chunks` corpus (cached files, new index) beside bare encode.

    When that corpus is also one of the sizes and its index is not cached yet, the
    timed build is the one kept, rather than building the same index twice (FAISS only;
    a Milvus build goes to a folder and database of its own, then deleted).
    """
    corpus = ensure_corpus(root, opts.data_dir, opts.build_chunks, base.chunking)
    cfg = build.bench_cfg(base, corpus, root / f"index-{opts.build_chunks}").model_copy(update={"store": store})
    keep = store == "faiss" and opts.build_chunks in opts.sizes and current_version(index_home(cfg)) is None
    return build.measure_build(build.BuiltIndex(opts.build_chunks, cfg, 0), embedder, opts.progress, keep=keep)
