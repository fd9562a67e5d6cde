"""Loading and cleaning articles: formats, metadata, repeats, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import ArticleError
from index.intake.loading import load_article
from index.text.cleaning import clean_text
from tests.conftest import SEED


def test_seed_article_cleaned_once_with_header_metadata() -> None:
    a = load_article(SEED)
    assert a.id == "alibaba-two-speed-economy"
    assert (a.author, a.date) == ("Juliana Liu", "2025-11-28")
    assert a.title.startswith("No other company embodies")
    assert "year before. The unit" not in a.text  # the repeat after it is gone
    assert "year before.The" not in a.text
    assert a.text.count("380 billion yuan ($53.8 billion)") == 1
    assert a.text.count("The unit’s contribution to total sales") == 1
    assert "date 2025-11-28" not in a.text
    assert "  " not in a.text


def test_clean_text_fixes_joins_folds_space_and_drops_repeats() -> None:
    raw = ("Profit rose sharply in the third quarter of the year.Shares jumped   on the news.\n"
           "\n\n  Profit rose sharply in the third quarter of the year. New text here.")
    out = clean_text(raw)
    assert out == ("Profit rose sharply in the third quarter of the year. Shares jumped on the news."
                   "\n\nNew text here.")


def test_clean_text_keeps_abbreviations_and_decimals() -> None:
    out = clean_text("JD.com Inc. paid $4.4 billion to U.S. firms. It grew 3.5%.")
    assert out == "JD.com Inc. paid $4.4 billion to U.S. firms. It grew 3.5%."


def test_markdown_front_matter(tmp_path: Path) -> None:
    p = tmp_path / "tencent-q3.md"
    p.write_text("---\ntitle: Tencent's quarter\nauthor: A. Writer\ndate: 2025-11-13\n"
                 "source: https://example.com/t\n---\n# Heading\n\nTencent spent more. It grew.\n")
    a = load_article(p)
    assert (a.title, a.author, a.date, a.source) == (
        "Tencent's quarter", "A. Writer", "2025-11-13", "https://example.com/t")
    assert a.text == "Tencent spent more. It grew."


def test_markdown_heading_is_title_without_front_matter(tmp_path: Path) -> None:
    p = tmp_path / "x.md"
    p.write_text("# Chip makers rally\n\nShares of chip makers rose on Monday.")
    a = load_article(p)
    assert a.title == "Chip makers rally"
    assert a.text == "Shares of chip makers rose on Monday."


def test_front_matter_that_is_not_yaml_is_ignored_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "bad.md"
    p.write_text("---\ntitle: [unclosed\n---\nBody text of the article is here.")
    a = load_article(p)
    assert a.text == "Body text of the article is here."
    assert any("YAML" in w for w in a.warnings)


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    body = " ".join(f"Meituan said its delivery unit lost money in quarter {i}." for i in range(8))
    p = tmp_path / "meituan.html"
    p.write_text(
        "<html><head><title>Meituan loses - News</title>"
        '<meta name="author" content="Jo Reporter"><meta property="article:published_time" '
        'content="2025-11-20"></head><body><nav>Home | World | Markets | Login</nav>'
        f"<article><h1>Meituan loses</h1><p>{body}</p></article>"
        "<footer>Copyright 2025 Cookie settings</footer></body></html>")
    a = load_article(p)
    assert "delivery unit lost money" in a.text
    assert "Cookie settings" not in a.text and "Login" not in a.text
    assert a.author == "Jo Reporter"
    assert a.date == "2025-11-20"
    assert "Meituan" in a.title


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary")],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ArticleError, match=message) as err:
        load_article(p)
    assert "\n" not in str(err.value)


def test_huge_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    p.write_text("word " * 1000)
    with pytest.raises(ArticleError, match="limit"):
        load_article(p, max_bytes=1000)


def test_non_utf8_is_read_with_a_stated_fallback(tmp_path: Path) -> None:
    p = tmp_path / "latin.txt"
    p.write_bytes("The café’s revenue rose 5 per cent.".encode("cp1252"))
    a = load_article(p)
    assert a.text == "The café’s revenue rose 5 per cent."
    assert any("UTF-8" in w for w in a.warnings)
