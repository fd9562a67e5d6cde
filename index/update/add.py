"""`add_sources`: put new articles (files, uploads, URLs) into the corpus, then index them.

Each source becomes one file in the corpus: a local or uploaded file is copied as
it is; a web page becomes a `.md` with YAML front matter (title, author, date,
source URL) over its main text. An article whose cleaned text is already in the
corpus, under whatever name, is reported and not added. The index is then brought
up to date once for the whole batch, embedding only what is new.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from index.article import Article
from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import ArticleError, NewsqaError, SourceError
from index.intake.corpus_files import place, safe_suffix, slugify, temp_file
from index.intake.fetch import MAX_BYTES, TIMEOUT, fetch_url, short
from index.intake.loading import ARTICLE_SUFFIXES, load_article, parse_html, parse_txt
from index.store.layout import build_lock, index_home
from index.update.build import UpdateReport, scan_corpus, update_index

log = logging.getLogger(__name__)
_ADD_LOCK = threading.Lock()
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# How long `add` waits for a running update (say, the watcher's) before leaving it to it.
LOCK_WAIT = 60.0


@dataclass(frozen=True)
class Upload:
    """An article file received as bytes (a Telegram document): `name` is untrusted."""

    name: str
    data: bytes


Source = str | Path | Upload


@dataclass(frozen=True)
class Added:
    """One article now in the corpus: where it came from and the file it became."""

    source: str
    id: str
    file: str
    title: str


@dataclass
class AddReport:
    """What `add_sources` did with each source, and the index update that followed."""

    added: list[Added] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    update: UpdateReport | None = None
    update_error: str = ""


def add_sources(
    cfg: IndexConfig,
    sources: Iterable[Source],
    *,
    allow_private: bool = False,
    embedder: Embedder | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    lock_wait: float = LOCK_WAIT,
) -> AddReport:
    """Add each source to the corpus (one-line reasons for any refused), then update the index."""
    folder = cfg.corpus_dir
    if not folder.is_dir():
        raise NewsqaError(f"corpus directory {folder} does not exist")
    report = AddReport()
    fetched: list[tuple[str, bytes, str, str]] = []
    for source in sources:  # fetch outside the lock: a slow server must not hold up other adds
        label = _label(source)
        try:
            fetched.append((label, *_read_source(source, allow_private, timeout, max_bytes, cfg)))
        except NewsqaError as exc:
            report.failed.append(_one_line(str(exc)))
    with _ADD_LOCK:  # two adds in one process (the bot's admins) do not race on duplicates
        known = {a.content_hash: a.id for a in scan_corpus(cfg, UpdateReport()).values()} if fetched else {}
        for label, data, suffix, name_hint in fetched:
            try:
                _store(cfg, label, data, suffix, name_hint, known, report)
            except NewsqaError as exc:
                report.failed.append(_one_line(str(exc)))
    if report.added:
        try:
            report.update = update_waiting(cfg, embedder=embedder, wait=lock_wait)
        except NewsqaError as exc:
            report.update_error = _one_line(str(exc))
    return report


def update_waiting(cfg: IndexConfig, *, embedder: Embedder | None = None, wait: float = LOCK_WAIT) -> UpdateReport:
    """`update_index`, waiting (bounded) while another update, e.g. the watcher's, holds the lock."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return update_index(cfg, embedder=embedder)
        except NewsqaError:
            if not _locked(cfg) or time.monotonic() > deadline:
                raise
        time.sleep(0.25)


def _locked(cfg: IndexConfig) -> bool:
    """Whether another update holds the build lock right now."""
    try:
        with build_lock(index_home(cfg)):
            return False
    except NewsqaError:
        return True


def _read_source(
    source: Source, allow_private: bool, timeout: float, max_bytes: int, cfg: IndexConfig
) -> tuple[bytes, str, str]:
    """The bytes to save, their suffix, and a name to build the file name from."""
    if isinstance(source, Upload):
        return _checked_file_bytes(source.data, source.name, cfg)
    text = str(source)
    if isinstance(source, str) and _URL.match(text):
        fetched = fetch_url(text, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
        return _page_markdown(fetched.text, fetched.url, fetched.is_html)
    path = Path(text).expanduser()
    if not path.is_file():
        raise SourceError(f"{short(text)}: no such file (give a file or an http(s) URL)")
    try:
        size = path.stat().st_size
        if size > cfg.max_article_bytes:
            raise SourceError(f"{path.name}: {size:,} bytes is over the {cfg.max_article_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
    return _checked_file_bytes(data, path.name, cfg)


def _checked_file_bytes(data: bytes, name: str, cfg: IndexConfig) -> tuple[bytes, str, str]:
    if Path(name.replace("\\", "/")).suffix.lower() not in ARTICLE_SUFFIXES:
        raise SourceError(f"{short(name)}: only .txt, .md and .html article files can be added")
    if len(data) > cfg.max_article_bytes:
        raise SourceError(f"{short(name)}: {len(data):,} bytes is over the {cfg.max_article_bytes:,}-byte limit")
    stem = Path(name.replace("\\", "/")).stem
    return data, safe_suffix(name), stem


def _page_markdown(text: str, url: str, is_html: bool) -> tuple[bytes, str, str]:
    """A fetched page as a `.md`: YAML front matter, then the page's main text."""
    where = short(url)
    meta, body = parse_html(text, where) if is_html else parse_txt(text)
    meta = {k: " ".join(str(v).split()) for k, v in meta.items() if k in ("title", "author", "date")}
    meta["source"] = url
    front = yaml.safe_dump({k: v for k, v in meta.items() if v}, allow_unicode=True,
                           sort_keys=False, width=1_000_000)
    name = meta.get("title") or _url_name(url)
    return f"---\n{front}---\n\n{body.strip()}\n".encode(), ".md", name


def _url_name(url: str) -> str:
    parts = urlsplit(url)
    last = [p for p in parts.path.split("/") if p]
    return Path(last[-1]).stem if last else (parts.hostname or "article")


def _store(
    cfg: IndexConfig, label: str, data: bytes, suffix: str, name_hint: str,
    known: dict[str, str], report: AddReport,
) -> None:
    """Load the would-be file as the index will, refuse a duplicate, else place it."""
    folder = cfg.corpus_dir
    temp = temp_file(folder, data, suffix)
    try:
        try:
            article: Article = load_article(temp, cfg.max_article_bytes)
        except ArticleError as exc:
            raise SourceError(f"{label}: {str(exc).split(': ', 1)[-1]}") from None
        same = known.get(article.content_hash)
        if same is not None:
            report.duplicates.append(f"{label}: same text as {same!r}, already in the corpus; not added")
            return
        target = place(folder, temp, slugify(name_hint), suffix)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    known[article.content_hash] = target.stem
    report.added.append(Added(label, target.stem, target.name, article.title))
    log.info("added %s as %s", label, target.name)


def _label(source: Source) -> str:
    if isinstance(source, Upload):
        return short(source.name or "upload")
    return short(str(source))


def _one_line(text: str) -> str:
    return " ".join(text.split())


__all__ = ["AddReport", "Added", "Upload", "add_sources", "update_waiting"]
