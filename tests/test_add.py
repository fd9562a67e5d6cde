"""`add_sources` and `newsqa add`: files, uploads and URLs into a real corpus and index.

URLs are served by a small HTTP server on 127.0.0.1 that the tests start; nothing
else is reached. Embedded chunks are counted to show unchanged articles stay put.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import NewsqaError, SourceError
from index.intake.corpus_files import slugify
from index.intake.fetch import check_url, fetch_url, is_public
from index.store.layout import build_lock, index_home
from index.store.snapshot import IndexSnapshot
from index.update.add import Upload, add_sources
from index.update.build import update_index
from tests.conftest import SEED
from tests.test_index_build import OTHER, CountingEmbedder

ARTICLE_HTML = """<!doctype html><html><head><title>Tencent games lift profit | Example News</title>
<meta name="author" content="Test Writer">
<meta property="article:published_time" content="2025-11-14T08:00:00Z">
<meta property="og:title" content="Tencent games lift profit"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<header><p>Subscribe to our newsletter for daily updates!</p></header>
<article><h1>Tencent games lift profit</h1>
<p>Tencent Holdings said revenue rose 15 per cent to 193 billion yuan in the third quarter.
Its games business grew faster than analysts expected.</p>
<p>The company spent 13 billion yuan on capital expenditure in the quarter, mostly on servers
for artificial intelligence. Executives said spending would rise again next year.</p>
</article>
<footer><p>Copyright 2025 Example News. All rights reserved. Privacy policy. Cookie settings.</p></footer>
</body></html>"""

EVIL_HTML = """<html><head><title>../../etc/passwd</title></head><body><article>
<p>Meituan reported that its food delivery orders rose 20 per cent in the quarter as price
competition with JD.com and Alibaba continued. The company said losses narrowed.</p>
<p>Analysts expect the subsidy war to cost the three companies billions of yuan more.</p>
</article></body></html>"""

HUGE = 50_000_000


class _Handler(BaseHTTPRequestHandler):
    """Routes for each case; `sent` counts the bytes of the 50 MB page actually written."""

    sent = 0
    release = threading.Event()

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _send(self, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/article":
            self._send(200, "text/html; charset=utf-8", ARTICLE_HTML.encode())
        elif path == "/evil":
            self._send(200, "text/html", EVIL_HTML.encode())
        elif path == "/plain.txt":
            self._send(200, "text/plain; charset=utf-8", OTHER.replace("Tencent", "NetEase").encode())
        elif path == "/binary":
            self._send(200, "application/octet-stream", b"\x00\x01" * 100)
        elif path == "/image.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        elif path == "/slow":
            type(self).release.wait(timeout=10)  # bounded: the test releases it or it gives up
            self._send(200, "text/html", ARTICLE_HTML.encode())
        elif path == "/huge":
            self._huge()
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
        elif path == "/trickle":
            self._trickle()
        elif path == "/redirect":
            self._send(302, "text/html", b"", {"Location": "/article"})
        elif path == "/loop":
            self._send(302, "text/html", b"", {"Location": "/loop"})
        elif path == "/to-file":
            self._send(302, "text/html", b"", {"Location": "file:///etc/passwd"})
        else:
            self._send(404, "text/html", b"<h1>not found</h1>")

    def _trickle(self) -> None:
        """A byte every 0.2 s: never idle long enough for a read timeout, yet never done."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                if type(self).release.wait(0.2):
                    return

    def _huge(self) -> None:
        """50 MB of HTML, streamed without a Content-Length, so only reading can stop it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        block = b"<p>" + b"x" * 65_530 + b"</p>"
        try:
            while type(self).sent < HUGE:
                self.wfile.write(block)
                type(self).sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (the size limit, the timeout) is the point


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 in a thread; its base URL."""
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def corpus_files(cfg: IndexConfig) -> list[str]:
    return sorted(p.name for p in cfg.corpus_dir.iterdir())


def test_add_file_duplicate_url_delete_change(
    fresh_cfg: IndexConfig, embedder: Embedder, server: str, tmp_path: Path
) -> None:
    counter = CountingEmbedder(embedder)
    emb = counter  # the real model, counting
    first = add_sources(fresh_cfg, [SEED], embedder=emb)  # type: ignore[arg-type]
    assert [a.id for a in first.added] == [SEED.stem] and not first.failed
    assert first.update is not None and counter.count == first.update.chunks_embedded > 0
    seed_chunks = counter.count

    renamed = tmp_path / "some-other-name.md"
    renamed.write_text(SEED.read_text())
    dup = add_sources(fresh_cfg, [renamed], embedder=emb)  # type: ignore[arg-type]
    assert not dup.added and len(dup.duplicates) == 1 and SEED.stem in dup.duplicates[0]
    assert corpus_files(fresh_cfg) == [SEED.name] and counter.count == seed_chunks

    web = add_sources(fresh_cfg, [f"{server}/article"], allow_private=True, embedder=emb)  # type: ignore[arg-type]
    assert len(web.added) == 1, web.failed
    added = web.added[0]
    assert added.file == "tencent-games-lift-profit.md" and web.update is not None
    assert web.update.added == [added.id] and web.update.unchanged == [SEED.stem]
    assert counter.count == seed_chunks + web.update.chunks_embedded  # the seed was not re-embedded
    snap = IndexSnapshot.open(fresh_cfg)
    art = snap.articles[added.id]
    assert (art.title, art.author, art.date) == ("Tencent games lift profit", "Test Writer", "2025-11-14")
    assert art.source == f"{server}/article"
    assert "193 billion yuan" in art.text
    for boilerplate in ("Subscribe", "Copyright", "Privacy", "Business"):
        assert boilerplate not in art.text
    saved = (fresh_cfg.corpus_dir / added.file).read_text()
    assert saved.startswith("---\ntitle: Tencent games lift profit\n") and "source: http://127.0.0.1" in saved

    again = add_sources(fresh_cfg, [f"{server}/redirect"], allow_private=True, embedder=emb)  # type: ignore[arg-type]
    assert not again.added and len(again.duplicates) == 1  # the same page by another URL

    before = counter.count
    (fresh_cfg.corpus_dir / added.file).unlink()
    removed = update_index(fresh_cfg, embedder=emb)  # type: ignore[arg-type]
    assert removed.removed == [added.id] and counter.count == before
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {SEED.stem}

    seed_file = fresh_cfg.corpus_dir / SEED.name
    seed_file.write_text(seed_file.read_text().replace("Net income halved", "Net income fell by half"))
    changed = update_index(fresh_cfg, embedder=emb)  # type: ignore[arg-type]
    assert changed.changed == [SEED.stem] and counter.count == before + changed.chunks_embedded
    assert any("fell by half" in c.text for c in IndexSnapshot.open(fresh_cfg).chunks.values())
    assert not [p for p in fresh_cfg.corpus_dir.iterdir() if p.name.startswith(".")]  # no temp files left


def test_plain_text_url_and_uploads(fresh_cfg: IndexConfig, embedder: Embedder, server: str) -> None:
    report = add_sources(
        fresh_cfg,
        [f"{server}/plain.txt", Upload("Tencent Q3.TXT", OTHER.encode())],
        allow_private=True, embedder=embedder,
    )
    assert [a.file for a in report.added] == ["plain.md", "tencent-q3.txt"], report.failed
    snap = IndexSnapshot.open(fresh_cfg)
    assert snap.articles["plain"].date == "2025-11-14" and "NetEase" in snap.articles["plain"].text
    assert snap.articles["plain"].source == f"{server}/plain.txt"


@pytest.mark.parametrize(("path", "reason"), [
    ("/binary", "application/octet-stream is not an article"),
    ("/image.png", "image/png is not an article"),
    ("/missing", "HTTP 404"),
    ("/loop", "more than 5 redirects"),
    ("/to-file", "only http and https"),
])
def test_bad_urls_are_one_line_errors(server: str, path: str, reason: str) -> None:
    with pytest.raises(SourceError, match=reason) as err:
        fetch_url(server + path, allow_private=True, timeout=2)
    assert "\n" not in str(err.value)


def test_slow_server_times_out(server: str) -> None:
    _Handler.release.clear()
    t0 = time.monotonic()
    try:
        with pytest.raises(SourceError, match="did not answer in time"):
            fetch_url(f"{server}/slow", allow_private=True, timeout=0.5)
    finally:
        _Handler.release.set()
    assert time.monotonic() - t0 < 5


def test_huge_page_is_stopped_early(server: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(SourceError, match="over the 10,000,000-byte limit; stopped reading"):
        fetch_url(f"{server}/huge", allow_private=True, timeout=5)
    assert time.monotonic() - t0 < 10
    time.sleep(0.2)
    assert _Handler.sent < HUGE / 2  # the server was cut off, not read to the end


def test_declared_huge_and_trickling_pages_are_refused(server: str) -> None:
    with pytest.raises(SourceError, match="50,000,000 bytes is over the 10,000,000-byte limit"):
        fetch_url(f"{server}/declared-huge", allow_private=True, timeout=2)
    _Handler.release.clear()
    t0 = time.monotonic()
    try:
        with pytest.raises(SourceError, match="sends too slowly"):
            fetch_url(f"{server}/trickle", allow_private=True, timeout=0.5)
    finally:
        _Handler.release.set()
    assert time.monotonic() - t0 < 5


def test_localhost_by_name_when_allowed(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    page = fetch_url(f"http://localhost:{port}/article", allow_private=True, timeout=2)
    assert page.is_html and "193 billion yuan" in page.text and page.url.startswith("http://localhost:")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x.html", "gopher://x/",
                                 "http://user:pw@127.0.0.1/", "http:///nohost"])
def test_other_schemes_and_odd_urls_refused(url: str) -> None:
    with pytest.raises(SourceError):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "10.1.2.3",
                                  "169.254.169.254", "[::ffff:127.0.0.1]", "100.64.0.1", "192.168.1.1"])
def test_private_and_loopback_refused_by_default(host: str) -> None:
    with pytest.raises(SourceError, match="private or loopback"):
        check_url(f"http://{host}:8080/article")


def test_public_addresses_pass_the_check() -> None:
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")
    assert check_url("https://93.184.216.34/a").address == "93.184.216.34"  # an IP literal: no DNS


def test_loopback_server_refused_without_allow_private(fresh_cfg: IndexConfig, server: str) -> None:
    report = add_sources(fresh_cfg, [f"{server}/article"])
    assert not report.added and "private or loopback" in report.failed[0]
    assert corpus_files(fresh_cfg) == []


def test_hostile_names_stay_in_the_corpus(
    fresh_cfg: IndexConfig, embedder: Embedder, server: str, tmp_path: Path
) -> None:
    report = add_sources(fresh_cfg, [
        f"{server}/evil",
        Upload("../../etc/passwd.txt", OTHER.encode()),
        Upload("..\\..\\boot.ini.md", OTHER.replace("Tencent", "Baidu").encode()),
        Upload("/tmp/.hidden.html", f"<html><body><p>{OTHER.replace('Tencent', 'Xiaomi')}</p></body></html>".encode()),
    ], allow_private=True, embedder=embedder)
    assert len(report.added) == 4, report.failed
    for a in report.added:
        path = fresh_cfg.corpus_dir / a.file
        assert path.resolve().parent == fresh_cfg.corpus_dir.resolve() and not a.file.startswith(".")
    assert {a.file for a in report.added} == {"etc-passwd.md", "passwd.txt", "boot-ini.md", "hidden.html"}
    assert {p.name for p in tmp_path.iterdir()} == {"corpus", "index"}  # nothing written beside
    assert slugify("../" * 50 + "ä" * 500) == "a" * 80 and slugify("///") == "article"


def test_never_overwrites_a_different_article(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    shutil.copyfile(SEED, fresh_cfg.corpus_dir / "tencent.md")
    original = (fresh_cfg.corpus_dir / "tencent.md").read_bytes()
    report = add_sources(fresh_cfg, [Upload("tencent.txt", OTHER.encode())], embedder=embedder)
    assert [a.file for a in report.added] == ["tencent-2.txt"]
    assert (fresh_cfg.corpus_dir / "tencent.md").read_bytes() == original
    assert set(IndexSnapshot.open(fresh_cfg).articles) == {"tencent", "tencent-2"}


def test_bad_files_are_refused_one_line(fresh_cfg: IndexConfig, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    report = add_sources(fresh_cfg, [tmp_path / "empty.txt", tmp_path / "photo.jpg", tmp_path / "nope.md",
                                     Upload("bin.txt", b"\x00\x01" * 50)])
    assert not report.added and len(report.failed) == 4 and report.update is None
    assert all("\n" not in f for f in report.failed)
    assert corpus_files(fresh_cfg) == []


def test_cli_add(fresh_cfg: IndexConfig, server: str, tmp_path: Path) -> None:
    env = {"NEWSQA_CORPUS_DIR": str(fresh_cfg.corpus_dir), "NEWSQA_INDEX_DIR": str(fresh_cfg.index_dir)}
    runner = CliRunner()
    r = runner.invoke(cli, ["add", "--allow-private", str(SEED), f"{server}/missing"], env=env)
    assert r.exit_code == 0, r.output
    assert f"added: {SEED.name}" in r.stdout and "HTTP 404" in r.stderr and "embedded" in r.stdout

    r = runner.invoke(cli, ["add", f"{server}/article"], env=env)
    assert r.exit_code == 1 and "private or loopback" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("newsqa: error: nothing added")

    r = runner.invoke(cli, ["add", f"{server}/binary", str(SEED)], env={**env, "NEWSQA_ALLOW_PRIVATE_URLS": "1"})
    assert r.exit_code == 1 and "already present" in r.stderr and "octet-stream" in r.stderr
    assert all(line.count("\n") == 0 for line in r.stderr.splitlines())


def test_missing_corpus_is_an_error(tmp_path: Path) -> None:
    cfg = IndexConfig(corpus_dir=tmp_path / "nope", index_dir=tmp_path / "index")
    with pytest.raises(NewsqaError, match="does not exist"):
        add_sources(cfg, [SEED])


def test_add_waits_for_a_running_update(fresh_cfg: IndexConfig, embedder: Embedder) -> None:
    """The watcher may hold the build lock: `add` waits (bounded), or saves and says so."""
    home = index_home(fresh_cfg)
    with build_lock(home):
        short_wait = add_sources(fresh_cfg, [Upload("a.txt", OTHER.encode())], embedder=embedder, lock_wait=0.3)
    assert [a.file for a in short_wait.added] == ["a.txt"] and short_wait.update is None
    assert "another index update is running" in short_wait.update_error

    held = threading.Event()

    def hold_lock_briefly() -> None:
        with build_lock(home):
            held.set()
            time.sleep(1.0)

    holder = threading.Thread(target=hold_lock_briefly, daemon=True)
    holder.start()
    assert held.wait(timeout=10)
    report = add_sources(fresh_cfg, [SEED], embedder=embedder, lock_wait=30)
    holder.join(timeout=10)
    assert report.update is not None and set(report.update.added) == {"a", SEED.stem}
