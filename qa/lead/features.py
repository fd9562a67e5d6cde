"""Features of each candidate lead sentence: what the fitted scorers read.

Every sentence of the best few passages is a candidate. Its features say how well the
passage ranked, how many of the question's rarer words the sentence itself holds (and
its neighbours), whether it holds the kind of answer asked, and how close in meaning the
windows holding it are compared with the windows around it that do not: a sentence
every close window shares is the one the closeness comes from. The windows' vectors are
already in the index, so no sentence is embedded at query time.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from index.store.vector_store import VectorStore
from qa.lead.kinds import KINDS, asked_kind, holds
from qa.lead.sentences import ArticleSentences, Sentence
from qa.retrieval.lexical import LexicalIndex, coverage_terms, sentence_terms, terms
from qa.retrieval.retrieve import Hit

FEATURES: tuple[str, ...] = (
    "rank_inverse", "hit_fused", "fused_behind_top", "hit_cosine", "hit_coverage",
    "sentence_coverage", "best_coverage_here", "coverage_behind_best", "previous_coverage",
    "next_coverage", "plain_overlap", "bigram_overlap",
    "window_max_cosine", "window_mean_cosine", "cosine_behind_best", "cosine_contrast",
    "kind_held", "kind_asked", *(f"kind_{k}_held" for k in KINDS if k != "other"),
    "log_length", "first_in_passage", "has_digit", "title_overlap", "unknown_share",
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Candidate:
    """A sentence that may lead the answer, with the passage it was found in."""

    sentence: Sentence
    hit: Hit
    rank: int
    features: np.ndarray
    kind_held: bool


class CandidateReader:
    """Builds candidates for one index snapshot (its sentences, BM25 statistics, vectors)."""

    def __init__(self, sentences: ArticleSentences, lexical: LexicalIndex, store: VectorStore) -> None:
        self.sentences = sentences
        self.lexical = lexical
        self.store = store

    def candidates(self, question: str, qvec: np.ndarray, hits: list[Hit], passages: int = 5
                   ) -> list[Candidate]:
        """Every distinct sentence of the best `passages` hits, with its features."""
        if not hits:
            return []
        cterms = coverage_terms(question)
        weights = self.lexical._weights(cterms)
        total = sum(weights.values()) or 1.0
        qwords = [w for w in terms(question)]
        qbigrams = set(itertools.pairwise(qwords))
        kind = asked_kind(question)
        unknown = self.lexical.unknown_terms(cterms)
        unknown_share = sum(weights.get(t, 0.0) for t in unknown) / total
        seen: dict[tuple[str, int], Candidate] = {}
        rows: list[tuple[Sentence, Hit, int, list[Sentence]]] = []
        for rank, hit in enumerate(hits[:passages]):
            c = hit.chunk
            sents = self.sentences.in_span(c.article_id, c.start, c.end)
            title = self.sentences.articles[c.article_id].title.strip()
            for s in sents:
                if s.start == 0 and s.text.strip() == title:
                    continue  # a headline names the story's topic; it answers nothing on its own
                if (s.article_id, s.start) not in seen:
                    seen[(s.article_id, s.start)] = None  # type: ignore[assignment]
                    rows.append((s, hit, rank, sents))
        if not rows:
            return []

        def cov(text: str) -> float:
            have = set().union(*sentence_terms(text)) if text else set()
            return self.lexical._share(weights, have)

        window_ids: dict[int, None] = {}
        holding: list[list[int]] = []
        for s, _h, _r, _ in rows:
            ids = [w.id for w in self.sentences.windows_holding(s)]
            holding.append(ids)
            window_ids.update(dict.fromkeys(ids))
        # windows near each hit that do not hold the sentence: the contrast
        for _s, h, _r, _ in rows:
            window_ids.setdefault(h.chunk.id, None)
        ids = list(window_ids)
        cos = dict(zip(ids, (self.store.get(ids) @ qvec).tolist(), strict=True)) if ids else {}
        covs = [cov(s.text) for s, *_ in rows]
        best_cov = max(covs)
        top_fused = hits[0].fused
        out = []
        win_best = max((max((cos[i] for i in hs), default=-1.0) for hs in holding), default=0.0)
        for (s, h, rank, sents), c_s, hs in zip(rows, covs, holding, strict=True):
            before, after = self.sentences.around(s)
            words = terms(s.text)
            wordset = set(words)
            plain = sum(1 for w in set(qwords) if w in wordset) / max(len(set(qwords)), 1)
            bigrams = set(itertools.pairwise(words))
            bigram = len(qbigrams & bigrams) / len(qbigrams) if qbigrams else 0.0
            wc = [cos[i] for i in hs] or [h.dense]
            here = [cos[w.id] for w in self._nearby(s) if w.id in cos and w.id not in hs]
            contrast = max(wc) - max(here) if here else 0.0
            kheld = holds(kind, question, s.text)
            title = self.sentences.articles[s.article_id].title
            tw = set(terms(title))
            feats = [
                1.0 / (rank + 1), h.fused, h.fused - top_fused, h.dense, h.coverage,
                c_s, float(c_s >= best_cov - 1e-9), c_s - best_cov,
                cov(before.text) if before else 0.0, cov(after.text) if after else 0.0,
                plain, bigram,
                max(wc), float(np.mean(wc)), max(wc) - win_best, contrast,
                float(kheld), float(kind != "other"),
                *(float(kind == k and kheld) for k in KINDS if k != "other"),
                math.log1p(len(s.text)), float(s is sents[0] or s.start == h.chunk.start),
                float(any(ch.isdigit() for ch in s.text)),
                len(tw & wordset) / max(len(tw), 1), unknown_share,
            ]
            out.append(Candidate(s, h, rank, np.asarray(feats, dtype=np.float64), kheld))
        return out

    def _nearby(self, s: Sentence) -> list:
        """Windows of the same article that overlap the sentence's neighbourhood."""
        ws = self.sentences.windows(s.article_id)
        return [w for w in ws if w.end > s.start - 600 and w.start < s.end + 600]
