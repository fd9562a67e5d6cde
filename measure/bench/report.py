"""The bench's one table (rich, or markdown for the README), each figure beside its floor
and its target, and the machine it ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

Row = tuple[str, str, str, str, str, str]  # measure, value, floor, ratio, target, met
HEADER: Row = ("measure", "value", "floor", "ratio", "target", "met")


def machine() -> str:
    """CPU, cores, memory and the library versions a figure depends on."""
    import faiss
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal"))
        memory = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        memory = "RAM unknown"
    try:
        from importlib.metadata import version

        milvus = f", pymilvus {version('pymilvus')}, milvus-lite {version('milvus-lite')}"
    except Exception:  # the milvus extra is not installed
        milvus = ""
    return (f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} "
            f"threads), faiss {faiss.__version__}{milvus}")


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x" if floor else "-"


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def rows(result: dict[str, Any]) -> list[Row]:
    """The table's rows from the bench's JSON object, each store's in turn (named when more
    than one ran); skipped parts are left out."""
    runs = result.get("runs") or [result]
    out: list[Row] = []
    for run in runs:
        out += _store_rows(run, f"{run.get('store', 'faiss')}: " if len(runs) > 1 else "")
    if bot := result.get("bot"):
        out.append((f"bot, {bot['chats']} concurrent chats", f"{bot['answers_per_s']:.1f} answers/s",
                    "-", "-", f"p95 {bot['p95_ms']:.0f} ms", "-"))
    for size, why in (result.get("skipped") or {}).items():
        out.append((f"corpus of {int(size):,} chunks", "not built", "-", "-", why, "-"))
    for part, message in (result.get("errors") or {}).items():
        out.append((part, "failed", "-", "-", message[:80], "NO"))
    return out


def _store_rows(run: dict[str, Any], tag: str) -> list[Row]:
    """One store's rows. Milvus's targets: query p50 within 2x its floor (bare encode and one
    search of the same store), an added article within 1.2x its embedding + 1 s."""
    milvus = run.get("store") == "milvus"
    query_x, add_s = (2.0, 1.0) if milvus else (1.5, 0.5)
    out: list[Row] = []
    for q in run.get("query") or []:
        label = f"{tag}query p50 / p95, {q['corpus']} ({q['chunks']:,} chunks)"
        ok = q["p50_ms"] <= query_x * q["floor_p50_ms"]
        out.append((label, f"{q['p50_ms']:.1f} / {q['p95_ms']:.1f} ms", f"{q['floor_p50_ms']:.1f} ms",
                    _ratio(q["p50_ms"], q["floor_p50_ms"]), f"p50 <= {query_x:g}x floor", _met(ok)))
    for a in run.get("approximate") or []:
        out.append((f"{tag}approximate search, {a['size']:,} ({a['index']})",
                    f"recall@10 {a['recall@10']:.3f}; search {a['search_p50_ms']:.2f} ms; ask p50 "
                    f"{a['ask_p50_ms']:.1f} ms", f"exact search {a['exact_search_p50_ms']:.2f} ms",
                    _ratio(a["search_p50_ms"], a["exact_search_p50_ms"]), "recall@10 >= 0.98",
                    _met(a["recall@10"] >= 0.98)))
    if b := run.get("build"):
        out.append((f"{tag}build ({b['chunks']:,} chunks)", f"{b['chunks_per_s']:.0f} chunks/s",
                    f"{b['floor_chunks_per_s']:.0f} chunks/s",
                    _ratio(b["chunks_per_s"], b["floor_chunks_per_s"]), ">= 0.9x bare encode",
                    _met(b["chunks_per_s"] >= 0.9 * b["floor_chunks_per_s"])))
    if i := run.get("incremental"):
        out.append((f"{tag}add 1 article to {i['index_chunks']:,} chunks (scan {i['scan_s']:.1f} s)",
                    f"{i['s']:.2f} s", f"{i['floor_s']:.2f} s", _ratio(i["s"], i["floor_s"]),
                    f"<= 1.2x floor + {add_s:g} s", _met(i["s"] <= 1.2 * i["floor_s"] + add_s)))
    if m := run.get("memory"):
        out.append((f"{tag}memory, {m['chunks']:,} chunks loaded", f"peak RSS {m['peak_rss_mb']:.0f} MB",
                    f"model alone {m['model_rss_mb']:.0f} MB", "-", f"{m['bytes_per_chunk']:,} bytes/chunk",
                    "-"))
    if c := run.get("cold_start"):
        out.append((f"{tag}cold start, one-shot `newsqa ask`", f"{c['s']:.2f} s", f"{c['floor_s']:.2f} s",
                    _ratio(c["s"], c["floor_s"]), "<= 1.3x bare load", _met(c["s"] <= 1.3 * c["floor_s"])))
    return out


def markdown(result: dict[str, Any]) -> str:
    """The table as markdown, headed by the machine, for the README."""
    lines = [f"Machine: {result['machine']}", "", "| " + " | ".join(HEADER) + " |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows(result)]
    return "\n".join(lines)


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="newsqa bench", caption=result["machine"])
    for name in HEADER:
        table.add_column(name, justify="right" if name in ("value", "floor", "ratio") else "left")
    for r in rows(result):
        table.add_row(*r, style=None if r[5] != "NO" else "red")
    Console().print(table)
