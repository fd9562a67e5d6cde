"""`newsqa ask` (one question, or one a line with `-`) and `newsqa chat` (a loop)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.context import open_engine, settings
from bot.cli.render import print_answer
from index.errors import QuestionError
from qa.answer import Answer
from qa.engine import Engine


def _answer_or_error(engine: Engine, question: str) -> Answer | str:
    try:
        return engine.ask(question)
    except QuestionError as exc:
        return str(exc)


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (a line each with -).")
def ask(question: str, as_json: bool) -> None:
    """Answer QUESTION; with `-`, answer each line of standard input."""
    engine = open_engine(settings(), build_if_missing=True)
    if question != "-":
        answer = engine.ask(question)
        click.echo(answer.to_json()) if as_json else print_answer(answer)
        return
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        result = _answer_or_error(engine, line)
        if isinstance(result, str):
            click.echo(f"newsqa: error: {result}", err=True)
            if as_json:  # keep one output line per question for scripts
                click.echo(Answer(question=line, answer=result, abstained=True).to_json())
            continue
        click.echo(result.to_json()) if as_json else print_answer(result)
        sys.stdout.flush()


@click.command()
def chat() -> None:
    """Ask questions in a loop; arrow keys recall earlier ones. Ctrl-D quits."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from rich.console import Console

    s = settings()
    engine = open_engine(s, build_if_missing=True)
    console = Console()
    history_file = Path(s.index_dir) / ".chat_history"
    try:
        history_file.parent.mkdir(parents=True, exist_ok=True)
        history = FileHistory(str(history_file))
    except OSError:
        history = InMemoryHistory()
    interactive = sys.stdin.isatty()
    session: PromptSession[str] | None = PromptSession(history=history) if interactive else None
    n = len(engine.articles())
    console.print(f"newsqa: {n} article{'s' if n != 1 else ''} indexed. Ask a question "
                  "(Ctrl-D to quit).")
    while True:
        try:
            line = session.prompt("? ") if session else input("? ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not line.strip():
            continue
        engine.refresh()
        result = _answer_or_error(engine, line)
        if isinstance(result, str):
            console.print(f"[red]{result}[/red]")
        else:
            print_answer(result, console)
