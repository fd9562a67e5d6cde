"""Score conversations: the seed conversation files, and Abg-CoQA's follow-up questions.

A conversation file (../shared/eval/README.md, section Conversations) holds one
conversation a line, `{"id", "article", "turns": [question, ...]}`; each turn is asked in
the context of the turns before it and scored like a lone question (measure/seed_eval.py).

Abg-CoQA (`coqa_abg.jsonl.gz`): all 600 stories are the articles of one index, as a news
bot holds many, so a follow-up has to be read in the right one. (In an index of its story
alone, three quotes of a 1,500-character story hold the rationale about 80% of the time
whatever the question, which measures nothing about reading it.) Each item's history
turns are asked first, in one conversation, and then its target turn; the target passes
when one of the first three quotes holds its rationale span. Beside it, the same target
asked alone, and the item's first history turn (asked first, so alone too); and how often
the conversation ended in the target's own story. Splits: `val` to develop on, `test`
measured once.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import NewsqaError, QuestionError
from measure.dataset_eval import PrimedEmbedder, dataset_root, ensure_index, norm, sample
from measure.datasets import Source
from measure.seed_eval import KINDS, EvalQuestion, EvalResult, passes
from qa.answer import Answer
from qa.config import QAConfig, RetrievalMode
from qa.conversation.ask import ask as ask_in_conversation
from qa.conversation.history import Conversation
from qa.engine import Engine

COQA_FILE = "coqa_abg.jsonl.gz"
COQA_SPLITS = ("val", "test", "all")
Progress = Callable[[int, int], None]


# --- conversation files ---------------------------------------------------------------

@dataclass(frozen=True)
class EvalConversation:
    id: str
    article: str
    turns: tuple[EvalQuestion, ...]


def is_conversation_file(path: Path) -> bool:
    """Whether a question file holds conversations: its first object has `turns`."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
        return isinstance(row := json.loads(first), dict) and "turns" in row
    except (OSError, UnicodeDecodeError, ValueError):
        return False


def load_conversations(path: Path) -> list[EvalConversation]:
    """Read a conversation file; a missing or malformed one is one clear error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsqaError(f"cannot read conversation file {path}: {exc}") from None
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cid = str(row["id"])
            turns = tuple(
                EvalQuestion(id=f"{cid}.{i}", kind=str(t["kind"]), question=str(t["question"]),
                             quote_any=tuple(t.get("quote_any", [])),
                             values=tuple(float(v) for v in t.get("values", [])))
                for i, t in enumerate(row["turns"], start=1)
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise NewsqaError(f"{path}:{n}: not a conversation line ({exc.__class__.__name__}: {exc})") from None
        if not turns:
            raise NewsqaError(f"{path}:{n}: conversation {cid} has no turns")
        if bad := next((t for t in turns if t.kind not in KINDS), None):
            raise NewsqaError(f"{path}:{n}: unknown kind {bad.kind!r}")
        out.append(EvalConversation(cid, str(row.get("article", "")), turns))
    if not out:
        raise NewsqaError(f"{path}: holds no conversations")
    return out


def evaluate_conversations(conversations: list[EvalConversation], engine: Engine,
                           mode: RetrievalMode | None = None, into: EvalResult | None = None) -> EvalResult:
    """Each turn asked after the turns before it, scored like a lone question (added to
    `into`, the result of the lone questions, when given)."""
    result = into if into is not None else EvalResult(mode or engine.qa_cfg.mode)
    for c in conversations:
        conv = Conversation()
        for q in c.turns:
            result.add(q, passes(q, ask_in_conversation(engine, conv, q.question, mode=mode)))
    return result


# --- Abg-CoQA -------------------------------------------------------------------------

@dataclass(frozen=True)
class CoqaItem:
    """One scored turn: the history asked before it, and the rationale spans."""

    id: str
    article_id: str
    history: tuple[str, ...]
    target: str
    span: str
    first_span: str


def load_coqa(data_dir: Path, split: str | None = None) -> tuple[dict[str, Source], list[CoqaItem], str]:
    """Every story as a source, and the items of `split` whose target and first history
    turn have a located rationale span."""
    split = split or COQA_SPLITS[0]
    if split not in COQA_SPLITS:
        raise NewsqaError(f"coqa has no split {split!r}; choose from {', '.join(COQA_SPLITS)}")
    path = Path(data_dir) / COQA_FILE
    if not path.is_file():
        raise NewsqaError(f"data set file {path} not found; pass --data-dir (the folder of ../shared/data)")
    sources: dict[str, Source] = {}
    items: list[CoqaItem] = []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    except (OSError, EOFError, ValueError) as exc:
        raise NewsqaError(f"cannot read {path}: {exc}") from None
    for row in rows:
        aid = f"coqa-{row['id']}"
        sources[aid] = Source(aid, "", row["story"])
        questions = {q["turn_id"]: q["input_text"] for q in row["questions"]}
        spans = {a["turn_id"]: a["span_text"].strip() if a.get("span_start", -1) >= 0 else ""
                 for a in row["answers"]}
        for item in row["abg_items"]:
            if split != "all" and item["abg_split"] != split:
                continue
            history = tuple(item["history_turn_ids"])
            target = item["target_turn_id"]
            if not history or not spans.get(target) or not spans.get(history[0]):
                continue
            items.append(CoqaItem(item["abg_id"], aid, tuple(questions[t] for t in history),
                                  questions[target], spans[target], spans[history[0]]))
    return sources, items, split


@dataclass
class TurnScore:
    """How often a quote holds the rationale span, for one row of the table."""

    n: int = 0
    hit1: int = 0
    hit3: int = 0
    abstained: int = 0
    asked_back: int = 0
    read_with_context: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, answer: Answer | None, span: str, asked_back: bool = False) -> bool:
        self.n += 1
        self.read_with_context += answer is not None and answer.resolved_question != answer.question
        if answer is None or answer.abstained:
            self.abstained += 1
            self.asked_back += asked_back
            return False
        gold = norm(span)
        found = [gold in norm(q.text) for q in answer.quotes[:3]]
        self.hit1 += bool(found[:1] and found[0])
        self.hit3 += any(found)
        return any(found)

    def as_dict(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {"hit@1": round(self.hit1 / n, 4), "hit@3": round(self.hit3 / n, 4),
                "abstained": round(self.abstained / n, 4), "asked_back": round(self.asked_back / n, 4),
                "read_with_context": round(self.read_with_context / n, 4)}


def _converse(engine: Engine, conv: Conversation, question: str) -> tuple[Answer | None, bool]:
    """The answer in the conversation, and whether it was a question back."""
    last = conv.turns[-1] if conv.turns else None
    try:
        answer = ask_in_conversation(engine, conv, question)
    except QuestionError:
        return None, False
    return answer, (conv.turns[-1] if conv.turns else None) is last


def score_coqa(data_dir: Path, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder,
               split: str | None = None, limit: int | None = None, seed: int = 0,
               progress: Progress | None = None, build_progress: bool = False,
               details: list[dict] | None = None) -> dict:
    """The three rows (first history turn, target after history, target alone) and the
    two ratios the goals name, on one index of every story."""
    sources, items, split = load_coqa(data_dir, split)
    cfg = index_cfg.model_copy(update={"index_dir": dataset_root(index_cfg.index_dir, "coqa")})
    ensure_index(cfg, sources, embedder, progress=build_progress)
    engine = Engine(cfg, qa_cfg, PrimedEmbedder(embedder))
    chosen = sample(items, limit, seed)
    first, after, alone = TurnScore(), TurnScore(), TurnScore()
    in_article = 0
    for done, item in enumerate(chosen, start=1):
        conv = Conversation(idle_seconds=0)
        for i, question in enumerate(item.history):
            answer, _ = _converse(engine, conv, question)
            if i == 0:  # the first turn of a conversation is asked alone
                first.add(answer, item.first_span)
        answer, back = _converse(engine, conv, item.target)
        ok = after.add(answer, item.span, back)
        in_article += conv.focus() == item.article_id
        single, _ = _converse(engine, Conversation(), item.target)
        ok_alone = alone.add(single, item.span)
        if details is not None:
            details.append({"id": item.id, "history": list(item.history), "target": item.target,
                            "span": item.span, "read_as": answer.resolved_question if answer else None,
                            "after_history": ok, "alone": ok_alone,
                            "in_its_article": conv.focus() == item.article_id})
        if progress:
            progress(done, len(chosen))
    rows = {"first history turn": first.as_dict(), "target after history": after.as_dict(),
            "target alone": alone.as_dict()}
    hit = {k: r["hit@3"] for k, r in rows.items()}
    return {"dataset": "coqa", "split": split, "n": len(chosen), "seed": seed if limit else None,
            "rows": rows, "target_in_its_story": round(in_article / max(len(chosen), 1), 4),
            "after_vs_first": round(hit["target after history"] / hit["first history turn"], 3)
            if hit["first history turn"] else None,
            "after_vs_alone": round(hit["target after history"] / hit["target alone"], 3)
            if hit["target alone"] else None}
