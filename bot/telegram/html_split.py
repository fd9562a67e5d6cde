"""Pack escaped HTML blocks into Telegram messages under the 4,096-character limit.

Telegram counts a message's length after entity parsing (tags gone, entities decoded)
in UTF-16 code units, so lengths are measured on the plain text of each run, never on
the HTML. A block is a paragraph made of runs, each plain text with at most one tag;
messages break between blocks, and a block too long for one message is cut at a line,
sentence or word boundary, each piece keeping its runs' tags.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

TELEGRAM_LIMIT = 4096
SEPARATOR = "\n\n"

Run = tuple[str, str]  # (tag or "", plain text); a tag may nest one in another ("blockquote>b")
# and carry an attribute ("blockquote expandable"); neighbouring runs in the same outer tag
# share one element: [("blockquote>b", lead), ("blockquote", "\n"), ("blockquote>i", cite)].
Block = list[Run]

_BOUNDARIES = tuple(re.compile(p) for p in (r"\n\s*\n", r"\n", r"[.!?…]\s", r"\s"))


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def to_html(block: Block) -> str:
    """The block as Telegram HTML, every text escaped."""
    out = []
    outer = ""
    for tag, text in block:
        if not text:
            continue
        parts = tag.split(">", 1) if tag else [""]
        head, inner = parts[0], parts[1] if len(parts) > 1 else ""
        if head != outer:
            if outer:
                out.append(f"</{outer.split()[0]}>")
            if head:
                out.append(f"<{head}>")
            outer = head
        body = html.escape(text, quote=False)
        out.append(f"<{inner}>{body}</{inner}>" if inner else body)
    if outer:
        out.append(f"</{outer.split()[0]}>")
    return "".join(out)


def pack(blocks: list[Block], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Blocks joined into as few messages as fit, breaking only between blocks if it can."""
    messages: list[str] = []
    current: list[str] = []
    used = 0
    for block in blocks:
        for piece in _split_block([(t, s) for t, s in block if s], limit):
            size = sum(units(s) for _, s in piece)
            if not size or not any(s.strip() for _, s in piece):
                continue
            extra = size + (units(SEPARATOR) if current else 0)
            if current and used + extra > limit:
                messages.append(SEPARATOR.join(current))
                current, used, extra = [], 0, size
            current.append(to_html(piece))
            used += extra
    if current:
        messages.append(SEPARATOR.join(current))
    return messages


def _split_block(block: Block, limit: int) -> list[Block]:
    """The block itself if it fits, else pieces of at most `limit` units each."""
    if sum(units(s) for _, s in block) <= limit:
        return [block]
    pieces: list[Block] = []
    piece: Block = []
    room = limit
    for tag, text in block:
        while units(text) > room:
            cut = _cut(text, room, whole_piece=not piece)
            if cut:
                piece.append((tag, text[:cut]))
                text = text[cut:]
            pieces.append(piece)
            piece, room = [], limit
        if text:
            piece.append((tag, text))
            room -= units(text)
    if piece:
        pieces.append(piece)
    return [p for p in pieces if p]


def _cut(text: str, room: int, *, whole_piece: bool) -> int:
    """Where to cut `text` to fit `room` units; 0 means "start a new piece first"."""
    fit = _fitting_prefix(text, room) or 1
    head = text[:fit]
    for pattern in _BOUNDARIES:
        ends = [m.end() for m in pattern.finditer(head)]
        if ends and ends[-1] > fit // 2:
            return ends[-1]
    if not whole_piece:
        return 0
    spaces = [m.end() for m in _BOUNDARIES[-1].finditer(head)]
    return spaces[-1] if spaces else fit


def _fitting_prefix(text: str, room: int) -> int:
    """How many code points of `text` fit in `room` UTF-16 units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            return i
    return len(text)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.tags or self.tags.pop() != tag:
            raise ValueError(f"unbalanced </{tag}>")


def visible_text(message: str) -> str:
    """The text Telegram shows for an HTML message; raises ValueError if tags are unbalanced."""
    parser = _Visible()
    parser.feed(message)
    parser.close()
    if parser.tags:
        raise ValueError(f"unclosed <{parser.tags[-1]}>")
    return "".join(parser.parts)
