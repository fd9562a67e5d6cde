"""The `Quantity` record: one number an article states, with what it measures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from index.quantities.patterns import TIME_UNITS


@dataclass(frozen=True)
class Quantity:
    """One number stated in an article, with what it measures and how it was said.

    `value` is in base units (380e9 for "380 billion yuan", 34.0 for "34 per cent").
    Offsets are into the article's cleaned text: `text == article_text[start:end]`,
    and likewise for `sentence`, `clause` and `equiv_text`.
    """

    value: float
    unit: str  # ISO 4217 code, "%", "x", "CNY/USD" for a stated rate, a count noun, or ""
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    clause: str  # what it measures: verbatim part of `sentence` holding the number
    clause_start: int
    clause_end: int
    approx: str = ""  # "", "about", "at least", "at most"
    approx_text: str = ""  # the words saying so, with the number: "more than 10 million times"
    role: str = "level"  # "level"; "change" (size of a change: "grew 34%", "rose by $3m");
    # "period" (the number belongs to a period phrase: "three" in "over three years")
    direction: int = 0  # +1 / -1 for a change
    period_count: float = 0.0  # "over three years" -> 3 year; 0 when none is stated
    period_unit: str = ""  # "year", "quarter", "month", "week", "day"
    period_text: str = ""
    factor: float | None = None  # a level reached by a change: level / previous level
    delta: float | None = None  # level - previous level, in `unit`
    previous: float | None = None  # the previous level, when stated ("from 5 to 7")
    change_text: str = ""  # the words stating the change ("nearly doubled")
    change_approx: str = ""
    equiv_value: float | None = None  # "380 billion yuan ($53.8 billion)" -> 53.8e9 USD
    equiv_unit: str = ""
    equiv_text: str = ""
    equiv_start: int = -1
    equiv_end: int = -1
    when: str = ""  # the year it measures: "2014" for "$1.6 billion in 2014"
    since: str = ""  # for a change, the year it is measured from: "2013" in "up $108m from 2013"
    change_pct: float | None = None  # an amount's change also stated in per cent: "£88m, or 31%"
    per: str = ""  # a price or rate per one thing: "share" for "$23.10 a share"

    @property
    def is_money(self) -> bool:
        """True for ISO currency codes (three capitals)."""
        return len(self.unit) == 3 and self.unit.isupper() and self.unit.isalpha()

    @property
    def periods_per_year(self) -> float | None:
        """How many of this quantity's periods make a year (3 years -> 1/3)."""
        per = TIME_UNITS.get(self.period_unit)
        if per is None or self.period_count <= 0:
            return None
        return per / self.period_count

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, for storage beside the chunk."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quantity:
        """Inverse of `to_dict`; unknown keys (a newer schema) are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
