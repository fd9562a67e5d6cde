"""A small Bot API server on 127.0.0.1 for end-to-end bot tests: no Telegram needed.

It speaks what the bot calls (`{base}{token}/{method}`, form-encoded bodies with nested
values JSON-encoded), feeds queued updates to `getUpdates`, records every call, and can
be told to fail a method a few times: 429 with retry_after, 500, 400 or a dropped link.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from aiohttp import web

T = TypeVar("T")
Fault = Literal["400", "429", "500", "drop"]
NESTED = {"reply_markup", "reply_parameters", "link_preview_options", "commands",
          "allowed_updates", "entities", "scope"}
INTS = {"chat_id", "message_id", "offset", "limit", "message_thread_id"}


@dataclass
class Call:
    """One request the bot made, and how the server answered it (200, 429, 500, 0=dropped)."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None


class FakeBotAPI:
    """Start with `await start()`; point the bot at `base_url`; `await close()` at the end."""

    def __init__(self, token: str, bot_id: int = 4242, username: str = "newsqa_test_bot") -> None:
        self.token = token
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": "newsqa",
                         "username": username, "can_join_groups": True,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.faults: dict[str, deque[tuple[Fault, int]]] = defaultdict(deque)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        self._closing = True  # let long polls still waiting return now
        await self._notify()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- test controls ---------------------------------------------------------------
    def fail(self, method: str, fault: Fault, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` fail this way."""
        self.faults[method].extend([(fault, retry_after)] * times)

    def push_message(self, user_id: int, text: str | None = None, *, chat_id: int | None = None,
                     chat_type: str = "private", sticker: bool = False,
                     **extra: Any) -> dict[str, Any]:
        """Queue a message from a user; commands get their bot_command entity."""
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type, "title": "group", "first_name": "U"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0,
                                        "length": len(text.split()[0])}]
        if sticker:
            message["sticker"] = {"file_id": "stk", "file_unique_id": "stk1", "type": "regular",
                                  "width": 512, "height": 512, "is_animated": False,
                                  "is_video": False}
        self._queue({"message": message})
        return message

    def push_callback(self, user_id: int, message: dict[str, Any], data: str) -> None:
        """Queue a press of an inline button under one of the bot's messages."""
        self._queue({"callback_query": {
            "id": f"cq{next(self._ids)}", "chat_instance": "ci", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
            "message": message}})

    def _queue(self, body: dict[str, Any]) -> None:
        self.updates.append({"update_id": next(self._ids), **body})
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 60) -> T:
        """Wait until `predicate()` is truthy (re-checked after every call); return it."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Successful calls of `method`, to one chat if given."""
        return [c for c in self.calls if c.method == method and c.status == 200
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 60) -> list[Call]:
        """The first `count` messages sent to `chat_id`, waiting for them."""
        return (await self.wait_for(lambda: (s := self.sent(chat_id))[count - 1:] and s,
                                    timeout))[:count]

    # -- the Bot API ---------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = _decode(dict(await request.post()) if request.can_read_body else {})
        params.update(_decode(dict(request.query)))
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        call = Call(method, params)
        self.calls.append(call)
        try:
            if self.faults[method]:
                fault, retry_after = self.faults[method].popleft()
                call.status = 0 if fault == "drop" else int(fault)
                if fault == "drop":
                    assert request.transport is not None
                    request.transport.abort()
                    return web.Response()
                if fault == "429":
                    return _error(429, f"Too Many Requests: retry after {retry_after}",
                                  {"retry_after": retry_after})
                if fault == "400":
                    return _error(400, "Bad Request: can't parse entities")
                return _error(500, "Internal Server Error")
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                call.status = 404
                return _error(404, "Not Found: method not found")
            call.result = result = await handler(params)
            return web.json_response({"ok": True, "result": result})
        finally:
            await self._notify()

    async def _api_getMe(self, p: dict[str, Any]) -> Any:
        return self.bot_user

    async def _api_getUpdates(self, p: dict[str, Any]) -> Any:
        offset = p.get("offset") or 0
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = float(p.get("timeout") or 0)
        if not self.updates and timeout > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: self.updates or self._closing), timeout)
        return self.updates[: p.get("limit") or 100]

    async def _api_sendMessage(self, p: dict[str, Any]) -> Any:
        chat_id = p["chat_id"]
        message = {"message_id": next(self._ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup",
                            "first_name": "U", "title": "group"},
                   "from": self.bot_user, "text": p.get("text", "")}
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _api_editMessageText(self, p: dict[str, Any]) -> Any:
        message = self.messages[(p["chat_id"], p["message_id"])]
        message["text"] = p.get("text", "")
        return message

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        message = self.messages.get((p.get("chat_id"), p.get("message_id")))
        if message is None:
            return True
        message.pop("reply_markup", None)
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        return message

    async def _true(self, p: dict[str, Any]) -> Any:
        return True

    _api_sendChatAction = _api_setMyCommands = _api_deleteWebhook = _true
    _api_answerCallbackQuery = _api_setWebhook = _api_close = _true


def _decode(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in NESTED and isinstance(value, str):
            value = json.loads(value)
        elif key in INTS and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        out[key] = value
    return out


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
