"""`newsqa index watch`: keep the index in line with the corpus folder until stopped."""

from __future__ import annotations

import signal
import threading

import click

from bot.cli.context import settings
from index.update.build import UpdateReport
from index.update.watch import watch_corpus


@click.command()
@click.option("--debounce", type=click.FloatRange(0.0, 60.0), default=1.0, show_default=True,
              help="Seconds of quiet in the corpus folder before an update.")
@click.option("--poll", is_flag=True,
              help="Scan the folder instead of using OS events (network or bind-mounted folders).")
def watch(debounce: float, poll: bool) -> None:
    """Watch the corpus folder; embed new and changed articles, drop deleted ones."""
    cfg = settings().index_config()
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # `docker compose stop` ends it cleanly
    click.echo(f"watching {cfg.corpus_dir} (Ctrl-C to stop)", err=True)
    watch_corpus(cfg, debounce=debounce, stop=stop, on_update=_Echo(), polling=poll)


class _Echo:
    """Print each update; a bad file's complaint once, not after every update."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, report: UpdateReport) -> None:
        for label, names in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
            for name in names:
                click.echo(f"{label}: {name}")
        for problem in report.skipped:
            if problem not in self.seen:
                click.echo(f"skipped: {problem}", err=True)
        self.seen = set(report.skipped)
        if report.changed_anything:
            click.echo(f"embedded {report.chunks_embedded} chunks; the index holds {report.total_chunks} "
                       f"chunks ({report.version})")
