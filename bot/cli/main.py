"""`newsqa`: the one command. Errors of ours become one line at this boundary."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from bot.cli.add import add
from bot.cli.ask import ask, chat
from bot.cli.bench import bench
from bot.cli.evaluate import eval_command
from bot.cli.index import index
from bot.cli.run_bot import bot
from index.errors import NewsqaError


class OneLineErrors(click.Group):
    """Turn a NewsqaError anywhere below into `newsqa: error: ...` and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsqaError as exc:
            click.echo(f"newsqa: error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("newsqa: interrupted", err=True)
            sys.exit(130)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (never the token).")
def cli(verbose: bool) -> None:
    """Answers about news articles: verbatim, cited quotes and computed figures."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)


for command in (ask, chat, add, index, eval_command, bench, bot):
    cli.add_command(command)


def main() -> None:
    cli()
