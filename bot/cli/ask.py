"""`newsqa ask` (one question, or one a line with `-`) and `newsqa chat` (a loop).

With `-`, a JSON line `{"conversation": ID, "question": ...}` is a turn of conversation
ID, read with that conversation's earlier turns; a plain line is a question alone.
`newsqa chat` is one conversation from start to end.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from pathlib import Path

import click

from bot.cli.context import open_engine, settings
from bot.cli.render import print_answer
from index.errors import QuestionError
from qa.answer import Answer
from qa.conversation.ask import ask as ask_in_conversation
from qa.conversation.history import Conversation
from qa.engine import Engine

MAX_CONVERSATIONS = 10_000  # open conversations one `ask -` run keeps (oldest dropped)


def _answer_or_error(engine: Engine, question: str, conversation: Conversation | None = None) -> Answer | str:
    try:
        if conversation is not None:
            return ask_in_conversation(engine, conversation, question)
        return engine.ask(question)
    except QuestionError as exc:
        return str(exc)


def _read_line(line: str) -> tuple[str | None, str]:
    """A line's conversation id and question: `{"conversation": ID, "question": ...}` is a
    turn of conversation ID (without the id, a question alone); any other line is a
    question alone, word for word."""
    if line.lstrip().startswith("{"):
        try:
            row = json.loads(line)
        except ValueError:
            return None, line
        if isinstance(row, dict) and isinstance(row.get("question"), str):
            cid = row.get("conversation")
            return (None if cid is None else str(cid)), row["question"]
    return None, line


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (a line each with -).")
def ask(question: str, as_json: bool) -> None:
    """Answer QUESTION; with `-`, answer each line of standard input."""
    s = settings()
    engine = open_engine(s, build_if_missing=True)
    if question != "-":
        answer = engine.ask(question)
        click.echo(answer.to_json()) if as_json else print_answer(answer)
        return
    conversations: OrderedDict[str, Conversation] = OrderedDict()
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        cid, question = _read_line(line)
        conversation = None
        if cid is not None:
            conversation = conversations.pop(cid, None) or s.new_conversation()
            conversations[cid] = conversation
            while len(conversations) > MAX_CONVERSATIONS:
                conversations.popitem(last=False)
        result = _answer_or_error(engine, question, conversation)
        if isinstance(result, str):
            click.echo(f"newsqa: error: {result}", err=True)
            if as_json:  # keep one output line per question for scripts
                click.echo(Answer(question=question, answer=result, abstained=True).to_json())
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
    conversation = s.new_conversation()  # one run of the chat is one conversation
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
        result = _answer_or_error(engine, line, conversation)
        if isinstance(result, str):
            console.print(f"[red]{result}[/red]")
        else:
            print_answer(result, console)
