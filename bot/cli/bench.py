"""`newsqa bench`: speed and scale, each figure beside its floor (the harness is measure/bench/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.context import settings
from bot.cli.evaluate import DEFAULT_DATA_DIR

STORES = ("faiss", "milvus")
PARTS = ("query", "approx", "build", "incremental", "memory", "cold_start", "bot")
SEED_QUESTIONS = DEFAULT_DATA_DIR.parent / "eval" / "seed_article.jsonl"


def _sizes(_ctx: click.Context, _param: click.Parameter, value: str) -> list[int]:
    try:
        sizes = sorted({int(x.replace("_", "")) for x in value.split(",") if x.strip()})
    except ValueError:
        raise click.BadParameter("a comma-separated list of chunk counts, e.g. 10000,100000") from None
    if not sizes or sizes[0] < 1:
        raise click.BadParameter("give at least one positive chunk count")
    return sizes


def _stores(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    stores = list(dict.fromkeys(x.strip() for x in value.split(",") if x.strip()))
    unknown = [x for x in stores if x not in STORES]
    if unknown or not stores:
        wrong = unknown[0] if unknown else ""
        raise click.BadParameter(f"stores are {', '.join(STORES)} (comma-separated), not {wrong!r}")
    return stores


def _skip(_ctx: click.Context, _param: click.Parameter, value: str) -> set[str]:
    parts = {x.strip() for x in value.split(",") if x.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        raise click.BadParameter(f"unknown part {sorted(unknown)[0]!r}; parts: {', '.join(PARTS)}")
    return parts


@click.command()
@click.option("--sizes", default="10000,100000", show_default=True, callback=_sizes,
              help="Corpus sizes in chunks, built from SQuAD paragraphs and cached (1000000 for a million).")
@click.option("--store", "stores", default="faiss", show_default=True, callback=_stores,
              help="Vector stores to measure side by side, comma-separated: faiss, milvus (Milvus Lite).")
@click.option("--questions", type=click.IntRange(min=5), default=100, show_default=True,
              help="SQuAD questions timed at each size.")
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True,
              help="Cold starts timed (the median is kept).")
@click.option("--chats", type=click.IntRange(min=1), default=50, show_default=True,
              help="Concurrent chats in the bot part.")
@click.option("--build-chunks", type=click.IntRange(min=50), default=2000, show_default=True,
              help="Chunks of the corpus built afresh to time a build (its rate decides what fits the box).")
@click.option("--max-build-minutes", type=click.FloatRange(min=0), default=25, show_default=True,
              help="Leave out sizes not yet cached whose build would take longer (0: no limit).")
@click.option("--skip", default="", callback=_skip, help=f"Parts to leave out, comma-separated: {', '.join(PARTS)}.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), envvar="NEWSQA_DATA_DIR",
              default=DEFAULT_DATA_DIR, show_default="../shared/data beside the repo",
              help="Folder of the public sets (SQuAD builds the corpora).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--markdown", is_flag=True, help="Print the table as markdown (for the README).")
def bench(sizes: list[int], stores: list[str], questions: int, repeat: int, chats: int, build_chunks: int,
          max_build_minutes: float, skip: set[str], data_dir: Path, as_json: bool, markdown: bool) -> None:
    """Measure query, build, incremental, memory, cold-start and bot speed beside their floors."""
    from bot.telegram.throughput import measure_bot
    from measure.bench.report import markdown as to_markdown
    from measure.bench.report import print_table
    from measure.bench.run import BenchOptions, run_bench

    opts = BenchOptions(sizes=sizes, data_dir=data_dir, seed_questions=SEED_QUESTIONS, questions=questions,
                        repeat=repeat, chats=chats, build_chunks=build_chunks,
                        max_build_minutes=max_build_minutes, skip=skip, progress=sys.stderr.isatty(),
                        stores=stores)
    result = run_bench(settings(), opts, say=lambda m: click.echo(m, err=True), measure_bot=measure_bot)
    if as_json:
        click.echo(json.dumps(result))
    elif markdown:
        click.echo(to_markdown(result))
    else:
        print_table(result)
