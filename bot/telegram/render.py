"""An `Answer` as Telegram HTML messages: the same answer the CLI prints, for a phone.

Same structure and words as bot/cli/render.py (figures described by `describe_figure`,
quotes cited by `short_citation`), as HTML: every text escaped, each quote's lead sentence
in bold in a `<blockquote>`, the rest of its passage in an expandable one, split between
paragraphs under Telegram's limit (see bot/telegram/html_split.py).
"""

from __future__ import annotations

from bot.telegram.html_split import TELEGRAM_LIMIT, Block, pack
from qa.answer import Answer, Figure, Quote
from qa.compose import lead_parts, short_citation
from qa.figures.compute import describe_figure


def render_answer(answer: Answer, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The question, then figures and quotes; or the abstention, plainly."""
    blocks: list[Block] = [[("i", answer.question)], *reading_block(answer)]
    if answer.abstained or not (answer.quotes or answer.figures):
        blocks += [[("", p)] for p in answer.answer.split("\n\n")]
        if answer.closest is not None:
            blocks.append(closest_block(answer.closest))
    else:
        blocks += [quote_block(1, q) for q in answer.quotes[:1]]
        blocks += [figure_block(f) for f in answer.figures]
        blocks += [quote_block(n, q) for n, q in enumerate(answer.quotes[1:], 2)]
    return pack(blocks, limit)


def reading_block(answer: Answer) -> list[Block]:
    """"Reading this as: ..." when the question was read with the conversation's turns."""
    if not answer.resolved_question or answer.resolved_question == answer.question:
        return []
    return [[("", "Reading this as: "), ("i", answer.resolved_question)]]


def render_more(answer: Answer, skip: int, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The passages after the first `skip`, for the "more passages" button."""
    extra = answer.quotes[skip:]
    if not extra:
        return pack([[("", "No further passages for: "), ("i", answer.question)]], limit)
    blocks: list[Block] = [[("b", "More passages for: "), ("i", answer.question)]]
    blocks += [quote_block(n, q) for n, q in enumerate(extra, skip + 1)]
    return pack(blocks, limit)


def quote_block(number: int, quote: Quote) -> Block:
    """The lead sentence in bold in a blockquote with `[n] Title · Author · date`, then the
    rest of the passage in an expandable blockquote, so an answer fits one phone screen."""
    before, lead, after = lead_parts(quote)
    block: Block = [("blockquote>b", lead), ("blockquote", f"\n[{number}] "),
                    ("blockquote>i", short_citation(quote))]
    rest = " … ".join(x for x in (before.strip(), after.strip()) if x)
    if rest:
        block += [("", "\n"), ("blockquote expandable", rest)]
    return block


def closest_block(quote: Quote) -> Block:
    """The closest passage of an abstention, labelled so: never shown as an answer."""
    return [("b", "Closest passage (it does not answer the question):"), ("", "\n"),
            ("blockquote expandable", quote.text), ("", "\n"), ("i", short_citation(quote))]


def figure_block(figure: Figure) -> Block:
    """The figure's line (value, label, formula), then the words each input came from."""
    block: Block = [("b", describe_figure(figure))]
    for item in figure.inputs:
        block += [("", "\nfrom: “"), ("i", item.quote), ("", "”")]
    return block
