"""`newsqa index update|rebuild|status`: keep the index in line with the corpus."""

from __future__ import annotations

import json

import click

from bot.cli.context import settings
from bot.cli.watch import watch
from index.store.layout import current_version, index_home
from index.store.milvus_store import MilvusStore
from index.store.snapshot import IndexSnapshot
from index.update.build import UpdateReport, update_index


@click.group()
def index() -> None:
    """Build and inspect the index of the corpus."""


def _print_report(report: UpdateReport) -> None:
    for label, names in (("added", report.added), ("changed", report.changed),
                         ("removed", report.removed)):
        for name in names:
            click.echo(f"{label}: {name}")
    for problem in report.skipped:
        click.echo(f"skipped: {problem}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.changed_anything:
        click.echo(f"embedded {report.chunks_embedded} chunks; the index holds "
                   f"{report.total_chunks} chunks of {len(report.added + report.changed + report.unchanged)} "
                   f"articles ({report.version})")
    elif report.migrated:
        click.echo(f"refreshed index metadata: {len(report.unchanged)} articles, {report.total_chunks} chunks")
    else:
        click.echo(f"up to date: {len(report.unchanged)} articles, {report.total_chunks} chunks")


@index.command()
def update() -> None:
    """Embed new and changed articles, drop deleted ones."""
    _print_report(update_index(settings().index_config(), progress=True))


@index.command()
def rebuild() -> None:
    """Re-embed every article into a fresh index."""
    _print_report(update_index(settings().index_config(), rebuild=True, progress=True))


@index.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--check", is_flag=True, help="Exit 1 unless a readable index exists (healthchecks).")
def status(as_json: bool, check: bool) -> None:
    """Articles, chunk counts, store, model, and when the index was built."""
    cfg = settings().index_config()
    version = current_version(index_home(cfg))
    if version is None:
        click.echo(f"no index yet in {cfg.index_dir} for model {cfg.model}; "
                   "run `newsqa index update`")
        if check:
            raise SystemExit(1)
        return
    snap = IndexSnapshot.open_version(version, cfg.milvus_uri if cfg.store == "milvus" else None)
    infos = snap.article_infos()
    store = snap.store_kind
    if isinstance(snap.store, MilvusStore):
        store = f"milvus (collection {snap.store.collection} at {snap.store.uri})"
    if as_json:
        click.echo(json.dumps({
            "version": version.name, "store": snap.store_kind, "model": snap.manifest.get("model"),
            "dim": snap.manifest.get("dim"), "built_at": snap.manifest.get("built_at"),
            "chunks": len(snap.chunks), "segments": len(snap.manifest.get("segments", [None])),
            "dropped_chunks": snap.manifest.get("dropped_chunks", 0),
            "articles": [{"id": a.id, "title": a.title, "author": a.author, "date": a.date,
                          "chunks": a.chunks} for a in infos],
        }))
        return
    m = snap.manifest
    click.echo(f"index {version}\nstore {store}\nmodel {m.get('model')} (dim {m.get('dim')}), built "
               f"{m.get('built_at')}\n{len(infos)} articles, {len(snap.chunks)} chunks in "
               f"{len(m.get('segments', [None]))} segment(s)")
    for a in infos:
        click.echo(f"  {a.id}: {a.chunks} chunks — {a.title[:70]} ({a.author}, {a.date})")


index.add_command(watch)
