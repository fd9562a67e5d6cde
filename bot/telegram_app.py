"""The Telegram bot: a python-telegram-bot `Application` around one newsqa `Engine`.

Long polling by default, a webhook when `NEWSQA_WEBHOOK_URL` is set; any Bot API
server through `NEWSQA_TELEGRAM_BASE_URL`. Flood limits (429 retry_after) and passing
server or network failures are retried by the rate limiter, so an answer is sent once.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from telegram import Bot, BotCommand, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers
from bot.chat_state import STATE_KEY, BotState, RateLimiter
from bot.logsafe import install_redaction, redact
from bot.settings import Settings
from index.errors import NewsqaError

if TYPE_CHECKING:
    from qa.engine import Engine

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,100}")
COMMANDS = (
    ("start", "what this bot is, with examples"),
    ("ask", "ask a question (in groups)"),
    ("sources", "the articles it has read"),
    ("help", "how to use it"),
)
MAX_RETRIES = 3
REJECTED = "the Bot API server rejected TELEGRAM_BOT_TOKEN"
ENGINE_THREADS = 1  # the engine is not promised thread-safe; torch uses the cores anyway


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (which only retries 429s) that also retries 5xx and dropped links.

    Bad requests are final, and a timed-out call may have been delivered, so neither is
    repeated: a retry must never send an answer twice.
    """

    def __init__(self, max_retries: int = MAX_RETRIES, backoff: float = 0.5, **kw: Any) -> None:
        super().__init__(max_retries=max_retries, **kw)
        self.network_retries = max_retries
        self.backoff = backoff

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(*args, **kwargs)
            except (BadRequest, TimedOut):
                raise
            except NetworkError as exc:
                if attempt == self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                log.warning("Bot API call failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


def bot_token(settings: Settings) -> str:
    """The token, or a NewsqaError of one line that never shows it."""
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        raise NewsqaError(
            "TELEGRAM_BOT_TOKEN is not set: get one from @BotFather, or use `newsqa ask`"
        )
    token = settings.telegram_bot_token.get_secret_value().strip()
    if not TOKEN_RE.fullmatch(token):
        raise NewsqaError(
            "TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and the secret part"
        )
    return token


def check_token(settings: Settings) -> str:
    """The token once the Bot API server has accepted it: a wrong token or an unreachable
    server is one clear line in a second, not after the model has loaded."""
    token = bot_token(settings)
    install_redaction(token)

    async def get_me() -> None:
        async with Bot(token, base_url=settings.telegram_base_url):
            pass  # entering calls getMe

    try:
        asyncio.run(get_me())
    except InvalidToken:
        raise NewsqaError(REJECTED) from None
    except NetworkError as exc:
        raise NewsqaError(
            f"cannot reach the Bot API server at {settings.telegram_base_url}: "
            f"{redact(str(exc))}") from None
    return token


def build_application(
    settings: Settings, engine: Engine, *, own_engine: bool = False
) -> Application:
    """The Application with every handler; `own_engine` closes the engine at shutdown."""
    token = bot_token(settings)
    install_redaction(
        token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    )
    state = BotState(
        settings=settings,
        engine=engine,
        executor=ThreadPoolExecutor(ENGINE_THREADS, thread_name_prefix="newsqa-engine"),
        limiter=RateLimiter(settings.rate_limit_per_minute),
    )

    async def post_init(app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])

    async def post_shutdown(app: Application) -> None:
        state.executor.shutdown(wait=True)
        if own_engine:
            engine.close()

    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .rate_limiter(RetryingRateLimiter())
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data[STATE_KEY] = state
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    """The allowlist first (group -1), then commands, questions, buttons and the rest."""
    new = filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    app.add_handler(CommandHandler("start", handlers.start, filters=new))
    app.add_handler(CommandHandler("help", handlers.help_command, filters=new))
    app.add_handler(CommandHandler("sources", handlers.sources, filters=new))
    app.add_handler(CommandHandler("ask", handlers.ask_command, filters=new))
    app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, handlers.on_text))
    private = new & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT, handlers.on_other))
    app.add_handler(CallbackQueryHandler(handlers.more_passages, pattern=r"^more:"))
    app.add_error_handler(handlers.on_error)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for `run_webhook`/`start_webhook`; the secret is made up if not set."""
    assert settings.webhook_url
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    secret = secret or secrets.token_urlsafe(32)
    install_redaction(secret)
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }


def run_bot(settings: Settings) -> None:
    """Serve until stopped (Ctrl-C, SIGTERM); errors a user can fix are NewsqaErrors."""
    check_token(settings)  # fail fast, before loading the model

    from qa.engine import Engine  # heavy: imports torch
    engine = Engine.open(settings.index_config(), settings.qa_config())
    try:
        app = build_application(settings, engine, own_engine=True)
    except BaseException:
        engine.close()
        raise
    try:
        if settings.webhook_url:
            app.run_webhook(**webhook_options(settings))
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        raise NewsqaError(REJECTED) from None
