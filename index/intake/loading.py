"""Read an article file (.txt, .md, .html) into an `Article` with cleaned text."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import yaml

from index.article import Article
from index.errors import ArticleError
from index.text.cleaning import clean_text, fold_spaces
from index.text.sentences import sentence_spans

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_TXT_HEADER = re.compile(
    r"^\s*(?:date[:\s]+(?P<date>\d{4}-\d{2}-\d{2}))?\s*(?:by[:\s]+(?P<author>[^\n]+?))?\s*$",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(r"^\s*(title|author|by|date|source|url)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_TITLE_MAX = 160


def is_article_name(name: str) -> bool:
    """An article by its file name: a known suffix, not hidden."""
    return name.lower().endswith(ARTICLE_SUFFIXES) and not name.startswith(".")


def decode(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """UTF-8, else a stated fallback; binary data is refused."""
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{name}: looks like a binary file, not an article")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        enc = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        enc = "latin-1"
    return text, (f"{name}: not valid UTF-8; read as {enc}",)


def load_article(path: Path, max_bytes: int = 5_000_000) -> Article:
    """Load and clean one article file; its id is the file stem."""
    name = path.name
    try:
        stat = path.stat()
        size = stat.st_size
        if size > max_bytes:
            raise ArticleError(f"{name}: {size:,} bytes is over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{name}: cannot read ({exc.strerror or exc})") from None
    text, warnings = decode(data, name)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        meta, body = parse_html(text, name)
    elif suffix in (".md", ".markdown"):
        meta, body, more = parse_markdown(text, name)
        warnings += more
    else:
        meta, body = parse_txt(text)
    article = make_article(path.stem, body, meta, str(path), warnings)
    return replace(article, file_stat=(stat.st_size, stat.st_mtime_ns))


def make_article(
    article_id: str, body: str, meta: dict[str, str], path: str = "", warnings: tuple[str, ...] = ()
) -> Article:
    """Clean the body, choose a title, and refuse an article with no text left."""
    heading = meta.get("title", "")
    if not heading:
        lines = body.lstrip().splitlines()
        first = lines[0] if lines else ""
        m = _MD_HEADING.match(first)
        if m:
            heading = m.group(1)
    cleaned = clean_text(_strip_md_headings(body))
    if not cleaned.strip():
        raise ArticleError(f"{article_id}: no article text found")
    title = fold_spaces(heading) or _first_sentence(cleaned)
    return Article(
        id=article_id,
        text=cleaned,
        title=title[:_TITLE_MAX],
        author=fold_spaces(meta.get("author", "")),
        date=fold_spaces(meta.get("date", "")),
        source=fold_spaces(meta.get("source", "")),
        path=path,
        warnings=warnings,
    )


def parse_txt(text: str) -> tuple[dict[str, str], str]:
    """An optional header: `date 2025-11-28 By Juliana Liu` or `Title: ...` lines."""
    meta: dict[str, str] = {}
    lines = text.lstrip("\ufeff").splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        field = _FIELD_LINE.match(line)
        header = _TXT_HEADER.match(line) if len(line) < 200 else None
        if field:
            key = field.group(1).lower()
            key = {"by": "author", "url": "source"}.get(key, key)
            meta[key] = field.group(2)
        elif header and (header.group("date") or header.group("author")) and (
            header.group("date") or len(line.split()) <= 6
        ):
            if header.group("date"):
                meta["date"] = header.group("date")
            if header.group("author"):
                meta["author"] = header.group("author")
        else:
            break
        i += 1
    return meta, "\n".join(lines[i:])


def parse_markdown(text: str, name: str) -> tuple[dict[str, str], str, tuple[str, ...]]:
    """YAML front matter (`title`, `author`, `date`, `source`), then the body."""
    m = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not m:
        meta, body = parse_txt(text)
        return meta, body, ()
    body = text.lstrip("\ufeff")[m.end():]
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}, body, (f"{name}: front matter is not valid YAML; ignored",)
    if not isinstance(data, dict):
        return {}, body, (f"{name}: front matter is not a YAML mapping; ignored",)
    meta = {k: str(data[k]) for k in ("title", "author", "date", "source") if data.get(k)}
    if "source" not in meta and data.get("url"):
        meta["source"] = str(data["url"])
    return meta, body, ()


def parse_html(html: str, name: str) -> tuple[dict[str, str], str]:
    """Main text and metadata by trafilatura, boilerplate left behind."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None:
        raise ArticleError(f"{name}: no article text found in the HTML")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = data.get("text") or ""
    if not body.strip():
        raise ArticleError(f"{name}: no article text found in the HTML")
    meta = {
        "title": data.get("title") or "",
        "author": data.get("author") or "",
        "date": data.get("date") or "",
        "source": data.get("url") or "",
    }
    return {k: v for k, v in meta.items() if v}, body.replace("\n", "\n\n")


def _strip_md_headings(body: str) -> str:
    return "\n".join(
        "" if _MD_HEADING.match(line) else line for line in body.splitlines()
    )


def _first_sentence(text: str) -> str:
    spans = sentence_spans(text.split("\n\n", 1)[0])
    start, end = spans[0] if spans else (0, len(text))
    return text[start:end]
