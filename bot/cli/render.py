"""An `Answer` for a terminal: rich text, every string escaped so no markup leaks in."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from qa.answer import Answer
from qa.compose import citation
from qa.figures.compute import describe_figure


def render(answer: Answer) -> Group:
    """Figures, then quotes with their citations; or the abstention, plainly."""
    if answer.abstained:
        return Group(Text(answer.answer, style="yellow"))
    parts: list = []
    for f in answer.figures:
        parts.append(Text.from_markup(f"[bold]{escape(describe_figure(f))}[/bold]"))
        for i in f.inputs:
            parts.append(Text.from_markup(f"  [dim]from:[/dim] “{escape(i.quote)}”"))
    for n, q in enumerate(answer.quotes, start=1):
        body = Group(Text(f"“{q.text}”"), Text(f"— {citation(q)}", style="dim"))
        parts.append(Panel(body, title=f"[{n}]", title_align="left"))
    return Group(*parts)


def print_answer(answer: Answer, console: Console | None = None) -> None:
    (console or Console()).print(render(answer))
