"""An `Answer` for a terminal: rich text, every string escaped so no markup leaks in."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from qa.answer import Answer, Quote
from qa.compose import citation, lead_parts
from qa.figures.compute import describe_figure


def reading_line(answer: Answer) -> list[Text]:
    """"Reading this as: ..." when the question was read with the conversation's turns."""
    if not answer.resolved_question or answer.resolved_question == answer.question:
        return []
    return [Text(f"Reading this as: {answer.resolved_question}", style="dim italic")]


def render(answer: Answer) -> Group:
    """Figures, then quotes with their citations; or the abstention, plainly."""
    reading = reading_line(answer)
    if answer.abstained:
        parts: list = [*reading, Text(answer.answer, style="yellow")]
        if answer.closest is not None:
            body = Group(Text(f"“{answer.closest.text}”"), Text(f"— {citation(answer.closest)}", style="dim"))
            parts.append(Panel(body, title="closest passage (not an answer)", title_align="left", style="dim"))
        return Group(*parts)
    parts = [*reading, *(_quote_panel(1, q) for q in answer.quotes[:1])]
    for f in answer.figures:
        parts.append(Text.from_markup(f"[bold]{escape(describe_figure(f))}[/bold]"))
        for i in f.inputs:
            parts.append(Text.from_markup(f"  [dim]from:[/dim] “{escape(i.quote)}”"))
    parts += [_quote_panel(n, q) for n, q in enumerate(answer.quotes[1:], start=2)]
    return Group(*parts)


def _quote_panel(n: int, q: Quote) -> Panel:
    """The passage with its lead sentence highlighted, then the citation."""
    before, lead, after = lead_parts(q)
    text = Text("“")
    text.append(before)
    text.append(lead, style="bold reverse")
    text.append(after)
    text.append("”")
    return Panel(Group(text, Text(f"— {citation(q)}", style="dim")), title=f"[{n}]", title_align="left")


def print_answer(answer: Answer, console: Console | None = None) -> None:
    (console or Console()).print(render(answer))
