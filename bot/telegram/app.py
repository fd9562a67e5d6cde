"""The Telegram bot: a python-telegram-bot `Application` around one newsqa `Engine`.

Long polling by default, a webhook when `NEWSQA_WEBHOOK_URL` is set; any Bot API
server through `NEWSQA_TELEGRAM_BASE_URL` (its files from the matching `/file/bot` URL).
Flood limits, server errors, timeouts and dropped links are retried with back-off (see
bot/retry.py for what that promises about duplicates). With `NEWSQA_REDIS_URL` set, what
one update leaves for the next is in Redis (bot/telegram/shared_state.py), so replicas
behind a load balancer answer any chat alike; else it is in the process, conversations
saved by PTB's PicklePersistence.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    TypeHandler,
    filters,
)

from bot.logsafe import install_redaction, redact
from bot.settings import Settings
from bot.telegram import access, admin, handlers
from bot.telegram.chat_state import STATE_KEY, BotState, RateLimiter
from bot.telegram.retry import Network, RetryingRateLimiter
from bot.telegram.shared_state import RedisState, check_redis
from index.errors import NewsqaError

if TYPE_CHECKING:
    from qa.engine import Engine

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,100}")
COMMANDS = (
    ("start", "what this bot is, with examples"),
    ("ask", "ask a question (in groups)"),
    ("new", "start a new conversation"),
    ("sources", "the articles it has read"),
    ("status", "the index it answers from"),
    ("help", "how to use it"),
)
REJECTED = "the Bot API server rejected TELEGRAM_BOT_TOKEN"
SECRET_NEEDED = ("set NEWSQA_WEBHOOK_SECRET: replicas sharing NEWSQA_REDIS_URL must all check one secret "
                 "(each would make up its own, and only the last one set would get updates)")
ENGINE_THREADS = 1  # the engine is not promised thread-safe; torch uses the cores anyway


def file_base_url(base_url: str) -> str:
    """Where the server serves files: `https://api.telegram.org/bot` gives
    `https://api.telegram.org/file/bot`, and likewise for a self-hosted server."""
    head, _, last = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{last}"


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
    settings: Settings, engine: Engine, *, own_engine: bool = False, network: Network | None = None
) -> Application:
    """The Application with every handler; `own_engine` closes the engine at shutdown."""
    network = network or Network()
    token = bot_token(settings)
    install_redaction(
        token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    )
    state = BotState(
        settings=settings,
        engine=engine,
        executor=ThreadPoolExecutor(ENGINE_THREADS, thread_name_prefix="newsqa-engine"),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        shared=shared_state(settings, token),
    )

    async def post_init(app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])

    async def post_shutdown(app: Application) -> None:
        state.shutdown()
        if state.shared is not None:
            await state.shared.aclose()
        if own_engine:
            engine.close()

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_base_url(settings.telegram_base_url))
        .read_timeout(network.read_timeout)
        .connect_timeout(network.connect_timeout)
        .get_updates_read_timeout(network.poll_read_timeout)
        .get_updates_connect_timeout(network.connect_timeout)
        .rate_limiter(RetryingRateLimiter(network))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if state.shared is None:  # shared: conversations are in Redis, no file of a replica's own
        builder = builder.persistence(chat_persistence(settings))
    app = builder.build()
    app.bot_data[STATE_KEY] = state
    add_handlers(app)
    return app


def shared_state(settings: Settings, token: str) -> RedisState | None:
    """The Redis-backed state when `NEWSQA_REDIS_URL` is set; keys carry the bot's id (the
    token's public part), so bots sharing one Redis keep apart."""
    if not settings.redis_url:
        return None
    return RedisState(settings.redis_url, token.split(":", 1)[0], settings.rate_limit_per_minute,
                      settings.conversation_idle_minutes * 60)


def chat_persistence(settings: Settings) -> PicklePersistence:
    """Conversations (in `chat_data`) saved to a file in the data folder, so a restart
    keeps them; bot_data holds the engine and is never saved."""
    path = settings.chat_state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NewsqaError(f"cannot create {path.parent} for the chat state file: {exc.strerror}") from None
    set_aside_if_unreadable(path)
    keep = PersistenceInput(bot_data=False, chat_data=True, user_data=False, callback_data=False)
    return PicklePersistence(path, store_data=keep, update_interval=30)


def set_aside_if_unreadable(path: Path) -> Path | None:
    """A chat state file PTB could not load (cut short, or not a pickle) would stop the
    bot at every start: it is moved aside (kept, for a look) and the bot starts with no
    conversations. Returns where it went."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            pickle.load(fh)
        return None
    except Exception as exc:
        aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        path.replace(aside)
        log.warning("chat state file %s could not be read (%s); moved to %s, starting afresh",
                    path, type(exc).__name__, aside.name)
        return aside


def add_handlers(app: Application) -> None:
    """The allowlist first (group -1), then commands, admins' links and files, questions,
    buttons and the rest. In one group the first matching handler wins."""
    new = filters.UpdateType.MESSAGE
    private = new & filters.ChatType.PRIVATE
    app.add_handler(TypeHandler(Update, access.gate), group=-1)
    app.add_handler(CommandHandler("start", handlers.start, filters=new))
    app.add_handler(CommandHandler("help", handlers.help_command, filters=new))
    app.add_handler(CommandHandler("sources", handlers.sources, filters=new))
    app.add_handler(CommandHandler("ask", handlers.ask_command, filters=new))
    app.add_handler(CommandHandler("new", handlers.new_conversation, filters=new))
    app.add_handler(CommandHandler("status", admin.status, filters=new))
    app.add_handler(CommandHandler("reindex", admin.reindex, filters=new))
    links = private & filters.TEXT & ~filters.COMMAND & filters.Regex(admin.LINKS)
    app.add_handler(MessageHandler(links, admin.on_links))
    app.add_handler(MessageHandler(private & filters.Document.ALL, admin.on_document))
    app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, handlers.on_text))
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
    if settings.redis_url and settings.webhook_url and not settings.webhook_secret:
        raise NewsqaError(SECRET_NEEDED)
    check_token(settings)  # fail fast, before loading the model
    if settings.redis_url:
        check_redis(settings.redis_url)

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


async def stop_application(app: Application) -> None:  # type: ignore[type-arg]
    """Stop polling, the application and its post_shutdown, whatever state a start reached."""
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
