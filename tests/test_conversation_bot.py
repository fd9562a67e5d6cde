"""Conversations in Telegram: the real Application, engine and PTB persistence against the
fake Bot API. One conversation per chat (per user in a group), `/new`, and a restart."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from telegram.ext import Application

from bot.telegram.handlers import NEW_CONVERSATION
from bot.telegram.html_split import visible_text
from tests.fake_bot_api import FakeBotAPI

pytest_plugins = ("tests.conftest_bot",)

StartBot = Callable[..., AbstractAsyncContextManager[Application]]
PLEDGE = "How much did Alibaba pledge to invest in AI?"
PER_YEAR = "How much is that per year?"
READ_PER_YEAR = "Reading this as: How much did Alibaba pledge to invest in AI per year?"


def shown(fake: FakeBotAPI, chat: int) -> list[str]:
    """What each message sent to `chat` shows, white space folded."""
    return [" ".join(visible_text(c.params["text"]).split()) for c in fake.sent(chat)]


async def ask(fake: FakeBotAPI, user: int, text: str, **where: object) -> str:
    chat = int(where.get("chat_id", user))  # type: ignore[call-overload]
    before = len(fake.sent(chat))
    fake.push_message(user, text, **where)  # type: ignore[arg-type]
    await fake.wait_sent(chat, before + 1)
    return shown(fake, chat)[before]


async def test_three_turns_in_one_chat_while_another_chat_asks_alone(
    fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path
) -> None:
    async with start_bot(chat_state_file=tmp_path / "chats.pickle"):
        first = await ask(fake_api, 41, PLEDGE)
        other = await ask(fake_api, 42, "Who is Jiang Fan?")
        per_year = await ask(fake_api, 41, PER_YEAR)
        other_follow = await ask(fake_api, 42, PER_YEAR)  # chat 42 asked of Jiang Fan, not the pledge
        dollars = await ask(fake_api, 41, "And in dollars?")
    assert "Reading this as" not in first and "380 billion yuan" in first
    assert "Reading this as" not in other
    assert READ_PER_YEAR in per_year and "126.7 billion yuan" in per_year
    assert "Reading this as: How much did Alibaba pledge to invest in AI per year in dollars?" in dollars
    assert "$17.9 billion" in dollars
    assert "invest in AI" not in other_follow


async def test_new_starts_afresh(fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path) -> None:
    async with start_bot(chat_state_file=tmp_path / "chats.pickle"):
        await ask(fake_api, 43, PLEDGE)
        fresh = await ask(fake_api, 43, "/new")
        alone = await ask(fake_api, 43, PER_YEAR)
    assert fresh == NEW_CONVERSATION
    assert "Reading this as" not in alone and "126.7 billion yuan" not in alone


async def test_a_restart_keeps_the_conversation(fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path) -> None:
    state = tmp_path / "chats.pickle"
    async with start_bot(chat_state_file=state):
        await ask(fake_api, 44, PLEDGE)
    assert state.is_file()
    async with start_bot(chat_state_file=state):  # a new Application over the same file
        after = await ask(fake_api, 44, PER_YEAR)
    assert READ_PER_YEAR in after and "126.7 billion yuan" in after


async def test_an_idle_conversation_is_forgotten(fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path) -> None:
    async with start_bot(chat_state_file=tmp_path / "chats.pickle", conversation_idle_minutes=1e-6):
        await ask(fake_api, 45, PLEDGE)
        later = await ask(fake_api, 45, PER_YEAR)
    assert "Reading this as" not in later


async def test_in_a_group_each_user_has_a_conversation(
    fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path
) -> None:
    group = {"chat_id": -4600, "chat_type": "supergroup"}
    async with start_bot(chat_state_file=tmp_path / "chats.pickle"):
        await ask(fake_api, 46, f"/ask {PLEDGE}", **group)
        someone_else = await ask(fake_api, 47, f"/ask {PER_YEAR}", **group)
        asker = await ask(fake_api, 46, f"/ask {PER_YEAR}", **group)
    assert "Reading this as" not in someone_else
    assert READ_PER_YEAR in asker


async def test_more_passages_of_a_follow_up_are_for_the_question_as_read(
    fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path
) -> None:
    async with start_bot(chat_state_file=tmp_path / "chats.pickle"):
        await ask(fake_api, 47, PLEDGE)
        before = len(fake_api.sent(47))
        fake_api.push_message(47, PER_YEAR)
        [*_, reply] = await fake_api.wait_sent(47, before + 1)
        [[button]] = reply.params["reply_markup"]["inline_keyboard"]
        fake_api.push_callback(47, reply.result, button["callback_data"])
        await fake_api.wait_sent(47, before + 2)
    more = shown(fake_api, 47)[before + 1]
    assert more.startswith("More passages for: How much did Alibaba pledge to invest in AI per year?")


async def test_an_unreadable_chat_state_file_is_set_aside(
    fake_api: FakeBotAPI, start_bot: StartBot, tmp_path: Path
) -> None:
    state = tmp_path / "chats.pickle"
    state.write_bytes(b"\x80\x04 cut short")
    async with start_bot(chat_state_file=state):
        first = await ask(fake_api, 48, PLEDGE)
    assert "380 billion yuan" in first
    [aside] = tmp_path.glob("chats.pickle.unreadable-*")
    assert aside.read_bytes() == b"\x80\x04 cut short"
