"""Figures asked of articles written for the tests, checked as a reader would: the one figure
a question gets, its quotes real and every number of its line traceable to them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

import numpy as np
import pytest

from index.quantities.extract import extract_quantities
from qa.answer import Figure
from qa.figures.compute import compute_figures, describe_figure

Embed = Callable[[list[str]], np.ndarray]


def _texts(text: str, others: tuple[str, ...]) -> dict[str, str]:
    return {"t": text, **{f"o{k}": other for k, other in enumerate(others)}}


def figures(question: str, text: str, embed: Embed, *others: str) -> list[Figure]:
    """Figures over `text`, with the quantities of `others` (other articles) retrieved after it."""
    texts = _texts(text, others)
    pool = [(aid, q) for aid, t in texts.items() for q in extract_quantities(t)]
    return compute_figures(question, pool, embed, texts)


def only(question: str, text: str, embed: Embed, *others: str) -> Figure:
    """The one figure, checked as a reader would: quotes real, every number traceable."""
    figs = figures(question, text, embed, *others)
    assert len(figs) == 1, (question, [describe_figure(f) for f in figs])
    fig = figs[0]
    assert math.isfinite(fig.value) and fig.kind
    traceable(fig, _texts(text, others))
    return fig


def traceable(fig: Figure, texts: Mapping[str, str]) -> None:
    """Each quoted input is its article's text at its offsets, and every number a reader sees
    in the figure's line is in its formula or a quoted input."""
    for i in fig.inputs:
        assert texts[i.article_id][i.start:i.end] == i.quote
    line = describe_figure(fig)
    sources = fig.formula + " " + " ".join(i.quote for i in fig.inputs)
    for number in re.findall(r"\d[\d,]*(?:\.\d+)?", line):
        assert number in sources, (number, line)


def stated(text: str, words: str) -> float:
    """The value the extractor reads from `words` in `text` (the test states no answer)."""
    start = text.index(words)
    return next(q for q in extract_quantities(text) if start <= q.start < start + len(words)).value


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-6)
