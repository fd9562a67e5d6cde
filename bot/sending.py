"""Sending to Telegram: HTML replies split over messages, and a typing indicator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

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


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the body runs, renewed before Telegram lets it lapse."""

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
