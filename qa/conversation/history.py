"""A conversation: its last few turns, forgotten after an idle time, kept as plain data.

Front ends store it wherever they keep state (PTB's persisted `chat_data`, a dict per
`newsqa ask --json -` conversation id, later Redis), so it goes to and from a plain
dict of strings, numbers and lists; a damaged or foreign dict reads as a fresh
conversation rather than an error.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

MAX_TURNS = 4
IDLE_SECONDS = 30 * 60.0


@dataclass(frozen=True)
class Turn:
    """One answered question, with what a follow-up may need from it."""

    question: str
    resolved: str
    article_id: str = ""  # the article of the answer's first quote or figure input
    lead: str = ""  # the sentence the answer led with
    abstained: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Conversation:
    """The last `max_turns` turns; `updated` is wall-clock seconds, so it survives a restart."""

    turns: list[Turn] = field(default_factory=list)
    updated: float = 0.0
    max_turns: int = MAX_TURNS
    idle_seconds: float = IDLE_SECONDS

    def expire(self, now: float | None = None) -> bool:
        """Forget the turns when the conversation has been idle too long; True if it did."""
        now = time.time() if now is None else now
        if self.turns and self.idle_seconds > 0 and now - self.updated > self.idle_seconds:
            self.turns.clear()
            return True
        return False

    def add(self, turn: Turn, now: float | None = None) -> None:
        self.turns.append(turn)
        del self.turns[: max(0, len(self.turns) - self.max_turns)]
        self.updated = time.time() if now is None else now

    def clear(self) -> None:
        self.turns.clear()

    def focus(self) -> str | None:
        """The article of the last answer that quoted one: follow-ups are read in it."""
        return next((t.article_id for t in reversed(self.turns) if t.article_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"turns": [asdict(t) for t in self.turns], "updated": self.updated}

    @classmethod
    def from_dict(cls, data: object, max_turns: int = MAX_TURNS,
                  idle_seconds: float = IDLE_SECONDS) -> Conversation:
        """The conversation a stored dict holds; anything unreadable is a fresh one."""
        conv = cls(max_turns=max_turns, idle_seconds=idle_seconds)
        if not isinstance(data, dict):
            return conv
        try:
            conv.turns = [Turn.from_dict(t) for t in data.get("turns", [])][-max_turns:]
            conv.updated = float(data.get("updated", 0.0))
        except (TypeError, ValueError):
            return cls(max_turns=max_turns, idle_seconds=idle_seconds)
        return conv
