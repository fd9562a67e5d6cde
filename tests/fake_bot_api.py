"""A small Bot API server on 127.0.0.1 for end-to-end bot tests: no Telegram needed.

It speaks what the bot calls (`{base}{token}/{method}`, form-encoded bodies with nested
values JSON-encoded), feeds queued updates to `getUpdates`, serves uploaded documents
(`getFile`, then `GET {file_base}{token}/{path}`), records every call, and can be told to
fail a method for a stretch of calls: 429 with retry_after, 500, 400, a dropped link, or a
stall past the client's read timeout, either before the call is carried out ("timeout":
nothing delivered) or after ("late": delivered, but the answer never reaches the client).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from aiohttp import web

T = TypeVar("T")
Fault = Literal["400", "429", "500", "drop", "timeout", "late"]
NESTED = {"reply_markup", "reply_parameters", "link_preview_options", "commands",
          "allowed_updates", "entities", "scope"}
INTS = {"chat_id", "message_id", "offset", "limit", "message_thread_id"}
STALL = 3.0  # seconds a "timeout"/"late" call hangs: longer than the tests' read timeouts


@dataclass
class Call:
    """One request the bot made, and how the server answered it (200, 429, 500, 0=dropped,
    -1=stalled). `delivered`: the server carried it out (a "late" call is, though the bot
    never hears so)."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    delivered: bool = False


class FakeBotAPI:
    """Start with `await start()`; point the bot at `base_url`; `await close()` at the end."""

    def __init__(self, token: str, bot_id: int = 4242, username: str = "newsqa_test_bot",
                 *, keep_history: bool = True, stall: float = STALL) -> None:
        """`keep_history=False` keeps only counters (no call list, no sent messages): a long
        soak then measures the bot's memory, not the recorder's."""
        self.token = token
        self.keep_history = keep_history
        self.stall = stall
        self.counts: Counter[str] = Counter()  # delivered calls per method
        self.replies: Counter[tuple[int, int]] = Counter()  # (chat, replied-to id): messages
        self.files: dict[str, tuple[str, bytes]] = {}
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
        self._closed = asyncio.Event()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        self._closing = True  # let long polls and stalls still waiting return now
        self._closed.set()
        await self._notify()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

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

    def push_document(self, user_id: int, name: str | None, data: bytes, *,
                      file_size: int | None = None, mime_type: str = "text/plain",
                      **extra: Any) -> dict[str, Any]:
        """Queue a message carrying a document; `getFile` and the file URL then serve `data`.
        `file_size` overrides the size announced (as a client could misreport it)."""
        file_id = f"doc{next(self._ids)}"
        self.files[file_id] = (f"documents/{file_id}{_suffix(name)}", data)
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                    "mime_type": mime_type,
                                    "file_size": len(data) if file_size is None else file_size}
        if name is not None:
            document["file_name"] = name
        return self.push_message(user_id, None, document=document, **extra)

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

    def delivered(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Calls of `method` the server carried out, including "late" ones the bot never
        heard back from: what the user actually saw."""
        return [c for c in self.calls if c.method == method and c.delivered
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    async def _sleep(self, seconds: float) -> None:
        """Sleep, unless the server closes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    # -- the Bot API ---------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = _decode(dict(await request.post()) if request.can_read_body else {})
        params.update(_decode(dict(request.query)))
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        call = Call(method, params)
        if self.keep_history:
            self.calls.append(call)
        try:
            if self.faults[method]:
                fault, retry_after = self.faults[method].popleft()
                if fault == "late":  # carried out; the answer is held past the read timeout
                    await self._run(call)
                    call.status = -1
                    await self._sleep(self.stall)
                    return web.json_response({"ok": True, "result": call.result})
                call.status = -1 if fault == "timeout" else 0 if fault == "drop" else int(fault)
                if fault == "timeout":  # the client gives up first; nothing is carried out
                    await self._sleep(self.stall)
                    return _error(504, "Gateway Timeout")
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
            if not await self._run(call):
                return _error(call.status, call.result)
            return web.json_response({"ok": True, "result": call.result})
        finally:
            await self._notify()

    async def _run(self, call: Call) -> bool:
        """Carry out one call: on success `result` holds its result, else the error's text."""
        handler = getattr(self, f"_api_{call.method}", None)
        if handler is None:
            call.status, call.result = 404, "Not Found: method not found"
            return False
        try:
            call.result = await handler(call.params)
        except LookupError:
            call.status, call.result = 400, f"Bad Request: {call.method} of an unknown id"
            return False
        call.delivered = True
        self.counts[call.method] += 1
        reply_to = (call.params.get("reply_parameters") or {}).get("message_id")
        if call.method == "sendMessage" and reply_to is not None:
            self.replies[(call.params["chat_id"], reply_to)] += 1
        return True

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """A file's bytes at `{file_base}{token}/{file_path}`, as getFile announced it."""
        path = request.match_info["path"]
        call = Call("downloadFile", {"path": path})
        if self.keep_history:
            self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                call.status = 401
                return _error(401, "Unauthorized")
            if self.faults["downloadFile"]:
                self.faults["downloadFile"].popleft()
                call.status = 500
                return _error(500, "Internal Server Error")
            for file_path, data in self.files.values():
                if file_path == path:
                    call.delivered = True
                    return web.Response(body=data, content_type="application/octet-stream")
            call.status = 404
            return _error(404, "Not Found")
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
        if self.keep_history:
            self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _api_getFile(self, p: dict[str, Any]) -> Any:
        file_path, data = self.files[p["file_id"]]
        return {"file_id": p["file_id"], "file_unique_id": f"u{p['file_id']}",
                "file_size": len(data), "file_path": file_path}

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


def _suffix(name: str | None) -> str:
    """The name's extension, if any, for a file path like Telegram's `documents/file_7.txt`."""
    tail = (name or "").rsplit("/", 1)[-1]
    return "." + tail.rsplit(".", 1)[1][:8] if "." in tail else ""


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
