"""`newsqa eval FILE...`: score question files, hybrid and dense side by side.

`newsqa eval --dataset squad|tatqa|drop|finqa`: score the public sets of
../shared/data (retrieval modes side by side, or computed figures), see qa/dataset_eval.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import click
from rich.console import Console
from rich.table import Table

from bot.cli.context import open_engine, settings
from measure.seed_eval import KINDS, EvalResult, evaluate, load_questions
from qa.config import RetrievalMode

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DATASET_NAMES = ("squad", "tatqa", "drop", "finqa")


@click.command("eval")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--mode", "modes", multiple=True, type=click.Choice(["hybrid", "dense", "bm25"]),
              help="Retrieval modes to score (default: hybrid and dense; all three for --dataset).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a mode (one in all for --dataset).")
@click.option("--dataset", type=click.Choice(DATASET_NAMES),
              help="Score a public set of the data folder instead of question files.")
@click.option("--limit", type=click.IntRange(min=1), help="Sample this many questions (--dataset).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --limit sample.")
@click.option("--split", help="Split of tatqa/finqa: dev (default), test, all; measure test once, never tune on it.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), envvar="NEWSQA_DATA_DIR",
              default=DEFAULT_DATA_DIR, show_default="../shared/data beside the repo",
              help="Folder of the public sets (NEWSQA_DATA_DIR).")
def eval_command(files: tuple[Path, ...], modes: tuple[str, ...], as_json: bool, dataset: str | None,
                 limit: int | None, seed: int, split: str | None, data_dir: Path) -> None:
    """Score question files of the ../shared/eval format, a table per kind."""
    if dataset:
        if files:
            raise click.UsageError("give question files or --dataset, not both")
        _eval_dataset(dataset, modes, as_json, limit, seed, split, data_dir)
        return
    if not files:
        raise click.UsageError("give at least one question file")
    questions = [q for f in files for q in load_questions(f)]
    engine = open_engine(settings(), build_if_missing=True)
    results = [evaluate(questions, lambda text, m=m: engine.ask(text, mode=m), m)
               for m in (modes or ("hybrid", "dense"))]
    if as_json:
        for r in results:
            click.echo(json.dumps(r.as_dict()))
        return
    _print_table(results)


def _print_table(results: list[EvalResult]) -> None:
    table = Table(title="newsqa eval")
    table.add_column("kind")
    for r in results:
        table.add_column(r.mode, justify="right")
    for kind in KINDS:
        if kind in results[0].total:
            table.add_row(kind, *(f"{r.passed[kind]}/{r.total[kind]}" for r in results))
    console = Console()
    console.print(table)
    for r in results:
        for miss in r.misses:
            console.print(f"[dim]{r.mode} miss:[/dim] {miss}")


def _eval_dataset(name: str, modes: tuple[str, ...], as_json: bool, limit: int | None, seed: int,
                  split: str | None, data_dir: Path) -> None:
    """Load the set, build (or reuse) its index, score it, print a table or one JSON object."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from index.embedder import get_embedder
    from measure.dataset_eval import score_arithmetic, score_retrieval
    from measure.datasets import RetrievalSet, load_dataset

    s = settings()
    ds = load_dataset(name, data_dir, split)
    index_cfg, qa_cfg = s.index_config(), s.qa_config()
    embedder = get_embedder(index_cfg.model)
    err = Console(stderr=True)
    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"eval {name}", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if isinstance(ds, RetrievalSet):
            chosen = [cast(RetrievalMode, m) for m in modes] or None
            result = score_retrieval(ds, index_cfg, qa_cfg, embedder, limit, seed, modes=chosen,
                                     progress=tick, build_progress=err.is_terminal)
        else:
            if modes:
                raise click.UsageError("--mode applies to the retrieval sets (squad, tatqa)")
            result = score_arithmetic(ds, index_cfg, qa_cfg, embedder, limit, seed, progress=tick)
    if as_json:
        click.echo(json.dumps(result))
    else:
        _print_dataset(result)


def _print_dataset(result: dict[str, Any]) -> None:
    title = f"newsqa eval {result['dataset']} ({result['split']}, n={result['n']})"
    table = Table(title=title)
    if "modes" in result:
        table.add_column("mode")
        for col in ("hit@1", "hit@3", "mean quote chars", "abstained"):
            table.add_column(col, justify="right")
        for mode, r in result["modes"].items():
            table.add_row(mode, f"{r['hit@1']:.3f}", f"{r['hit@3']:.3f}", f"{r['mean_quote_chars']:.0f}",
                          f"{r['abstained']:.3f}")
    else:
        for col in ("correct figure", "wrong figure", "no figure"):
            table.add_column(col, justify="right")
        table.add_row(f"{result['correct']:.3f}", f"{result['wrong']:.3f}", f"{result['none']:.3f}")
    Console().print(table)
