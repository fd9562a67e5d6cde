"""An `Answer` as Telegram HTML messages: the same answer the CLI prints, for a phone.

Same structure and words as bot/render_text.py (figures described by `describe_figure`,
quotes cited by `citation`), as HTML: every text escaped, quotes in `<blockquote>`,
split between paragraphs under Telegram's limit (see bot/html_split.py).
"""

from __future__ import annotations

from bot.telegram.html_split import TELEGRAM_LIMIT, Block, pack
from qa.answer import Answer, Figure, Quote
from qa.compose import citation
from qa.figures.compute import describe_figure


def render_answer(answer: Answer, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The question, then figures and quotes; or the abstention, plainly."""
    blocks: list[Block] = [[("i", answer.question)]]
    if answer.abstained or not (answer.quotes or answer.figures):
        blocks += [[("", p)] for p in answer.answer.split("\n\n")]
    else:
        blocks += [figure_block(f) for f in answer.figures]
        blocks += [quote_block(n, q) for n, q in enumerate(answer.quotes, 1)]
    return pack(blocks, limit)


def render_more(answer: Answer, skip: int, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The passages after the first `skip`, for the "more passages" button."""
    extra = answer.quotes[skip:]
    if not extra:
        return pack([[("", "No further passages for: "), ("i", answer.question)]], limit)
    blocks: list[Block] = [[("b", "More passages for: "), ("i", answer.question)]]
    blocks += [quote_block(n, q) for n, q in enumerate(extra, skip + 1)]
    return pack(blocks, limit)


def quote_block(number: int, quote: Quote) -> Block:
    """The verbatim passage in a blockquote, then `[n] Title (Author, date)`."""
    return [("blockquote", quote.text), ("", f"\n[{number}] "), ("i", citation(quote))]


def figure_block(figure: Figure) -> Block:
    """The figure's line (value, label, formula), then the words each input came from."""
    block: Block = [("b", describe_figure(figure))]
    for item in figure.inputs:
        block += [("", "\nfrom: “"), ("i", item.quote), ("", "”")]
    return block
