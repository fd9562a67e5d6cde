"""Cold start: a one-shot `newsqa ask` in a new process, beside a bare import and model load.

Both run as subprocesses (a process only starts cold once); the median of a few
runs is kept, since a busy machine makes single runs swing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from index.config import IndexConfig
from index.embedder import resolve_model
from index.errors import NewsqaError

BARE = ("import sys\nfrom sentence_transformers import SentenceTransformer\n"
        "SentenceTransformer(sys.argv[1], device='cpu')\n")


def _newsqa_command() -> list[str]:
    """The installed `newsqa` script beside this Python, else the module entry point."""
    script = Path(sys.executable).parent / "newsqa"
    if script.exists():
        return [str(script)]
    found = shutil.which("newsqa")
    return [found] if found else [sys.executable, "-c", "from bot.cli.main import main; main()"]


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise NewsqaError(f"cold-start run failed ({' '.join(cmd[:2])}): {tail}")
    return took


def measure_cold_start(cfg: IndexConfig, question: str, repeat: int = 3) -> dict:
    """{s, floor_s}: median wall seconds of `newsqa ask --json` and of the bare load."""
    env = {**os.environ, "NEWSQA_CORPUS_DIR": str(cfg.corpus_dir), "NEWSQA_INDEX_DIR": str(cfg.index_dir),
           "NEWSQA_MODEL": cfg.model, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    ask = [*_newsqa_command(), "ask", "--json", question]
    bare = [sys.executable, "-c", BARE, resolve_model(cfg.model)]
    asks, bares = [], []
    for _ in range(max(1, repeat)):  # alternate, so a load swing hits both alike
        asks.append(_timed(ask, env))
        bares.append(_timed(bare, env))
    return {"s": round(statistics.median(asks), 2), "floor_s": round(statistics.median(bares), 2)}
