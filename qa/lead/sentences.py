"""The sentences of a retrieved passage, with offsets, read off the index's own windows.

Chunks are windows of whole sentences that start a sentence apart, so most sentence
boundaries are some chunk's start or the first character after some chunk's end: that
costs nothing at query time. A paragraph's last windows are not indexed when they
would add nothing new, so its last sentences can come out joined; only a span that end
punctuation says may hold two sentences is split again, by the index's own segmenter
(pysbd, a few hundred characters: about a millisecond, cached).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from index.article import Article, Chunk
from index.text.sentences import rough_sentence_spans, sentence_spans


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article: `text == article.text[start:end]`."""

    article_id: str
    start: int
    end: int
    text: str


class ArticleSentences:
    """Each article's sentence boundaries and windows, built on first use per article."""

    def __init__(self, chunks: dict[int, Chunk], articles: dict[str, Article]) -> None:
        self.articles = articles
        self._windows: dict[str, list[Chunk]] = {}
        for c in chunks.values():
            self._windows.setdefault(c.article_id, []).append(c)
        for ws in self._windows.values():
            ws.sort(key=lambda c: (c.start, c.end))
        self._bounds: dict[str, list[int]] = {}

    def windows(self, article_id: str) -> list[Chunk]:
        """The article's chunks, by start offset."""
        return self._windows.get(article_id, [])

    def boundaries(self, article_id: str) -> list[int]:
        """Sorted sentence start offsets of the article (every chunk start, and the first
        non-space character after every chunk end)."""
        found = self._bounds.get(article_id)
        if found is not None:
            return found
        text = self.articles[article_id].text
        marks = set()
        for c in self.windows(article_id):
            marks.add(c.start)
            nxt = c.end
            while nxt < len(text) and text[nxt].isspace():
                nxt += 1
            marks.add(nxt)
        found = sorted(marks)
        self._bounds[article_id] = found
        return found

    def in_span(self, article_id: str, start: int, end: int) -> list[Sentence]:
        """The sentences of `article.text[start:end]` (a chunk), in order."""
        text = self.articles[article_id].text
        bounds = self.boundaries(article_id)
        i = bisect.bisect_left(bounds, start)
        cuts = [start] + [b for b in bounds[i:] if start < b < end] + [end]
        out = []
        for a, b in itertools.pairwise(cuts):
            while b > a and text[b - 1].isspace():
                b -= 1
            if b <= a:
                continue
            piece = text[a:b]
            if len(rough_sentence_spans(piece)) > 1:
                out += [Sentence(article_id, a + x, a + y, piece[x:y]) for x, y in sentence_spans(piece)]
            else:
                out.append(Sentence(article_id, a, b, piece))
        return out

    def around(self, s: Sentence) -> tuple[Sentence | None, Sentence | None]:
        """The sentences just before and just after `s` in its paragraph's windows, if any."""
        text = self.articles[s.article_id].text
        bounds = self.boundaries(s.article_id)
        i = bisect.bisect_left(bounds, s.start)
        before = after = None
        if i > 0:
            a = bounds[i - 1]
            b = s.start
            while b > a and text[b - 1].isspace():
                b -= 1
            if "\n\n" not in text[a:s.start] and b > a:
                before = Sentence(s.article_id, a, b, text[a:b])
        j = bisect.bisect_right(bounds, s.end)
        if j < len(bounds) and "\n\n" not in text[s.end:bounds[j]]:
            a = bounds[j]
            b = bounds[j + 1] if j + 1 < len(bounds) else self._window_end(s.article_id, a)
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a and b - a < 2000:
                after = Sentence(s.article_id, a, b, text[a:b])
        return before, after

    def _window_end(self, article_id: str, start: int) -> int:
        ends = [c.end for c in self.windows(article_id) if c.start <= start < c.end]
        return min((e for e in ends if e > start), default=start)

    def windows_holding(self, s: Sentence) -> list[Chunk]:
        """The chunks that contain the whole sentence."""
        ws = self.windows(s.article_id)
        starts = [c.start for c in ws]
        hi = bisect.bisect_right(starts, s.start)
        return [c for c in ws[max(0, hi - 12):hi] if c.start <= s.start and s.end <= c.end]
