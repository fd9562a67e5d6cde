"""`newsqa bot`: the Telegram bot, or the terminal chat when no token is set."""

from __future__ import annotations

import click

from bot.cli.context import settings


@click.command()
@click.option("--cli-fallback/--no-cli-fallback", default=True,
              help="Without a token, start `newsqa chat` instead of failing.")
@click.pass_context
def bot(ctx: click.Context, cli_fallback: bool) -> None:
    """Run the Telegram bot (long polling, or a webhook when NEWSQA_WEBHOOK_URL is set)."""
    s = settings()
    if s.telegram_bot_token is None and cli_fallback:
        click.echo("No TELEGRAM_BOT_TOKEN set: starting the terminal chat instead.", err=True)
        from bot.cli.ask import chat

        ctx.invoke(chat)
        return
    from bot.telegram.app import run_bot

    run_bot(s)
