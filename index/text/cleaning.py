"""One cleaned text per article: the text every quote and offset refers to."""

from __future__ import annotations

import re
import unicodedata

from index.text.sentences import sentence_spans

# "year before.The unit": a sentence end glued to the next sentence's capital.
_JOINED = re.compile(r"(?<=[a-z0-9%)”’\"])([.!?])(?=[A-Z][a-z])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Only passages this long count as "repeated": short stock phrases may recur honestly.
MIN_REPEAT_CHARS = 40


def fold_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clean_text(raw: str) -> str:
    """Normalise Unicode, fix joined sentences, fold white space, drop repeats.

    Paragraphs (blank-line separated) survive as "\n\n"; a sentence that repeats an
    earlier one verbatim is dropped, so an answer never quotes the same words twice.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _JOINED.sub(r"\1 ", text)
    paragraphs = [fold_spaces(p.replace("\n", " ")) for p in re.split(r"\n\s*\n", text)]
    seen: set[str] = set()
    kept: list[str] = []
    for para in paragraphs:
        pieces, pos = [], 0
        for start, end in sentence_spans(para):
            key = para[start:end].casefold()
            if end - start >= MIN_REPEAT_CHARS and key in seen:
                pieces.append(para[pos:start])
                pos = end
            seen.add(key)
        para = fold_spaces("".join(pieces) + para[pos:])
        if para:
            kept.append(para)
    return "\n\n".join(kept)
