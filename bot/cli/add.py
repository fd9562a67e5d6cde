"""`newsqa add SOURCE...`: add article files or web pages to the corpus, then index them."""

from __future__ import annotations

import click

from bot.cli.context import settings
from index.errors import NewsqaError
from index.update.add import AddReport, add_sources


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--allow-private", is_flag=True,
              help="Fetch loopback and private-network URLs (also NEWSQA_ALLOW_PRIVATE_URLS=1).")
def add(sources: tuple[str, ...], allow_private: bool) -> None:
    """Add each SOURCE (a .txt/.md/.html file or an http(s) URL); fails if none could be added."""
    s = settings()
    report = add_sources(s.index_config(), sources, allow_private=allow_private or s.allow_private_urls)
    print_add_report(report)
    if not report.added:
        raise NewsqaError(f"nothing added ({len(report.duplicates)} already present, "
                          f"{len(report.failed)} failed)")
    if report.update_error:
        raise NewsqaError(f"the articles were saved but the index was not updated: {report.update_error}")


def print_add_report(report: AddReport) -> None:
    """One line per source, then one for the index."""
    for a in report.added:
        click.echo(f"added: {a.file} — {a.title[:80]} (from {a.source})")
    for line in report.duplicates:
        click.echo(f"already present: {line}", err=True)
    for line in report.failed:
        click.echo(f"failed: {line}", err=True)
    u = report.update
    if u is not None:
        for problem in u.skipped:
            click.echo(f"skipped: {problem}", err=True)
        click.echo(f"embedded {u.chunks_embedded} chunks; the index holds {u.total_chunks} chunks ({u.version})")
