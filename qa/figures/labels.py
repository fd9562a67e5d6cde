"""The label an article writes right after a share: "11.3% from 18 to 24", "59.4% White".

Census-style lists state one share per group, each followed by its group's name. A
question naming the group in the same words ("How many percent were not from 18 to 24?")
means that share and no other. Matching the label word for word is stricter than the
model or word overlap (which cannot tell "from 18 to 24" from "from 25 to 44": the
numbers are the whole difference), so it is tried first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.figures.operands import Operand

# A label ends at a comma, semicolon, colon, bracket, a sentence's full stop, or where
# the next share of the list begins ("... and 15.5% who were 65 or older").
_END = re.compile(r"[,;:()\[\]]|\.(?!\d)|\band\s+(?=[\d.]+\s*%)")
_LEAD = re.compile(r"^(?:(?:of\s+)?(?:the\s+)?(?:population|people|residents|persons|households)\s+)?"
                   r"(?:(?:who|that)\s+)?(?:(?:were|was|are|is)\s+)?(?:aged\s+)?")
_TRAIL = re.compile(r"\s+(?:of\s+(?:the\s+)?(?:population|people|residents))$")
_WORDS = re.compile(r"[a-z0-9]+(?:[.'’][a-z0-9]+)*")


def label_after(op: Operand) -> str:
    """The words right after the number, up to where the next item of its list starts."""
    q = op.q
    tail = q.sentence[q.end - q.sentence_start:]
    tail = tail.lstrip(")] ")  # "25,532 (73.2%) White"
    end = _END.search(tail)
    return normalize(tail[: end.start()] if end else tail)


def normalize(words: str) -> str:
    """Lower-cased words without a leading "were"/"aged" or a trailing "of the population"."""
    text = " ".join(_WORDS.findall(words.lower()))
    return _TRAIL.sub("", _LEAD.sub("", text, count=1)).strip()


def labelled(phrase: str, pool: Sequence[Operand]) -> list[Operand]:
    """The shares whose label is the phrase, word for word (else once numbers are written
    alike and an opening "from" or "aged" is dropped: "2 or more races", "45 to 64")."""
    wanted = normalize(phrase)
    if not wanted:
        return []
    exact = [op for op in pool if label_after(op) == wanted]
    if exact:
        return exact
    loose = _loose(wanted)
    return [op for op in pool if _loose(label_after(op)) == loose] if loose else []


_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "eight": "8", "nine": "9", "ten": "10"}
_OPENING = re.compile(r"^(?:from|between\s+the\s+ages\s+of|between|aged|ages|the\s+ages\s+of|of)\s+")


def _loose(label: str) -> str:
    words = " ".join(_NUMBER_WORDS.get(w, w) for w in label.split())
    return _OPENING.sub("", words).strip()
