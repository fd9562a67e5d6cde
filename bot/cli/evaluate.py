"""`newsqa eval FILE...`: score question files, hybrid and dense side by side.

`newsqa eval --dataset squad|squad2|tatqa|drop|finqa`: score the public sets of
../shared/data (retrieval modes beside the plain baselines, or computed figures), see
measure/dataset_eval.py; `--dataset coqa`: follow-ups after their history and alone, see
measure/conversations.py. Conversation files (with `turns`) are scored turn by turn in
context. `newsqa eval --fit` fits the lead and answerable scorers on the
tuning halves (measure/fit_lead.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import click
from rich.console import Console
from rich.table import Table

from bot.cli.context import open_engine, settings
from measure.conversations import evaluate_conversations, is_conversation_file, load_conversations
from measure.seed_eval import KINDS, EvalResult, evaluate, load_questions
from qa.config import RetrievalMode

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DATASET_NAMES = ("squad", "squad2", "tatqa", "drop", "finqa", "coqa")


@click.command("eval")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--mode", "modes", multiple=True, type=click.Choice(["hybrid", "dense", "bm25"]),
              help="Retrieval modes to score (default: hybrid and dense; all three for --dataset).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a mode (one in all for --dataset).")
@click.option("--dataset", type=click.Choice(DATASET_NAMES),
              help="Score a public set of the data folder instead of question files.")
@click.option("--limit", type=click.IntRange(min=1), help="Sample this many questions (--dataset).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --limit sample.")
@click.option("--split", help="squad/squad2: report (default), tune, dev (both halves, by title); tatqa/finqa: "
                               "dev (default), test, all; coqa: val (default), test, all. "
                               "Measure test once, never tune on it.")
@click.option("--no-baseline", is_flag=True, help="Leave out the plain baseline rows (--dataset).")
@click.option("--fit", is_flag=True, help="Fit the lead and answerable scorers on the tuning halves of SQuAD "
                                          "1.1 and 2.0 dev, and save them in qa/lead/fitted/.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), envvar="NEWSQA_DATA_DIR",
              default=DEFAULT_DATA_DIR, show_default="../shared/data beside the repo",
              help="Folder of the public sets (NEWSQA_DATA_DIR).")
def eval_command(files: tuple[Path, ...], modes: tuple[str, ...], as_json: bool, dataset: str | None,
                 limit: int | None, seed: int, split: str | None, data_dir: Path, no_baseline: bool,
                 fit: bool) -> None:
    """Score question files of the ../shared/eval format, a table per kind."""
    if fit:
        from index.embedder import get_embedder
        from measure.fit_lead import fit as fit_scorers

        s = settings()
        cfg = s.index_config()
        result = fit_scorers(data_dir, cfg, s.qa_config(), get_embedder(cfg.model), limit,
                             say=lambda m: click.echo(m, err=True))
        click.echo(json.dumps(result))
        return
    if dataset:
        if files:
            raise click.UsageError("give question files or --dataset, not both")
        if dataset == "coqa":
            _eval_coqa(as_json, limit, seed, split, data_dir)
            return
        _eval_dataset(dataset, modes, as_json, limit, seed, split, data_dir, not no_baseline)
        return
    if not files:
        raise click.UsageError("give at least one question file")
    talks = [f for f in files if is_conversation_file(f)]
    questions = [q for f in files if f not in talks for q in load_questions(f)]
    conversations = [c for f in talks for c in load_conversations(f)]
    engine = open_engine(settings(), build_if_missing=True)
    results = [evaluate_conversations(conversations, engine, cast(RetrievalMode, m),
                                      into=evaluate(questions, lambda text, m=m: engine.ask(text, mode=m), m))
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
                  split: str | None, data_dir: Path, baselines: bool = True) -> None:
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
                                     progress=tick, build_progress=err.is_terminal, baselines=baselines)
            if name == "tatqa":  # its arithmetic rows: computed figures, per operation
                from measure.datasets import load_tatqa_arithmetic

                result["figures"] = score_arithmetic(load_tatqa_arithmetic(data_dir, split), index_cfg, qa_cfg,
                                                     embedder, progress=tick)
        else:
            if modes:
                raise click.UsageError("--mode applies to the retrieval sets (squad, tatqa)")
            result = score_arithmetic(ds, index_cfg, qa_cfg, embedder, limit, seed, progress=tick)
    if as_json:
        click.echo(json.dumps(result))
    else:
        _print_dataset(result)


def _eval_coqa(as_json: bool, limit: int | None, seed: int, split: str | None, data_dir: Path) -> None:
    """Abg-CoQA: target turns after their history, alone, and the first history turns."""
    from index.embedder import get_embedder
    from measure.conversations import score_coqa

    s = settings()
    cfg = s.index_config()
    err = Console(stderr=True)
    result = score_coqa(data_dir, cfg, s.qa_config(), get_embedder(cfg.model), split, limit, seed,
                        build_progress=err.is_terminal)
    if as_json:
        click.echo(json.dumps(result))
        return
    sample = f", {limit} drawn with seed {seed}" if limit else ""
    table = Table(title=f"newsqa eval coqa ({result['split']}, n={result['n']}{sample})")
    cols = ("hit@3", "hit@1", "abstained", "asked_back", "read_with_context")
    table.add_column("turn")
    for col in cols:
        table.add_column(col.replace("_", " "), justify="right")
    for row, r in result["rows"].items():
        table.add_row(row, *(f"{r[c]:.3f}" for c in cols))
    Console().print(table)
    click.echo(f"target after history / first history turn: {result['after_vs_first']} (goal >= 0.85); "
               f"/ target alone: {result['after_vs_alone']} (goal >= 2); "
               f"conversation in the target's story: {result['target_in_its_story']:.3f}")


def _print_dataset(result: dict[str, Any]) -> None:
    title = f"newsqa eval {result['dataset']} ({result['split']}, n={result['n']})"
    table = Table(title=title)
    if "modes" in result:
        table.add_column("row")
        cols = ["lead hit@1", "hit@1", "hit@3", "mean_lead_chars", "mean_quote_chars", "abstained"]
        if any("declined_unanswerable" in r for r in result["modes"].values()):
            cols += ["answered", "declined_unanswerable"]
        for col in cols:
            table.add_column(col.replace("_", " "), justify="right")
        for mode, r in result["modes"].items():
            table.add_row(mode, *(f"{r[c]:.0f}" if c.startswith("mean") else f"{r[c]:.3f}" for c in cols))
    else:
        for col in ("correct figure", "wrong figure", "no figure"):
            table.add_column(col, justify="right")
        table.add_row(f"{result['correct']:.3f}", f"{result['wrong']:.3f}", f"{result['none']:.3f}")
    Console().print(table)
    if "figures" in result:
        _print_dataset(result["figures"])
    for key, what in (("by_kind", "operation newsqa read"), ("by_operation", "operation the set's program names")):
        if result.get(key):
            _print_kinds(result, key, what)


def _print_kinds(result: dict[str, Any], key: str, what: str) -> None:
    """Correct / wrong / none counts per operation (the figure's kind, or the one asked)."""
    table = Table(title=f"{result['dataset']} figures by {what}")
    for col in ("operation", "correct", "wrong", "none"):
        table.add_column(col, justify="left" if col == "operation" else "right")
    rows = sorted(result[key].items(), key=lambda kv: -sum(kv[1].values()))
    for kind, c in rows:
        table.add_row(kind, str(c["correct"]), str(c["wrong"]), str(c["none"]))
    Console().print(table)
