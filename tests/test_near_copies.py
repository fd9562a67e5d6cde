"""Syndicated copies: the same story as a web page and as Markdown, or under another
headline, is reported and indexed once; a different story on the same subject is not
mistaken for one; candidates come from LSH bands, not from every article."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from index.config import IndexConfig
from index.embedder import Embedder
from index.store.snapshot import IndexSnapshot
from index.update import near_copies
from index.update.add import add_sources
from index.update.build import update_index
from index.update.near_copies import CopyFinder, signature, similarity

STORY = [
    "Shares of the port operator rose 4 per cent on Tuesday after it agreed to buy a rival terminal in Rotterdam.",
    "The deal values the terminal at 1.8 billion euros, including debt, and is expected to close next spring.",
    "Chief executive Maria Jansen said the purchase would lift container capacity by a fifth within two years.",
    "Analysts at two banks said the price was high but the terminal's long contracts made the earnings steady.",
    "Dock workers' unions asked for talks on jobs, and the company said no terminal staff would be laid off.",
    "Competition regulators in Brussels must approve the deal, which joins two of the five largest terminals.",
    "The operator has spent more than 4 billion euros on acquisitions since 2021, mostly in northern Europe.",
]
OTHER = [
    "A rival port operator said on Tuesday its quarterly profit fell 12 per cent as shipping volumes slowed.",
    "Container traffic through its terminals dropped for a third quarter while costs for energy kept rising.",
    "The company cut its forecast for the year and said it would delay two expansion projects in Hamburg.",
    "Its chief financial officer said the slowdown in trade with Asia was the main reason for the weaker results.",
    "Shares fell 6 per cent in early trading in Amsterdam, their lowest level since the spring of 2023.",
]

HTML = """<html><head><title>Port operator buys Rotterdam terminal</title>
<meta name="author" content="Ana Ruiz"></head><body><nav>Home | Markets | Ports</nav><article>
<h1>Port operator buys Rotterdam terminal</h1><p>By Ana Ruiz</p>
{body}
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def html_copy() -> str:
    return HTML.format(body="\n".join(f"<p>{s}</p>" for s in STORY))


def markdown_copy() -> str:
    """The wire story under another headline and byline, one word changed by the copy desk."""
    body = list(STORY)
    body[2] = body[2].replace("lift", "raise")
    return ("---\ntitle: Dutch terminal changes hands in 1.8 billion euro deal\nauthor: Wire Desk\n"
            "date: 2025-03-04\n---\n\n" + "\n\n".join(body) + "\n")


def plain(title: str, sentences: list[str]) -> str:
    return f"Title: {title}\ndate 2025-03-04 By Staff\n\n" + " ".join(sentences) + "\n"


def test_signatures_estimate_similarity() -> None:
    a, b = " ".join(STORY), " ".join(STORY[:-1])
    assert similarity(signature(a), signature(a)) == 1.0
    assert similarity(signature(a), signature(b)) > 0.75
    assert similarity(signature(a), signature(" ".join(OTHER))) < 0.1


def test_a_page_and_its_markdown_copy_are_indexed_once(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    corpus = fresh_cfg.corpus_dir
    (corpus / "port-deal.html").write_text(html_copy())
    (corpus / "other-port.txt").write_text(plain("Rival port profit falls", OTHER))
    first = update_index(fresh_cfg, embedder=embedder)
    assert sorted(first.added) == ["other-port", "port-deal"] and not first.near_copies
    (corpus / "wire-terminal.md").write_text(markdown_copy())
    report = update_index(fresh_cfg, embedder=embedder)
    assert not report.added and not report.changed_anything
    [copy] = report.near_copies
    assert (copy.article_id, copy.of) == ("wire-terminal", "port-deal") and copy.similarity >= 0.8
    assert any("wire-terminal.md: a near copy of 'port-deal'" in s for s in report.skipped)
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {"other-port", "port-deal"}
    r = CliRunner().invoke(cli, ["index", "update"], env={"NEWSQA_CORPUS_DIR": str(corpus),
                                                          "NEWSQA_INDEX_DIR": str(fresh_cfg.index_dir)})
    assert r.exit_code == 0 and "a near copy of 'port-deal'" in r.stderr


def test_two_copies_arriving_together_keep_the_first(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    (fresh_cfg.corpus_dir / "a-port-deal.html").write_text(html_copy())
    (fresh_cfg.corpus_dir / "b-wire.md").write_text(markdown_copy())
    report = update_index(fresh_cfg, embedder=embedder)
    assert report.added == ["a-port-deal"] and [c.of for c in report.near_copies] == ["a-port-deal"]


def test_add_reports_a_near_copy(fresh_cfg: IndexConfig, embedder: Embedder, tmp_path: Path) -> None:
    (fresh_cfg.corpus_dir / "port-deal.html").write_text(html_copy())
    update_index(fresh_cfg, embedder=embedder)
    source = tmp_path / "Dutch terminal.md"
    source.write_text(markdown_copy())
    report = add_sources(fresh_cfg, [source], embedder=embedder)
    assert report.update is not None and [c.of for c in report.update.near_copies] == ["port-deal"]
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {"port-deal"}


def test_threshold_setting_and_off(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    (fresh_cfg.corpus_dir / "port-deal.html").write_text(html_copy())
    (fresh_cfg.corpus_dir / "wire.md").write_text(markdown_copy())
    strict = fresh_cfg.model_copy(update={"near_duplicate_threshold": 0.99})
    assert sorted(update_index(strict, embedder=embedder).added) == ["port-deal", "wire"]
    off = fresh_cfg.model_copy(update={"near_duplicate_threshold": 0.0})
    (fresh_cfg.corpus_dir / "again.md").write_text(markdown_copy().replace("Wire Desk", "Desk"))
    assert update_index(off, embedder=embedder).added == ["again"]


def test_candidates_come_from_shared_bands_not_every_article(fresh_cfg: IndexConfig, embedder: Embedder,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    words = [f"w{i}" for i in range(3000)]
    rng = random.Random(0)
    for i in range(200):
        (fresh_cfg.corpus_dir / f"n{i:03d}.txt").write_text(plain(f"N {i}", [" ".join(rng.choices(words, k=60))]))
    (fresh_cfg.corpus_dir / "port-deal.html").write_text(html_copy())
    update_index(fresh_cfg.model_copy(update={"near_duplicate_threshold": 0.0}), embedder=embedder)
    snap = IndexSnapshot.open(fresh_cfg)
    compared: list[str] = []
    real = near_copies.similarity
    monkeypatch.setattr(near_copies, "similarity", lambda a, b: compared.append("x") or real(a, b))
    db = sqlite3.connect(next(snap.version.glob("s-*/meta.sqlite")))
    try:
        finder = CopyFinder([(db, set())], 0.8)
        _sig, copy = finder.check("wire", " ".join(STORY))
        assert copy is not None and copy.of == "port-deal"
        assert len(compared) < 10  # of 201 indexed articles
    finally:
        db.close()
