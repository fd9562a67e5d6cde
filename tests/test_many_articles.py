"""Several articles: citations name theirs, a named article is preferred, mixed figures say so."""

from __future__ import annotations

import shutil

import pytest

from index.config import IndexConfig
from index.embedder import Embedder
from index.update.build import update_index
from qa.config import QAConfig
from qa.engine import Engine
from tests.conftest import SEED

TENCENT = """date 2025-11-14 By Test Writer

Tencent Holdings said revenue rose 15 per cent to 193 billion yuan in the third quarter.
Its games business grew faster than analysts expected. Tencent's capital expenditure reached
13 billion yuan in the quarter, mostly on servers for artificial intelligence.
"""


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    root = tmp_path_factory.mktemp("two")
    (root / "corpus").mkdir()
    shutil.copyfile(SEED, root / "corpus" / SEED.name)
    (root / "corpus" / "tencent-quarter.txt").write_text(TENCENT)
    cfg = IndexConfig(corpus_dir=root / "corpus", index_dir=root / "index")
    update_index(cfg, embedder=embedder)
    return Engine(cfg, QAConfig(), embedder)


@pytest.mark.parametrize(("question", "article"), [
    ("In the Tencent piece, what happened to capital expenditure?", "tencent-quarter"),
    ("In the Alibaba article, what happened to capital expenditure?", SEED.stem),
])
def test_a_named_article_leads(two: Engine, question: str, article: str) -> None:
    answer = two.ask(question)
    assert not answer.abstained
    assert answer.quotes[0].article_id == article


def test_every_quote_names_its_article(two: Engine) -> None:
    answer = two.ask("What do the articles say about capital expenditure?", top_k=5, padding=True)
    titles = {a.id: a.title for a in two.articles()}
    assert len(answer.quotes) == 5 and {q.article_id for q in answer.quotes} <= set(titles)
    for q in answer.quotes:
        assert q.title == titles[q.article_id]
        assert two.snapshot.articles[q.article_id].text[q.start : q.end] == q.text


def test_figures_from_two_articles_say_so(two: Engine) -> None:
    answer = two.ask("What is Tencent's capital expenditure in dollars?")
    assert answer.figures
    f = answer.figures[0]
    assert {i.article_id for i in f.inputs} == {"tencent-quarter", SEED.stem}
    assert "different article" in f.note
    assert "yuan per dollar" in f.formula
