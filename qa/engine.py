"""The question-answering engine: one index snapshot, one model, one `ask`.

`ask` is CPU-bound and synchronous; the bot calls it from a worker thread.
`refresh` swaps in a newly published index between questions, atomically: each
question is answered from the snapshot it started with.
"""

from __future__ import annotations

import html
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from index.config import IndexConfig
from index.embedder import Embedder, get_embedder
from index.errors import QuestionError
from index.quantities.extract import extract_quantities
from index.quantities.quantity import Quantity
from index.store.layout import current_version, index_home
from index.store.metadata import ArticleInfo
from index.store.snapshot import IndexSnapshot
from qa.answer import Answer, Figure
from qa.compose import SUPPORT_RATIO, abstain, compose, lead_quotes, select_quotes
from qa.config import QAConfig, RetrievalMode
from qa.figures.compute import asks_for_figure, compute_figures, describe_figure
from qa.lead.features import CandidateReader
from qa.lead.reading import Reader, Reading
from qa.lead.sentences import ArticleSentences
from qa.lead.verdict import NOTES, Evidence, failed_checks, quotes_the_person_asked
from qa.names import names_all, question_names
from qa.retrieval.answer_type import counted_noun, states_time, wants_time
from qa.retrieval.encode_cache import EncodeCache
from qa.retrieval.lexical import LexicalIndex, coverage_terms, terms
from qa.retrieval.retrieve import Hit, Retriever

_TAG = re.compile(r"<[^>]{0,200}>")
_SCRIPT = re.compile(r"<(script|style)\b[^>]{0,200}>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)

# Abstention, calibrated on ../shared/eval/seed_article.jsonl (`newsqa eval` prints it).
# A passage answers when it shares most of the question's rarer words (IDF-weighted
# coverage >= 0.55: "What is involution?" scores cosine 0.09 yet coverage 1.0), or when
# it is close in meaning (cosine of all-MiniLM-L6-v2) and shares a good part of them
# (coverage >= 0.35: "How fast did ... revenue grow?" vs "... grew 34 per cent").
# Coverage leaves out function words and answer-framing words ("What type of ...").
# How close is close depends on the question's words. A word no article uses says the
# thing asked may be absent, so the passage must be close (cosine >= 0.55): "What is
# Alibaba's share price?" (the article never says "share") matches "price wars" at
# cosine 0.52, coverage 0.51 and is declined; so is "World Cup" (no match at all). When
# every word is in the articles (a misspelling of one counts), cosine >= 0.45 is enough,
# and with three or more such words so is coverage 0.45 at cosine 0.40 ("revenue ...
# Tencent", cosine 0.35 and coverage 0.54, is still declined).
# A passage far ahead of every other candidate (fused score >= 5.4: cosine and BM25
# z-scores and re-ranking bonuses summed, see qa/retrieve.py) answers too.
# On SQuAD dev (48 articles; 95% of its 10,570 questions use only known words) the
# stairs and the fused-score route bring false declines from 6.3% to 2.5% (hit@3 0.886
# -> 0.930), while of 1,000 questions whose own paragraph is removed (unanswerable, on
# topic) 72% are answered instead of 56%. Without the 0.45/0.40 step 70% of them were
# answered, but hit@3 was 0.927: the goal then was 0.93, and a passage shown for a
# question it does not answer is still quoted verbatim and cited, never made up.
# (coverage, cosine) a passage must both reach, any step of the stair will do.
KNOWN_WORDS_STEPS = ((0.55, -1.0), (0.35, 0.45))
UNKNOWN_WORD_STEPS = ((0.55, -1.0), (0.35, 0.55))
# One more step when every word is known and there are enough of them: with two, sharing
# one is coverage 0.5 ("What is the price of Qwen?" vs the Qwen passage, cosine 0.43).
MANY_KNOWN_WORDS_STEP = (0.45, 0.40)
MANY_WORDS = 3
STANDOUT_FUSED = 5.4
# Below this cosine no passage is on topic, and no figure is computed either.
FIGURE_MIN_COSINE = 0.20


@dataclass(frozen=True)
class _State:
    snapshot: IndexSnapshot
    retriever: Retriever
    reader: Reader


class Engine:
    """Answers questions from the published index of one corpus."""

    def __init__(self, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder) -> None:
        self.index_cfg = index_cfg
        self.qa_cfg = qa_cfg
        self.embedder = embedder
        self._lock = threading.Lock()
        self._encode_clauses = EncodeCache(embedder.encode)
        self._state = self._load(IndexSnapshot.open(index_cfg))

    @classmethod
    def open(cls, index_cfg: IndexConfig, qa_cfg: QAConfig) -> Engine:
        return cls(index_cfg, qa_cfg, get_embedder(index_cfg.model))

    def _load(self, snapshot: IndexSnapshot, previous: _State | None = None) -> _State:
        lender = previous.retriever if previous is not None else None
        retriever = Retriever(snapshot, self.embedder, self.qa_cfg, previous=lender)
        sentences = ArticleSentences(snapshot.chunks, snapshot.articles)
        reader = Reader(CandidateReader(sentences, retriever.lexical, snapshot.store))
        return _State(snapshot, retriever, reader)

    @property
    def snapshot(self) -> IndexSnapshot:
        return self._state.snapshot

    def refresh(self) -> bool:
        """Swap in a newer published index, if any. Cheap when there is none."""
        latest = current_version(index_home(self.index_cfg))
        if latest is None or latest == self._state.snapshot.version:
            return False
        with self._lock:
            if latest != self._state.snapshot.version:
                self._state = self._load(IndexSnapshot.open_version(latest), self._state)
        return True

    def articles(self) -> list[ArticleInfo]:
        return self._state.snapshot.article_infos()

    def close(self) -> None:
        """Nothing to release yet beyond memory; kept for the bot's post_shutdown."""

    def ask(
        self, question: str, top_k: int | None = None, mode: RetrievalMode | None = None,
        focus: str | None = None, padding: bool = False,
    ) -> Answer:
        """Answer one question with quotes, figures, or a plain abstention.

        `focus`, an article id (a conversation's article in focus), ranks that article's
        passages first unless the question names another article. `padding`: up to
        `top_k` passages whether or not they support the lead (a reader asking for more).
        """
        query = self.check_question(question)
        state = self._state
        k = top_k or self.qa_cfg.top_k
        qvec = self.embedder.encode([query])[0]
        hits = state.retriever.search(query, max(k * 3, 10), mode=mode, qvec=qvec, focus=focus)
        figures = []
        if hits and hits[0].dense >= FIGURE_MIN_COSINE and asks_for_figure(query):
            texts = {h.chunk.article_id: state.snapshot.articles[h.chunk.article_id].text for h in hits}
            figures = compute_figures(query, self._quantities(state, hits, question_names(query)),
                                      self._encode_clauses, texts)
        stairs = answerable(query, hits, state.snapshot.quantities, state.retriever.lexical)
        fitted = self.qa_cfg.abstention == "fitted"
        reading = state.reader.read(query, qvec, hits, judge=fitted, stairs=stairs,
                                    passages=len(hits) if padding else 5) if hits else Reading()
        failed: list[str] = []
        if fitted:
            evidence = Evidence(query, reading, state.retriever.lexical, state.snapshot.articles)
            if reading.answers:
                failed = failed_checks(evidence)
            answers = (reading.answers and not failed) or quotes_the_person_asked(evidence) or any(
                _states(h, state.snapshot.quantities, asked) for asked in _quoted_numbers(query) for h in hits[:5])
        else:
            answers = stairs
        if not figures and not answers:
            return abstain(question, query, reading, state.snapshot.articles,
                           note=NOTES.get(failed[0], "") if failed else "")
        if self.qa_cfg.lead:
            quotes = lead_quotes(reading, figures, state.snapshot.articles, k, self.qa_cfg.max_quote_chars,
                                 support_ratio=0.0 if padding else SUPPORT_RATIO,
                                 names=() if padding else question_names(query))
        else:
            quotes = select_quotes(evidence_first(hits, figures), state.snapshot.articles, k,
                                   self.qa_cfg.max_quote_chars)
        return compose(question, quotes, figures, describe_figure)

    def read(self, question: str, rank: bool = True, k: int = 10) -> tuple[list[Hit], Reading]:
        """The hits and their reading for a question, not judged (and with `rank` false,
        candidates only): what the scorers are fitted on (measure/fit_lead.py)."""
        query = self.check_question(question)
        state = self._state
        qvec = self.embedder.encode([query])[0]
        hits = state.retriever.search(query, k, qvec=qvec)
        if not hits:
            return hits, Reading()
        if not rank:
            return hits, Reading(candidates=state.reader.cands.candidates(query, qvec, hits))
        stairs = answerable(query, hits, state.snapshot.quantities, state.retriever.lexical)
        return hits, state.reader.read(query, qvec, hits, judge=False, stairs=stairs)

    def check_question(self, question: str) -> str:
        """The question as retrieval should see it, or a QuestionError."""
        text = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", question or ""))).strip()
        if not text:
            raise QuestionError("the question is empty")
        limit = self.qa_cfg.max_question_chars
        if len(question) > limit:
            raise QuestionError(f"the question is {len(question):,} characters; the limit is {limit:,}")
        if not any(ch.isalnum() for ch in text):
            raise QuestionError("the question has no words in it")
        return " ".join(text.split())

    @staticmethod
    def _quantities(state: _State, hits: list[Hit], names: Sequence[str] = ()) -> list[tuple[str, Quantity]]:
        """Quantities of the articles retrieval found, most relevant article first; with
        `names`, only of the articles naming them all (Kronberg's profit is not TimeWarner's)."""
        order = list(dict.fromkeys(h.chunk.article_id for h in hits))
        if names:
            articles = state.snapshot.articles
            order = [aid for aid in order if names_all(names, articles[aid].title, articles[aid].text)]
        return [
            (aid, Quantity.from_dict(d))
            for aid in order
            for d in state.snapshot.quantities.get(aid, [])
        ]


def evidence_first(hits: list[Hit], figures: list[Figure]) -> list[Hit]:
    """Passages holding a figure's quoted inputs lead, so the reader sees them in context."""
    spans = [(i.article_id, i.start, i.end) for f in figures for i in f.inputs if i.start is not None]

    def holds_input(h: Hit) -> bool:
        c = h.chunk
        return any(a == c.article_id and c.start <= s and e <= c.end for a, s, e in spans)  # type: ignore[operator]

    return sorted(hits, key=lambda h: not holds_input(h))


def supports(hit: Hit, known_words: bool = False, words: int = MANY_WORDS) -> bool:
    """Whether one passage plausibly answers the question (see the calibration above);
    `known_words`: every word of the question occurs in some article; `words`: how many
    distinct content words it has."""
    steps = KNOWN_WORDS_STEPS if known_words else UNKNOWN_WORD_STEPS
    if known_words and words >= MANY_WORDS:
        steps = (*steps, MANY_KNOWN_WORDS_STEP)
    return hit.fused >= STANDOUT_FUSED or any(
        hit.coverage >= coverage and hit.dense >= cosine for coverage, cosine in steps
    )


def answerable(question: str, hits: list[Hit], quantities: dict[str, list[dict]],
               lexical: LexicalIndex) -> bool:
    """Whether a leading passage answers: it passes `supports`, states a time when the
    question asks when, and the articles use the noun a "how many" question counts; or it
    states a number the question quotes ("How much is 380 billion yuan in dollars?" is
    about the passage saying "380 billion yuan ($53.8 billion)")."""
    top = hits[:5]
    timed = wants_time(question)
    cterms = coverage_terms(question)
    known_words, words = not lexical.unknown_terms(cterms), len(set(cterms))
    noun = counted_noun(question)
    counted = noun is None or not lexical.unknown_terms(terms(noun))
    if counted and any(supports(h, known_words, words) and (not timed or states_time(h.chunk.text)) for h in top):
        return True
    return any(_states(h, quantities, asked) for asked in _quoted_numbers(question) for h in top)


def _quoted_numbers(question: str) -> list[Quantity]:
    """Amounts with a unit that the question itself states: "380 billion yuan", "16%"."""
    return [q for q in extract_quantities(question) if q.unit and math.isfinite(q.value)]


def _states(hit: Hit, quantities: dict[str, list[dict]], asked: Quantity) -> bool:
    c = hit.chunk
    return any(
        c.start <= d["start"] and d["end"] <= c.end and d["unit"] == asked.unit
        and math.isclose(d["value"], asked.value, rel_tol=1e-9)
        for d in quantities.get(c.article_id, [])
    )
