"""Fixtures for a real redis-server (Debian's package) on 127.0.0.1 at a free port.

Load with `pytest_plugins = ("tests.conftest_redis",)`. The binary is required, never
skipped: `make test` and `.ci/run` install it when absent, so a missing one is a broken
setup that must fail loudly. `redis_server` is one server per test session (stopped and
started again on the same port by the fault tests); `redis_url` empties it for each test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file()
                                              else None)
    if binary is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` "
                    "(make test and .ci/run install it when absent)")
    server = RedisServer(binary, tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The server's URL, running and empty at the start of the test."""
    if redis_server.process is None:
        redis_server.start()
    with redis_server.client() as client:
        client.flushall()
    yield redis_server.url
    if redis_server.process is None:  # a test stopped it: leave it running for the next
        redis_server.start()
