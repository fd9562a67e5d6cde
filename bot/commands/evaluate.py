"""`newsqa eval FILE...`: score question files, hybrid and dense side by side."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from bot.commands.context import open_engine, settings
from qa.evaluate import KINDS, EvalResult, evaluate, load_questions


@click.command("eval")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--mode", "modes", multiple=True, type=click.Choice(["hybrid", "dense", "bm25"]),
              help="Retrieval modes to score (default: hybrid and dense).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a mode.")
def eval_command(files: tuple[Path, ...], modes: tuple[str, ...], as_json: bool) -> None:
    """Score question files of the ../shared/eval format, a table per kind."""
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
