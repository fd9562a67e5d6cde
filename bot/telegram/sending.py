"""Sending to Telegram: HTML replies split over messages, and a typing indicator.

The indicator is one loop per chat however many of its questions wait (`Typing`): a
burst from one chat must not spend the bot's ~30 calls a second on repeated "typing…".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import ClassVar

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode

log = logging.getLogger(__name__)
TYPING_EVERY = 4.0  # a typing action shows for about five seconds


async def reply(
    message: Message | None, texts: list[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send HTML messages in order: the first answers `message`, the button goes last."""
    if message is None:
        return
    for i, text in enumerate(texts):
        await message.get_bot().send_message(
            message.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if i == 0 else None,
            reply_markup=markup if i == len(texts) - 1 else None,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )


class _TypingLoop:
    """Sends "typing…" every few seconds until stopped. Stopping never cuts a call short
    (a cancelled request closes its connection, and the next call must open a new one):
    the loop just ends after the call in flight."""

    running: ClassVar[set[asyncio.Task[None]]] = set()  # strong references until each ends

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self._stop = asyncio.Event()
        task = asyncio.create_task(self._run(bot, chat_id))
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def _run(self, bot: Bot, chat_id: int) -> None:
        while not self._stop.is_set():
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except Exception as exc:  # cosmetic: never worth an error (e.g. a client closed at shutdown)
                log.debug("typing action failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), TYPING_EVERY)

    def stop(self) -> None:
        self._stop.set()


def typing_loops() -> int:
    """How many typing loops are still running (each ends soon after it is stopped)."""
    return len(_TypingLoop.running)


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the body runs, renewed before Telegram lets it lapse."""
    loop = _TypingLoop(bot, chat_id)
    try:
        yield
    finally:
        loop.stop()


class Typing:
    """`typing` shared per chat: the loop starts with the chat's first waiting question and
    stops with its last. Entries leave with their last user, so this stays small."""

    def __init__(self) -> None:
        self._chats: dict[int, tuple[int, _TypingLoop]] = {}

    def __len__(self) -> int:
        return len(self._chats)

    @contextlib.asynccontextmanager
    async def __call__(self, bot: Bot, chat_id: int) -> AsyncIterator[None]:
        users, loop = self._chats.get(chat_id, (0, None))
        self._chats[chat_id] = (users + 1, loop or _TypingLoop(bot, chat_id))
        try:
            yield
        finally:
            users, loop = self._chats[chat_id]
            if users > 1:
                self._chats[chat_id] = (users - 1, loop)
            else:
                del self._chats[chat_id]
                loop.stop()
