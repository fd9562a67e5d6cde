"""Score question files (../shared/eval format) against the engine, per kind."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import NewsqaError
from qa.answer import Answer

KINDS = ("quote", "figure", "abstain")
TOLERANCE = 0.015


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(s or "")).strip().casefold()


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    kind: str
    question: str
    quote_any: tuple[str, ...] = ()
    values: tuple[float, ...] = ()


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a question file; a missing or malformed one is one clear error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsqaError(f"cannot read question file {path}: {exc}") from None
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            q = EvalQuestion(
                id=str(row["id"]), kind=str(row["kind"]), question=str(row["question"]),
                quote_any=tuple(row.get("quote_any", [])),
                values=tuple(float(v) for v in row.get("values", [])),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise NewsqaError(f"{path}:{n}: not a question line ({exc.__class__.__name__}: {exc})") from None
        if q.kind not in KINDS:
            raise NewsqaError(f"{path}:{n}: unknown kind {q.kind!r}")
        out.append(q)
    if not out:
        raise NewsqaError(f"{path}: holds no questions")
    return out


def quoted_texts(answer: Answer, top: int = 3) -> list[str]:
    texts = [fold(q.text) for q in answer.quotes[:top]]
    return texts + [fold(i.quote) for f in answer.figures for i in f.inputs]


def passes(q: EvalQuestion, answer: Answer) -> bool:
    """The same test a reader would make (and the shared scorer makes)."""
    texts = quoted_texts(answer)
    quoted = any(fold(n) in t for t in texts for n in q.quote_any)
    if q.kind == "quote":
        return quoted and not answer.abstained
    if q.kind == "figure":
        inputs = [fold(i.quote) for f in answer.figures for i in f.inputs]
        value_ok = any(abs(f.value - w) <= TOLERANCE * abs(w)
                       for f in answer.figures for w in q.values)
        quote_ok = not q.quote_any or any(fold(n) in t for t in inputs for n in q.quote_any)
        return value_ok and quote_ok
    return answer.abstained and not answer.figures and not answer.quotes


@dataclass
class EvalResult:
    mode: str
    passed: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, q: EvalQuestion, ok: bool) -> None:
        self.total[q.kind] = self.total.get(q.kind, 0) + 1
        self.passed[q.kind] = self.passed.get(q.kind, 0) + int(ok)
        if not ok:
            self.misses.append(f"{q.id} ({q.kind}): {q.question}")

    def as_dict(self) -> dict:
        return {"mode": self.mode,
                "kinds": {k: {"passed": self.passed[k], "total": self.total[k]} for k in self.total},
                "misses": self.misses}


def evaluate(questions: Iterable[EvalQuestion], ask: Callable[[str], Answer], mode: str) -> EvalResult:
    result = EvalResult(mode)
    for q in questions:
        result.add(q, passes(q, ask(q.question)))
    return result
