"""Words as a search engine sees them, BM25 over chunks, and question-term coverage."""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Protocol

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS

from index.text.sentences import rough_sentence_spans
from index.text.terms import WORD as _WORD
from index.text.terms import content_word as _content_word
from index.text.terms import content_words as _content_words
from index.text.terms import stemmer as _stemmer
from index.text.terms import terms

# Words that frame the answer a question wants ("What type of ...", "What is the name of
# ...", "For what reason ...") but are not what it is about: a passage that answers
# rarely repeats them. They and NLTK's function words (bm25s ships the list; its few
# words with content, "won", "up", "against", stay) are left out of coverage, not BM25.
_ANSWER_FRAMES = set("""
type types kind kinds sort sorts name names named called call term terms reason reasons
way ways example examples purpose role part parts else one ones also often usually
typically occur occurred occurs located location known refer refers referred consider
considered describe described description mean means meant define defined definition
specific particular generally
""".split())  # noqa: SIM905
_MEANINGFUL = {"won", "don", "ma", "up", "down", "over", "under", "against", "few", "same", "other",
               "above", "below", "off"}
_COVERAGE_STOP = (set(STOPWORDS_EN_PLUS) - _MEANINGFUL) | _ANSWER_FRAMES


# "How long does the repair take?": "long" frames the answer (a length of time); no passage need say it.
_HOW_WHAT = re.compile(r"(?i)\bhow\s+(?:long|far|old|big|large|tall|high|fast|soon|late|early|wide|deep|heavy)\b")


def coverage_terms(text: str) -> list[str]:
    """The terms coverage weighs: `terms` without function and answer-framing words,
    unless nothing else is left ("What is the name?")."""
    words = _content_words(text)
    framed = set(words) - set(_content_words(_HOW_WHAT.sub("how", text))) if _HOW_WHAT.search(text) else set()
    kept = [w for w in words if w not in _COVERAGE_STOP and w not in framed]
    return _stemmer().stemWords(kept or words) if words else []


@lru_cache(maxsize=8192)
def sentence_terms(text: str) -> tuple[frozenset[str], ...]:
    """The terms of each rough sentence of `text`, stemmed in one call (query-time cost)."""
    spans = rough_sentence_spans(text)
    if not spans:
        return ()
    ends = [b for _a, b in spans]
    owner: list[int] = []
    kept: list[str] = []
    for m in _WORD.finditer(text):
        if w := _content_word(m.group()):
            owner.append(bisect.bisect_right(ends, m.start()))
            kept.append(w)
    sets: list[set[str]] = [set() for _ in spans]
    for i, stem in zip(owner, _stemmer().stemWords(kept) if kept else [], strict=True):
        sets[min(i, len(sets) - 1)].add(stem)
    return tuple(frozenset(x) for x in sets)


class LexicalIndex:
    """BM25 over chunk texts (with their titles), and document frequencies for IDF."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75,
                 oov_weight: float = 1.0, known: Mapping[str, list[str]] | None = None) -> None:
        """`known` maps texts to their terms already computed (a previous version's)."""
        known = known or {}
        self.tokens = [known[t] if t in known else terms(t) for t in texts]
        self.n = len(self.tokens)
        self.oov_weight = oov_weight
        self.df: Counter[str] = Counter()
        self._lengths: dict[int, list[str]] | None = None
        for toks in self.tokens:
            self.df.update(set(toks))
        self.k1, self.b = k1, b
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        if self.n:
            self.bm25.index([t or [""] for t in self.tokens], show_progress=False)

    def row_terms(self, row: int) -> list[str]:
        """The terms of one row's text."""
        return self.tokens[row]

    def scores_of(self, query_terms: list[str], rows: Sequence[int]) -> np.ndarray:
        """The BM25 score of each of `rows` (zeros when no query term occurs in the corpus)."""
        scores = self.scores(query_terms)
        return scores[list(rows)] if scores is not None else np.zeros(len(rows), dtype=np.float32)

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n + 1) / (self.df.get(term, 0) + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray | None:
        """The BM25 score of every row, or None when no query term occurs in the corpus."""
        known = [t for t in query_terms if t in self.df]
        if not known or not self.n:
            return None
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def search(self, query_terms: list[str], k: int,
               scores: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, score) of the best `k` rows with a positive score."""
        if scores is None:
            scores = self.scores(query_terms)
        if scores is None:
            return []
        k = min(k, self.n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def coverage(self, query_terms: list[str], row: int) -> float:
        """IDF-weighted share of the question's terms that this row contains.

        A term the corpus never uses counts against the row at `oov_weight` of its IDF
        weight: a question about things no article mentions should not look answered.
        """
        return self.coverages(query_terms, [row])[0]

    def coverages(self, query_terms: list[str], rows: Sequence[int]) -> list[float]:
        """`coverage` of each row, the question's term weights worked out once."""
        weights = self._weights(query_terms)
        return [self._share(weights, set(self.row_terms(r))) for r in rows]

    def sentence_coverage(self, query_terms: list[str], text: str) -> float:
        """Coverage by the best single sentence of `text`.

        The sentence that answers usually restates the question's words; a passage that
        only scatters them over several sentences is weaker evidence. Sentences are cut
        at end punctuation only (pysbd is too slow at query time): a rough cut is
        enough for a ranking signal.
        """
        return self.sentence_coverages(query_terms, [text])[0]

    def sentence_coverages(self, query_terms: list[str], texts: Sequence[str]) -> list[float]:
        """`sentence_coverage` of each text, the question's term weights worked out once."""
        weights = self._weights(query_terms)
        return [max((self._share(weights, have) for have in sentence_terms(t)), default=0.0)
                for t in texts]

    def unknown_terms(self, query_terms: list[str]) -> list[str]:
        """The distinct question terms no row uses, and that are no misspelling of one: a
        word one edit from a term rows use, whatever its first letter ("edcuation",
        "ngles"), is taken as that term (see `_typo_of`)."""
        unknown = [t for t in dict.fromkeys(query_terms) if t not in self.df]
        return [t for t in unknown if not _typo_of(t, self._by_length(len(t)), same_first=False)]

    def _by_length(self, n: int) -> list[str]:
        """Terms rows use whose length is within one of `n` (built once, on first need)."""
        if self._lengths is None:
            lengths: dict[int, list[str]] = {}
            for t in self.df:
                lengths.setdefault(len(t), []).append(t)
            self._lengths = lengths
        return [t for m in (n - 1, n, n + 1) for t in self._lengths.get(m, [])]

    def _weights(self, query_terms: list[str]) -> dict[str, float]:
        """Each distinct question term's IDF, at `oov_weight` for terms no row uses."""
        return {t: self.idf(t) * (1.0 if t in self.df else self.oov_weight)
                for t in dict.fromkeys(query_terms)}

    def _share(self, weights: dict[str, float], have: set[str] | frozenset[str]) -> float:
        """The weighted share of question terms `have` holds. A word no row uses is taken
        as a typo of a term one edit away with the same first letter ("consitution"), if
        it is long enough for one edit not to make another word; never a number."""
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        held = sum(w for t, w in weights.items() if t in have or (t not in self.df and _typo_of(t, have)))
        return held / total


class StoreLexicon(LexicalIndex):
    """The version's document frequencies and lengths as the index wrote them, and each
    row's terms read when a question needs them: for a store that runs the BM25 search
    itself (Milvus), so opening a version tokenizes nothing.

    `scores_of` is the same BM25 as `LexicalIndex`'s (bm25s's Lucene variant, an empty
    text counted as one token), worked out for the given rows only.
    """

    def __init__(self, stats: TermStats, chunk_ids: Sequence[int], k1: float = 1.5, b: float = 0.75,
                 oov_weight: float = 1.0, known: Mapping[int, list[str]] | None = None) -> None:
        """`known`: terms by chunk id already read (a previous version's, which a chunk keeps)."""
        self.stats = stats
        self.ids = [int(c) for c in chunk_ids]
        self.n = stats.chunks
        self.df = stats.df
        self.k1, self.b = k1, b
        self.oov_weight = oov_weight
        self._lengths = None
        self._avgdl = stats.length / self.n if self.n else 1.0
        self._terms: dict[int, list[str]] = {c: t for c, t in (known or {}).items()}

    @property
    def tokens(self) -> list[list[str]]:  # type: ignore[override]
        """Every row's terms: read in full only on demand (tests, a next version's lender)."""
        self.prefetch(range(len(self.ids)))
        return [self._terms[c] for c in self.ids]

    def known_terms(self) -> dict[int, list[str]]:
        """Terms read so far, by chunk id, for the retriever of the next version."""
        return self._terms

    def prefetch(self, rows: Iterable[int]) -> None:
        """Read the terms of these rows not read yet, in one look-up."""
        missing = [self.ids[r] for r in rows if self.ids[r] not in self._terms]
        if missing:
            found = self.stats.terms_of(missing)
            for cid in missing:
                self._terms[cid] = found.get(cid, [])

    def row_terms(self, row: int) -> list[str]:
        cid = self.ids[row]
        if cid not in self._terms:
            self.prefetch([row])
        return self._terms[cid]

    def scores(self, query_terms: list[str]) -> np.ndarray | None:
        raise NotImplementedError("the store runs this BM25 search; use scores_of for given rows")

    def scores_of(self, query_terms: list[str], rows: Sequence[int]) -> np.ndarray:
        known = [t for t in query_terms if t in self.df]
        out = np.zeros(len(rows), dtype=np.float64)
        if not known or not self.n:
            return out.astype(np.float32)
        self.prefetch(rows)
        idf = {t: math.log(1 + (self.n - self.df[t] + 0.5) / (self.df[t] + 0.5)) for t in set(known)}
        k1, b = self.k1, self.b
        for i, r in enumerate(rows):
            toks = self._terms[self.ids[r]]
            counts = Counter(toks)
            norm = k1 * (1 - b + b * max(len(toks), 1) / self._avgdl)
            out[i] = sum(idf[t] * counts[t] / (counts[t] + norm) for t in known if t in counts)
        return out.astype(np.float32)


class TermStats(Protocol):
    """What `StoreLexicon` reads of a version (index/store/lexicon.py `VersionTerms`)."""

    df: Counter[str]
    chunks: int
    length: int

    def terms_of(self, ids: list[int]) -> dict[int, list[str]]: ...


_TYPO_MIN = 5


def _typo_of(term: str, have: Iterable[str], same_first: bool = True) -> bool:
    """Whether `term` is one edit from a word of `have` (with the same first letter when
    `same_first`), if it is long enough for one edit not to make another word; never a number."""
    if len(term) < _TYPO_MIN or any(ch.isdigit() for ch in term):
        return False
    return any((not same_first or h[:1] == term[:1]) and one_edit_apart(term, h) for h in have)


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter changed, added, dropped, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1:]
