"""`watch_corpus`: keep the index in line with the corpus folder as files come and go.

Editors drop files in bursts and copy them slowly, so an update waits until the
folder has been quiet for `debounce` seconds and every changed file looks
complete: nobody has it open (inotify reports opens and closes on Linux) and its
size and mtime have held still for `settle` seconds. The update itself is the
ordinary incremental `update_index` (new and changed articles embedded, deleted
ones dropped, bad files reported and skipped). A failure is logged and retried
later; the loop only ends when `stop` is set.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import NewsqaError
from index.intake.loading import ARTICLE_SUFFIXES
from index.update.build import UpdateReport, update_index

log = logging.getLogger(__name__)
TICK = 0.1
# A file still open for writing this long is taken as it is (a lost close event, a log-like writer).
OPEN_WAIT = 60.0
MAX_BACKOFF = 60.0
REWATCH_EVERY = 1.0


@dataclass
class _Pending:
    """A changed path: when it last changed, and since when its size/mtime held still."""

    changed_at: float
    signature: tuple[int, int] | None = None
    still_since: float = 0.0


class _Tracker(FileSystemEventHandler):
    """Collects article-file events from watchdog's thread; says when an update may run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()
        self.pending: dict[str, _Pending] = {}
        self.opens: dict[str, int] = {}
        self.last_event = 0.0
        self.next_watch_try = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        now = time.monotonic()
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", ""):
            paths.append(os.fsdecode(event.dest_path))
        with self.lock:
            for path in filter(self._relevant, paths):
                if isinstance(event, FileDeletedEvent | FileMovedEvent):
                    self.opens.pop(path, None)  # a new file by this name starts closed
                elif isinstance(event, FileOpenedEvent):
                    self.opens[path] = self.opens.get(path, 0) + 1
                    continue
                if isinstance(event, FileClosedEvent | FileClosedNoWriteEvent):
                    self.opens[path] = max(0, self.opens.get(path, 0) - 1)
                    if isinstance(event, FileClosedNoWriteEvent):
                        continue  # a reader (our own update, too) changes nothing
                self.pending[path] = _Pending(now)
                self.last_event = now

    def _relevant(self, path: str) -> bool:
        p = Path(path)
        return p.parent == self.folder and not p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES

    def mark_all(self) -> None:
        """Ask for an update even without an event (a retry)."""
        with self.lock:
            self.pending.setdefault(str(self.folder), _Pending(time.monotonic()))

    def take_if_ready(self, debounce: float, settle: float, open_wait: float) -> bool:
        """True (and forget the pending paths) when the folder is quiet and every file complete."""
        now = time.monotonic()
        with self.lock:
            if not self.pending or now - self.last_event < debounce:
                return False
            if not all(self._complete(p, s, now, settle, open_wait) for p, s in self.pending.items()):
                return False
            self.pending.clear()
            return True

    def _complete(self, path: str, state: _Pending, now: float, settle: float, open_wait: float) -> bool:
        if path == str(self.folder):
            return True  # a retry, not a file
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return True  # deleted: nothing to wait for
        except OSError:
            return True  # unreadable: the update reports it
        signature = (st.st_size, st.st_mtime_ns)
        if signature != state.signature:
            state.signature, state.still_since = signature, now
            return False
        still = now - state.still_since
        return (still >= settle and self.opens.get(path, 0) == 0) or still >= open_wait


def watch_corpus(
    cfg: IndexConfig,
    *,
    debounce: float = 1.0,
    stop: threading.Event | None = None,
    on_update: Callable[[UpdateReport], None] | None = None,
    embedder: Embedder | None = None,
    settle: float = 0.5,
    open_wait: float = OPEN_WAIT,
    polling: bool = False,
) -> None:
    """Update the index now and after every settled change, until `stop` is set.

    `polling` scans instead of using OS events (for network or bind-mounted folders
    whose changes the kernel does not report).
    """
    folder = cfg.corpus_dir
    if not folder.is_dir():
        raise NewsqaError(f"corpus directory {folder} does not exist")
    stop = stop or threading.Event()
    tracker = _Tracker(folder.resolve())
    observer = PollingObserver(timeout=1.0) if polling else Observer()
    try:
        observer.schedule(tracker, str(tracker.folder), recursive=False)
    except OSError as exc:  # e.g. the inotify watch limit
        raise NewsqaError(f"cannot watch {folder}: {exc}; try polling (`--poll`)") from None
    observer.start()
    log.info("watching %s", folder)
    runner = _Runner(cfg, embedder, on_update)
    tracker.mark_all()  # bring the index up to date first
    try:
        while not stop.is_set():
            if _ensure_watched(observer, tracker):
                runner.next_try, runner.backoff = 0.0, 1.0
            ready = time.monotonic() >= runner.next_try and tracker.take_if_ready(debounce, settle, open_wait)
            if ready and not runner.run():
                tracker.mark_all()
            stop.wait(TICK)
    finally:
        observer.stop()
        observer.join(timeout=5.0)
        log.info("stopped watching %s", folder)


def _ensure_watched(observer: BaseObserver, tracker: _Tracker) -> bool:
    """Watch the folder again after it was removed and made again (its watch died with it)."""
    emitters = list(observer.emitters)
    if emitters and all(e.is_alive() for e in emitters):
        return False
    now = time.monotonic()
    if now < tracker.next_watch_try or not tracker.folder.is_dir():
        return False  # gone for now: the pending update reports that, and we look again
    tracker.next_watch_try = now + REWATCH_EVERY
    observer.unschedule_all()
    try:
        observer.schedule(tracker, str(tracker.folder), recursive=False)
    except OSError as exc:
        log.warning("cannot watch %s again: %s", tracker.folder, exc)
        return False
    log.warning("watching %s again", tracker.folder)
    tracker.mark_all()  # catch up on whatever happened while it was not watched
    return True


class _Runner:
    """Runs one update at a time; logs what it did; backs off after a failure."""

    def __init__(self, cfg: IndexConfig, embedder: Embedder | None,
                 on_update: Callable[[UpdateReport], None] | None) -> None:
        self.cfg, self.embedder, self.on_update = cfg, embedder, on_update
        self.next_try = 0.0
        self.backoff = 1.0
        self.reported: set[str] = set()

    def run(self) -> bool:
        """One update; False (and a later retry) if it failed."""
        try:
            report = update_index(self.cfg, embedder=self.embedder)
        except NewsqaError as exc:
            log.warning("index update failed: %s; retrying in %.0fs", exc, self.backoff)
            return self._failed()
        except Exception:
            log.exception("index update crashed; retrying in %.0fs", self.backoff)
            return self._failed()
        self.backoff = 1.0
        self._log(report)
        if self.on_update is not None:
            try:
                self.on_update(report)
            except Exception:
                log.exception("the on_update callback failed")
        return True

    def _failed(self) -> bool:
        self.next_try = time.monotonic() + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        return False

    def _log(self, report: UpdateReport) -> None:
        if report.changed_anything:
            log.info("index %s: +%d ~%d -%d articles, %d chunks embedded", report.version,
                     len(report.added), len(report.changed), len(report.removed), report.chunks_embedded)
        problems = set(report.skipped) | set(report.warnings)
        for problem in sorted(problems - self.reported):
            log.warning("skipped: %s", problem)
        self.reported = problems
