"""Retrieval and abstention on the real seed index: score fusion, BM25 settings, and
question words no article uses. Every test that reads the index runs on FAISS and on
Milvus Lite, and the two must rank alike."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.store.milvus_store import release
from index.update.build import update_index
from measure.seed_eval import fold
from qa.answer import Answer
from qa.config import QAConfig
from qa.engine import Engine
from qa.retrieval.lexical import LexicalIndex, StoreLexicon, terms
from qa.retrieval.retrieve import _zscore
from tests.conftest import SEED, STORES, make_corpus, on_store, seed_questions


@pytest.fixture(scope="module")
def seed_cfg(seed_store_cfg: IndexConfig) -> IndexConfig:
    """The seed index, on each store in turn (the shared fixture of that name is FAISS only)."""
    return seed_store_cfg


@pytest.fixture(scope="module")
def engine(seed_cfg: IndexConfig, embedder: Embedder) -> Engine:
    return Engine(seed_cfg, QAConfig(), embedder)


def test_both_stores_rank_the_seed_questions_alike(tmp_path: Path, embedder: Embedder) -> None:
    """The same hits in the same order with the same scores, whichever store holds the vectors."""
    corpus = make_corpus(tmp_path / "corpus", SEED)
    retrievers = []
    for store in STORES:
        cfg = on_store(IndexConfig(corpus_dir=corpus, index_dir=tmp_path / f"index-{store}"), store, tmp_path)
        update_index(cfg, embedder=embedder)
        retrievers.append(Engine(cfg, QAConfig(), embedder)._state.retriever)
    plain, milvus = retrievers
    assert (plain.snapshot.store_kind, milvus.snapshot.store_kind) == STORES
    for row in seed_questions():
        ours, theirs = milvus.search(row["question"], 8), plain.search(row["question"], 8)
        assert [h.chunk.id for h in ours] == [h.chunk.id for h in theirs], row["id"]
        assert np.allclose([h.fused for h in ours], [h.fused for h in theirs], atol=1e-4)
        assert np.allclose([h.dense for h in ours], [h.dense for h in theirs], atol=1e-5)
    release(milvus.snapshot.store.uri)  # type: ignore[union-attr]


def _row(qid: str) -> dict:
    return next(r for r in seed_questions() if r["id"] == qid)


def _quotes_any(answer: Answer, row: dict) -> bool:
    wanted = [fold(s) for s in row["quote_any"]]
    return any(w in fold(q.text) for q in answer.quotes for w in wanted)


def test_retriever_uses_the_configured_bm25_settings(engine: Engine) -> None:
    lexical = engine._state.retriever.lexical
    cfg = QAConfig()
    assert (lexical.k1, lexical.b) == (cfg.bm25_k1, cfg.bm25_b)
    if not isinstance(lexical, StoreLexicon):  # Milvus scores its candidates by these, without bm25s
        assert (lexical.bm25.k1, lexical.bm25.b) == (cfg.bm25_k1, cfg.bm25_b)


def test_the_store_lexicon_scores_as_the_in_memory_bm25(engine: Engine) -> None:
    """On Milvus the retriever scores BM25 from the stored term statistics; on the same
    chunks the scores are those of bm25s over every chunk's text."""
    retriever = engine._state.retriever
    full = LexicalIndex(retriever._texts(), k1=retriever.cfg.bm25_k1, b=retriever.cfg.bm25_b)
    rows = list(range(len(retriever.ids)))
    for question in ("What happened to Alibaba's net income?", "cloud revenue cloud AI spending", "zzz"):
        q = terms(question)
        assert np.allclose(retriever.lexical.scores_of(q, rows), full.scores_of(q, rows), atol=1e-5)
    assert retriever.lexical.df == full.df and retriever.lexical.n == full.n


def test_zscore_is_relative_to_the_reference_and_flat_lists_add_nothing() -> None:
    ref = np.array([1.0, 2.0, 3.0])
    assert np.allclose(_zscore(np.array([2.0, 3.0, 5.0]), ref), [0.0, 1.2247, 3.6742], atol=1e-4)
    assert not _zscore(np.array([4.0]), np.array([1.0, 1.0])).any()
    assert not _zscore(np.array([4.0]), np.array([])).any()


def test_coverage_weighs_words_no_chunk_uses_at_oov_weight() -> None:
    texts = ["Alibaba cloud revenue grew", "Tencent games revenue", "JD.com food delivery"]
    question = terms("Who is Alibaba exactly?")
    assert question == terms("Alibaba exactly")
    full = LexicalIndex(texts, oov_weight=1.0)
    alibaba, exactly = full.idf(terms("Alibaba")[0]), full.idf(terms("exactly")[0])
    assert full.coverage(question, 0) == pytest.approx(alibaba / (alibaba + exactly))
    part = LexicalIndex(texts, oov_weight=0.75)
    assert part.coverage(question, 0) == pytest.approx(alibaba / (alibaba + 0.75 * exactly))
    assert LexicalIndex(texts, oov_weight=0.0).coverage(question, 0) == 1.0
    # A question of nothing but unknown words covers nothing, whatever the weight.
    assert LexicalIndex(texts, oov_weight=0.0).coverage(terms("football World Cup"), 0) == 0.0
    assert math.isclose(part.coverage(question, 1), 0.0)


def test_a_filler_word_the_article_never_uses_does_not_make_it_decline(engine: Engine) -> None:
    """'exactly' is in no chunk; the seed question without it is answered, so is this one."""
    row = _row("q04")
    question = row["question"].rstrip("?") + ", exactly?"
    assert [t for t in terms(question) if t not in engine._state.retriever.lexical.df]
    answer = engine.ask(question)
    assert not answer.abstained
    assert _quotes_any(answer, row), [q.text for q in answer.quotes]


@pytest.mark.parametrize("question", [
    "How many employees does Alibaba have?",
    "What dividend did Alibaba pay shareholders?",
])
def test_a_topical_question_on_words_no_article_uses_is_declined(engine: Engine, question: str) -> None:
    """The article is about Alibaba but says nothing of staff or dividends: only the company
    name is shared, and the unknown word still counts against every passage."""
    assert [t for t in terms(question) if t not in engine._state.retriever.lexical.df]
    answer = engine.ask(question)
    assert answer.abstained and not answer.quotes and not answer.figures


def test_reciprocal_rank_fusion_is_still_available(seed_cfg: IndexConfig, embedder: Embedder) -> None:
    rrf = Engine(seed_cfg, QAConfig(fusion="rrf", candidates=30), embedder)
    for row in seed_questions("quote")[:4]:
        answer = rrf.ask(row["question"])
        assert not answer.abstained and _quotes_any(answer, row), row["id"]
    hits = rrf._state.retriever.search(row["question"], 5)
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)


def test_sentence_coverage_is_that_of_the_best_single_sentence() -> None:
    texts = ["Alibaba grew fast. Its cloud revenue rose.", "Alibaba cloud revenue rose fast.", "JD.com"]
    lex = LexicalIndex(texts)
    question = terms("How did Alibaba's cloud revenue do?")
    assert lex.coverage(question, 0) == pytest.approx(1.0)
    alibaba, cloud, revenue = (lex.idf(t) for t in question)
    expected = max(alibaba, cloud + revenue) / (alibaba + cloud + revenue)
    assert lex.sentence_coverage(question, texts[0]) == pytest.approx(expected)
    assert expected < 1.0
    assert lex.sentence_coverage(question, texts[1]) == pytest.approx(1.0)
    assert lex.sentence_coverage(question, "") == 0.0


@pytest.mark.parametrize("qid", ["q11", "f01", "q07"])
def test_hybrid_hits_are_reranked_by_their_best_sentence(seed_cfg: IndexConfig, embedder: Embedder,
                                                         qid: str) -> None:
    """With a dominant sentence weight the first hit is one whose single sentence holds the
    most question words; with none, the fused order stands. Hits stay in score order and
    come from the best `rerank_pool` of the fused ranking."""
    question = _row(qid)["question"]
    qterms = terms(question)
    heavy = Engine(seed_cfg, QAConfig(sentence_weight=1000.0, rerank_pool=12), embedder)._state.retriever
    hits = heavy.search(question, 10)
    best = [heavy.lexical.sentence_coverage(qterms, h.chunk.text) for h in hits]
    assert best[0] == pytest.approx(max(best))
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)
    unranked = QAConfig(sentence_weight=0.0, kind_weight=0.0)
    plain = Engine(seed_cfg, unranked, embedder)._state.retriever.search(question, 12)
    assert {h.chunk.id for h in hits} <= {h.chunk.id for h in plain}
    assert [h.fused for h in plain] == sorted((h.fused for h in plain), reverse=True)
    if qid != "q07":  # without the bonus these two lead with a passage that scatters the words
        assert plain[0].chunk.id != hits[0].chunk.id


@pytest.mark.parametrize("text", [
    "Alibaba’s cloud revenue grew 34 per cent. JD.com Inc. entered food delivery in February! Its shares rose.",
    "No end punctuation here", "", "   ", "One. Two? Three!",
])
def test_sentence_terms_match_the_terms_of_each_rough_sentence(text: str) -> None:
    from index.text.sentences import rough_sentence_spans
    from qa.retrieval.lexical import sentence_terms
    assert sentence_terms(text) == tuple(frozenset(terms(text[a:b])) for a, b in rough_sentence_spans(text))


@pytest.mark.parametrize(("question", "wants"), [
    ("When was Alibaba founded?", True),
    ("In what year did JD.com enter food delivery?", True),
    ("On what date was the call held?", True),
    ("When B cells begin to replicate, what do their offspring become?", False),
    ("What happens when prices fall?", False),
    ("Who founded Alibaba?", False),
    ("When economic inequality is smaller, more waste and pollution is?", False),
    ("When, exactly, did JD.com enter food delivery?", True),
])
def test_when_questions_are_told_apart(question: str, wants: bool) -> None:
    from qa.retrieval.answer_type import wants_time
    assert wants_time(question) is wants


@pytest.mark.parametrize(("text", "states"), [
    ("In February, JD.com made a surprise entry into food delivery.", True),
    ("Tesla left Graz in 1878.", True),
    ("The per-order loss halved compared to the summer months.", True),
    ("Jack Ma, at the company he co-founded, pledged to invest over three years.", False),
    ("Revenue grew 34 per cent.", False),
    ("Sir Paul Pindar's house, dated c1600, was moved.", True),
    ("The Wianki festival is held on Midsummer's Night.", True),
])
def test_passages_stating_a_time_are_told_apart(text: str, states: bool) -> None:
    from qa.retrieval.answer_type import states_time
    assert states_time(text) is states


@pytest.mark.parametrize(("question", "kind", "holding", "not_holding"), [
    ("When did JD.com enter food delivery?", "time", "It did so in February.", "It did so quickly."),
    ("How many times was Qwen downloaded?", "number", "Qwen was downloaded 300 million times.",
     "Qwen was downloaded often."),
    ("Who co-founded Alibaba?", "name", "It was co-founded by Jack Ma.", "Alibaba was co-founded by a teacher."),
    ("Where is Alibaba based?", "place", "Alibaba is based in Hangzhou.", "Alibaba is based nearby."),
    ("What did Bloomberg Intelligence point out?", None, "", ""),
])
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: str | None,
                                                holding: str, not_holding: str) -> None:
    """The name asked for must be one the question does not already use."""
    from qa.retrieval.answer_type import holds_kind, wanted_kind
    assert wanted_kind(question) == kind
    if kind is not None:
        assert holds_kind(kind, question, holding)
        assert not holds_kind(kind, question, not_holding)


def test_a_passage_holding_the_kind_of_answer_asked_ranks_higher(seed_cfg: IndexConfig,
                                                                  embedder: Embedder) -> None:
    """With a dominant kind bonus every hit holding a time comes before every one without."""
    from qa.retrieval.answer_type import states_time
    question = "When did JD.com enter food delivery?"
    retriever = Engine(seed_cfg, QAConfig(kind_weight=1000.0), embedder)._state.retriever
    timed = [states_time(h.chunk.text) for h in retriever.search(question, 30)]
    assert True in timed and False in timed
    assert timed == sorted(timed, reverse=True)


def test_a_when_question_needs_a_passage_that_states_a_time(engine: Engine) -> None:
    """Every word of "When was Alibaba founded?" is in the sentence on Jack Ma, who
    "co-founded" it; that sentence names no time, so the bot declines."""
    assert engine.ask("Who co-founded Alibaba?").abstained is False
    answer = engine.ask("When was Alibaba founded?")
    assert answer.abstained and not answer.quotes
    assert not engine.ask(_row("q06")["question"]).abstained  # "In February, JD.com ..."


def test_a_question_quoting_a_stated_amount_is_answered_from_its_passage(engine: Engine) -> None:
    answer = engine.ask("How much is 380 billion yuan in US dollars?")
    assert not answer.abstained
    assert "380 billion yuan ($53.8 billion)" in answer.quotes[0].text
    unstated = engine.ask("How much is 999 billion yuan in US dollars?")
    # an amount the article never states: declined, or converted at the article's own rate with its source named
    assert unstated.abstained or all("380 billion yuan" in f.note and f.inputs for f in unstated.figures)


@pytest.mark.parametrize(("question", "noun"), [
    ("How many customers does Alibaba's cloud have?", "customers"),
    ("how many times has Qwen been downloaded?", None),
    ("How many more people than families?", None),
    ("How much revenue did Tencent report?", None),
])
def test_the_counted_noun_of_a_how_many_question(question: str, noun: str | None) -> None:
    from qa.retrieval.answer_type import counted_noun
    assert counted_noun(question) == noun


def test_a_count_of_something_no_article_mentions_is_declined(engine: Engine) -> None:
    """The cloud passage is close in meaning, but no article counts customers; the same
    question about a thing the article does count is answered."""
    assert "custom" not in engine._state.retriever.lexical.df
    assert engine.ask("How many customers does Alibaba's cloud have?").abstained
    assert not engine.ask(_row("q09")["question"]).abstained  # "How many times ... downloaded"


def test_answer_framing_and_function_words_do_not_count_in_coverage() -> None:
    """A passage that answers "What type of launch ...?" need not say "type"."""
    from qa.retrieval.lexical import coverage_terms
    lex = LexicalIndex(["The Apollo 1 launch was a plugs-out test", "His name was Tesla", "Graz"])
    assert coverage_terms("What type of launch was happening during Apollo 1?") == terms("launch happening Apollo 1")
    assert lex.coverage(coverage_terms("What type of launch was it, if any, and where?"), 0) == 1.0
    # Words with content in NLTK's list stay, and a word is judged as written, not as stemmed.
    assert coverage_terms("Who won the primary in Maine, up or down?") == terms("won primary Maine up down")
    # A question of nothing but such words is weighed on them, not on nothing.
    assert lex.coverage(coverage_terms("What was the name?"), 1) == 1.0
    assert lex.coverage(coverage_terms("What was the name?"), 2) == 0.0


def test_a_misspelt_word_no_article_uses_counts_as_the_word_one_edit_away() -> None:
    lex = LexicalIndex(["The new constitution changed the courts", "The share fell", "The shore was wet",
                        "A cap", "The rate was 12.35 percent", "Roland Garros tennis"])
    assert lex.coverage(terms("What did the new consitution change?"), 0) == 1.0
    # A word some article uses is never taken for a typo of another one.
    assert lex.coverage(terms("share"), 2) == 0.0
    # Nor is a short word, where one edit makes another word,
    assert lex.coverage(terms("cup"), 3) == 0.0
    # a number, or a word that starts with another letter.
    assert lex.coverage(terms("rate 12.34"), 4) == pytest.approx(
        lex.idf("rate") / (lex.idf("rate") + lex.oov_weight * lex.idf("12.34")))
    assert lex.coverage(terms("Poland"), 5) == 0.0
    assert lex.sentence_coverage(terms("consitution"), "Its constitution. Other things.") == 1.0


@pytest.mark.parametrize(("a", "b", "apart"), [
    ("consitut", "constitut", True), ("constitut", "consitut", True), ("genghi", "ghengi", False),
    ("shore", "share", True), ("recieve", "receive", True), ("abcd", "abdc", True),
    ("share", "share", False), ("share", "shares", True), ("sharp", "shore", False),
    ("abcd", "xbcdy", False), ("abc", "bca", False),
])
def test_one_edit_apart(a: str, b: str, apart: bool) -> None:
    from qa.retrieval.lexical import one_edit_apart
    assert one_edit_apart(a, b) is apart


def test_unknown_terms_are_the_question_terms_no_article_uses() -> None:
    from qa.retrieval.lexical import coverage_terms
    lex = LexicalIndex(["Alibaba revenue grew", "Tencent"])
    assert lex.unknown_terms(coverage_terms("What type of share price does Alibaba have?")) == terms("share price")
    assert lex.unknown_terms(coverage_terms("What was Alibaba's revenue?")) == []
    # A misspelling of a known word of five letters or more is taken as known, whatever
    # its first letter; a short word one edit from a known one is not.
    assert lex.unknown_terms(terms("Alibaba revenue")) == []
    assert lex.unknown_terms(terms("Alibba rvenue")) == []
    assert lex.unknown_terms(terms("Tencet Tencents Tenant")) == terms("Tenant")
    assert lex.unknown_terms(terms("glow")) == terms("glow")
    # An irregular verb's forms are one term: "grew" is known as "grow" and "grown".
    assert lex.unknown_terms(terms("grow grown")) == []


def test_a_question_of_known_words_is_answered_by_a_less_close_passage() -> None:
    """Cosine 0.45 suffices when every question word is in the articles; 0.55 otherwise."""
    from index.article import Chunk
    from qa.engine import supports
    from qa.retrieval.retrieve import Hit
    chunk = Chunk(id=0, article_id="a", start=0, end=5, text="Graz.")
    assert supports(Hit(chunk, 1.0, 0.5, 0.4), known_words=True)
    assert not supports(Hit(chunk, 1.0, 0.5, 0.4), known_words=False)
    assert supports(Hit(chunk, 1.0, 0.56, 0.4), known_words=False)
    assert not supports(Hit(chunk, 1.0, 0.4, 0.4), known_words=True)
    assert not supports(Hit(chunk, 1.0, 0.9, 0.3), known_words=True)
    assert supports(Hit(chunk, 1.0, 0.0, 0.55), known_words=False)
    # Three or more known words: coverage 0.45 at cosine 0.40 is a step of its own.
    assert supports(Hit(chunk, 1.0, 0.41, 0.46), known_words=True, words=3)
    assert not supports(Hit(chunk, 1.0, 0.41, 0.46), known_words=True, words=2)  # "price of Qwen"
    assert not supports(Hit(chunk, 1.0, 0.41, 0.46), known_words=False, words=3)
    assert not supports(Hit(chunk, 1.0, 0.35, 0.54), known_words=True, words=3)  # "revenue ... Tencent"


def test_a_passage_far_ahead_of_the_rest_is_answered_whatever_its_coverage() -> None:
    from index.article import Chunk
    from qa.engine import STANDOUT_FUSED, supports
    from qa.retrieval.retrieve import Hit
    chunk = Chunk(id=0, article_id="a", start=0, end=5, text="Graz.")
    assert supports(Hit(chunk, STANDOUT_FUSED, 0.1, 0.1), known_words=False)
    assert not supports(Hit(chunk, STANDOUT_FUSED - 0.01, 0.1, 0.1), known_words=True)
