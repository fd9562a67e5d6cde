"""Peak RSS with an index loaded, measured in a fresh process so nothing else counts.

Run as `python -m measure.bench.memory CORPUS_DIR INDEX_DIR QUESTION`: loads the model,
notes the resident size, opens the engine, answers one question, prints one JSON line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from index.errors import NewsqaError


def _status_kb(field: str) -> int:
    """A field of /proc/self/status (VmRSS, VmHWM) in kB; Linux only."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise NewsqaError(f"/proc/self/status has no {field}")


def measure_memory(corpus_dir: Path, index_dir: Path, question: str, timeout: float = 900) -> dict:
    """{peak_rss_mb, bytes_per_chunk, chunks}: bytes per chunk is the RSS the index adds."""
    proc = subprocess.run(
        [sys.executable, "-m", "measure.bench.memory", str(corpus_dir), str(index_dir), question],
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise NewsqaError(f"memory measurement failed: {tail}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    chunks = max(data["chunks"], 1)
    return {"peak_rss_mb": round(data["peak_kb"] / 1024, 1),
            "bytes_per_chunk": round(1024 * (data["loaded_kb"] - data["model_kb"]) / chunks),
            "model_rss_mb": round(data["model_kb"] / 1024, 1), "chunks": data["chunks"]}


def _main(corpus_dir: str, index_dir: str, question: str) -> None:
    from index.config import IndexConfig
    from index.embedder import get_embedder
    from qa.config import QAConfig
    from qa.engine import Engine

    cfg = IndexConfig(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir))
    embedder = get_embedder(cfg.model)
    embedder.encode([question])
    model_kb = _status_kb("VmRSS")
    engine = Engine(cfg, QAConfig(), embedder)
    engine.ask(question)
    print(json.dumps({"model_kb": model_kb, "loaded_kb": _status_kb("VmRSS"),
                      "peak_kb": _status_kb("VmHWM"), "chunks": len(engine.snapshot.chunks)}))


if __name__ == "__main__":
    _main(*sys.argv[1:4])
