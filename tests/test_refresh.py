"""A running engine follows new articles without a restart, one snapshot per question,
on either vector store (every test here runs on FAISS and on Milvus Lite)."""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.update.add import Upload, add_sources
from index.update.build import update_index
from qa.answer import Answer
from qa.config import QAConfig
from qa.engine import Engine
from tests.conftest import SEED

MEITUAN = """Title: Meituan narrows losses
date 2025-11-20 By Test Writer

Meituan said its food delivery orders rose 20 per cent in the quarter as the price war with JD.com
and Alibaba continued. The company said losses at its new ventures narrowed to 1.2 billion yuan.
Analysts expect the subsidy war to cost the three companies billions of yuan more next year.
"""
QUESTION = "How much did Meituan's food delivery orders rise?"


class PausingEmbedder:
    """The real model; once armed, its next call waits until released (a question mid-flight)."""

    def __init__(self, real: Embedder) -> None:
        self.real, self.dim, self.name = real, real.dim, real.name
        self.armed = False
        self.entered, self.release = threading.Event(), threading.Event()

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if self.armed:
            self.armed = False
            self.entered.set()
            assert self.release.wait(timeout=60), "never released"
        return self.real.encode(texts, batch_size)


@pytest.fixture
def seeded(store_cfg: IndexConfig, embedder: Embedder) -> IndexConfig:
    shutil.copyfile(SEED, store_cfg.corpus_dir / SEED.name)
    update_index(store_cfg, embedder=embedder)
    return store_cfg


def quoted_ids(answer: Answer) -> set[str]:
    return {q.article_id for q in answer.quotes}


def test_engine_answers_about_an_added_article_without_restart(seeded: IndexConfig, embedder: Embedder) -> None:
    engine = Engine(seeded, QAConfig(), embedder)
    assert "meituan-narrows-losses" not in quoted_ids(engine.ask(QUESTION))
    report = add_sources(seeded, [Upload("Meituan narrows losses.txt", MEITUAN.encode())], embedder=embedder)
    assert [a.id for a in report.added] == ["meituan-narrows-losses"]

    assert engine.refresh() is True  # Engine.ask does not look for a new index by itself
    answer = engine.ask(QUESTION)
    assert not answer.abstained and "meituan-narrows-losses" in quoted_ids(answer)
    assert any("rose 20 per cent" in q.text for q in answer.quotes)
    assert engine.refresh() is False  # nothing newer: cheap, no reload


def test_a_question_is_answered_wholly_from_one_snapshot(seeded: IndexConfig, embedder: Embedder) -> None:
    pausing = PausingEmbedder(embedder)
    engine = Engine(seeded, QAConfig(), pausing)  # type: ignore[arg-type]
    old = engine.snapshot
    question = "What happened to Alibaba's net income?"
    result: list[Answer] = []
    pausing.armed = True
    asker = threading.Thread(target=lambda: result.append(engine.ask(question)), daemon=True)
    asker.start()
    try:
        assert pausing.entered.wait(timeout=60)
        seed_file = seeded.corpus_dir / SEED.name  # publish a new version mid-question, and swap it in
        seed_file.write_text(seed_file.read_text().replace("Net income halved", "Net income fell by half"))
        update_index(seeded, embedder=embedder)
        assert engine.refresh() is True and engine.snapshot is not old
    finally:
        pausing.release.set()
        asker.join(timeout=60)
    assert not asker.is_alive() and result
    answer = result[0]
    assert answer.quotes and any("Net income halved" in q.text for q in answer.quotes)
    for q in answer.quotes:  # every quote is verbatim from the snapshot the question started with
        assert old.articles[q.article_id].text[q.start : q.end] == q.text
    after = engine.ask(question)
    assert any("Net income fell by half" in q.text for q in after.quotes)
    assert not any("Net income halved" in q.text for q in after.quotes)


def test_a_refresh_reads_only_the_new_chunks_and_scores_as_a_fresh_start(
        seeded: IndexConfig, embedder: Embedder) -> None:
    """The next version's BM25 borrows the terms of every chunk it shares with the last one
    (the same lists, not recomputed); its scores match an engine opened from scratch."""
    engine = Engine(seeded, QAConfig(), embedder)
    before = engine._state.retriever
    old_terms = {int(cid): toks for cid, toks in zip(before.ids, before.lexical.tokens, strict=True)}
    add_sources(seeded, [Upload("Meituan narrows losses.txt", MEITUAN.encode())], embedder=embedder)
    assert engine.refresh() is True
    after = engine._state.retriever
    shared = new = 0
    for cid, toks in zip(after.ids, after.lexical.tokens, strict=True):
        if int(cid) in old_terms:
            assert toks is old_terms[int(cid)]
            shared += 1
        else:
            new += 1
    assert shared == len(old_terms) and new > 0
    fresh = Engine(seeded, QAConfig(), embedder)._state.retriever
    assert fresh.lexical.tokens == after.lexical.tokens
    query = ["meituan", "deliveri", "order"]
    rows = range(len(after.ids))
    assert np.allclose(fresh.lexical.scores_of(query, rows), after.lexical.scores_of(query, rows))
    assert fresh.lexical.df == after.lexical.df
