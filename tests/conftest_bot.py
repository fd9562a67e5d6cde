"""Shared bot fixtures: the fake Bot API and a running Application around the real engine.

Load with `pytest_plugins = ("tests.conftest_bot",)` in a test module and use the
fixtures (`fake_api`, `make_settings`, `start_bot`); importing this module directly would
stop pytest from rewriting its asserts. The real index and engine come from
tests/conftest.py (`seed_cfg`, `engine`: the seed article, built once per session);
nothing of our stack or of PTB is mocked.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.app import build_application, stop_application
from bot.telegram.retry import Network
from index.config import IndexConfig
from index.embedder import Embedder
from qa.config import QAConfig
from tests.fake_bot_api import FakeBotAPI

if TYPE_CHECKING:
    from qa.engine import Engine

TOKEN = "123456789:AAFtest-token_abcdefghijklmnopqrstu"


@pytest.fixture
async def fake_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBotAPI]:
    """The fake Bot API server on a free loopback port; proxies bypassed for it."""
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(var, "127.0.0.1,localhost")
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.close()


def bot_settings(fake: FakeBotAPI, index: IndexConfig, **overrides: Any) -> Settings:
    """Settings for a bot talking to `fake`, ignoring any `.env` and NEWSQA_* variables."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "telegram_base_url": fake.base_url,
        "corpus_dir": index.corpus_dir,
        "index_dir": index.index_dir,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running_bot(
    settings: Settings, engine: Engine, network: Network | None = None
) -> AsyncIterator[Application]:
    """The real Application, started as `run_polling` starts it, stopped fully on exit."""
    app = build_application(settings, engine, network=network)
    await app.initialize()
    try:
        assert app.post_init is not None
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        await app.start()
        yield app
    finally:
        await stop_application(app)


@pytest.fixture
def make_settings(fake_api: FakeBotAPI, seed_cfg: IndexConfig) -> Callable[..., Settings]:
    """`make_settings(**overrides)`: Settings for a bot on the fake server and seed index."""
    return functools.partial(bot_settings, fake_api, seed_cfg)


@pytest.fixture
def start_bot(
    make_settings: Callable[..., Settings], engine: Engine
) -> Callable[..., AbstractAsyncContextManager[Application]]:
    """`async with start_bot(network=None, **overrides) as app`: the real bot polling the
    fake server (`network`: shorter timeouts and back-off for fault tests)."""
    return lambda network=None, **overrides: running_bot(make_settings(**overrides), engine, network)


@pytest.fixture
def start_bot_on(
    fake_api: FakeBotAPI,
) -> Callable[..., AbstractAsyncContextManager[Application]]:
    """`async with start_bot_on(cfg, engine, network=None, **overrides) as app`: the real bot
    on another index and engine than the shared seed ones (tests that add articles)."""
    return lambda cfg, engine, network=None, **overrides: running_bot(
        bot_settings(fake_api, cfg, **overrides), engine, network)


@pytest.fixture
def own_cfg(seed_cfg: IndexConfig, tmp_path_factory: pytest.TempPathFactory) -> IndexConfig:
    """A copy of the seed corpus and its built index that a test may change (no re-embedding)."""
    root = tmp_path_factory.mktemp("own")
    shutil.copytree(seed_cfg.corpus_dir, root / "corpus")
    shutil.copytree(seed_cfg.index_dir, root / "index")
    return IndexConfig(corpus_dir=root / "corpus", index_dir=root / "index")


@pytest.fixture
def own_engine(own_cfg: IndexConfig, embedder: Embedder) -> Engine:
    from qa.engine import Engine

    return Engine(own_cfg, QAConfig(), embedder)
