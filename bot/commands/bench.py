"""`newsqa bench`: speed and scale, each figure beside its floor (see issue 6)."""

from __future__ import annotations

import click


@click.command()
def bench() -> None:
    """Measure query, build, incremental, memory and cold-start times."""
    from qa.benchmark import run_bench

    run_bench()
