"""Score the engine on the public sets: retrieval (SQuAD, TAT-QA) and figures (DROP, FinQA).

Retrieval: hit@1 / hit@3 count answers whose first / first three quotes contain a gold
span (case and white space folded); an abstention is a miss. Figures: an answer is
correct when one of its figures is within 1.5% of a gold answer, wrong when it has
figures and none is, none when it has no figure. Figures are in base units (6.9e6 for
"$6.9 million") while the sets state amounts in the passage's scale ("in millions"),
so a figure also matches at a thousandth, millionth, billionth or trillionth of its
value; FinQA states percentages as fractions, so a % figure also matches at value/100.

Dataset indexes are built once under `<index_dir>/datasets/<name>` and reused while
the data, the model, the chunking and the index code are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import NewsqaError, QuestionError
from index.store.layout import current_version, index_home
from index.update.build import update_index
from measure.datasets import (
    ArithmeticQuestion,
    ArithmeticSet,
    RetrievalQuestion,
    RetrievalSet,
    Source,
    sources_digest,
)
from measure.seed_eval import TOLERANCE, fold
from qa.answer import Answer, Figure
from qa.config import QAConfig, RetrievalMode
from qa.engine import Engine
from qa.retrieval.encode_cache import EncodeCache

MODES: tuple[RetrievalMode, ...] = ("hybrid", "dense", "bm25")
SCALES = (1.0, 1e3, 1e6, 1e9, 1e12)
Progress = Callable[[int, int], None]
T = TypeVar("T")


def sample(items: Sequence[T], limit: int | None, seed: int) -> list[T]:
    """`limit` items drawn with `seed` (all when no limit), in their original order."""
    if not limit or limit >= len(items):
        return list(items)
    rows = sorted(random.Random(seed).sample(range(len(items)), limit))
    return [items[i] for i in rows]


def modes_in_order(default: RetrievalMode) -> list[RetrievalMode]:
    """Every retrieval mode, the default one first."""
    return [default, *(m for m in MODES if m != default)]


def norm(text: str) -> str:
    """Case, white space, entities and Unicode form folded: how a reader compares."""
    return fold(unicodedata.normalize("NFC", text))


# --- cached dataset indexes ---------------------------------------------------------

def _code_digest() -> str:
    """Hash of the index package's code: new extraction or chunking means a rebuild."""
    h = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parents[1] / "index").rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def dataset_root(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / "datasets" / name


def ensure_index(cfg: IndexConfig, sources: dict[str, Source], embedder: Embedder,
                 progress: bool = False) -> bool:
    """Build the index of `sources` in `cfg.index_dir` unless a fitting one is cached.

    Returns whether it built. The marker beside the index records what it was built
    from; without a match the index is rebuilt whole (quantities and chunks included).
    """
    marker = cfg.index_dir / f"built-{cfg.fingerprint()}.json"
    key = {"sources": sources_digest(sources), "code": _code_digest()}
    try:
        cached = json.loads(marker.read_text(encoding="utf-8")) == key
    except (OSError, ValueError):
        cached = False
    if cached and current_version(index_home(cfg)) is not None:
        return False
    articles = {}
    for s in sources.values():
        article = s.article()
        if article is not None:
            articles[s.id] = article
    if not articles:
        raise NewsqaError(f"no article text in the sources of {cfg.index_dir}")
    update_index(cfg, rebuild=True, articles=articles, embedder=embedder, progress=progress)
    marker.write_text(json.dumps(key), encoding="utf-8")
    return True


class PrimedEmbedder(Embedder):
    """The shared model, remembering every vector it encodes, primed in batches.

    An evaluation asks thousands of known questions (encoded 64 at a time, several
    times faster than one by one): each text is encoded once. Vectors are the model's
    own, so scores are unchanged; only the bench measures per-question latency.
    """

    def __init__(self, inner: Embedder) -> None:  # no super(): reuses the loaded model
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.dim = inner.dim
        self._cache = EncodeCache(inner.encode, max_texts=None)

    def prime(self, texts: Sequence[str]) -> None:
        self._cache(list(texts))

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return self.inner.encode(texts, batch_size, progress)
        return self._cache(texts)


def _prime(engine: Engine, embedder: PrimedEmbedder, questions: Sequence[str]) -> None:
    texts = []
    for q in questions:
        try:
            texts.append(engine.check_question(q))
        except QuestionError:
            continue
    embedder.prime(texts)


def _ask(engine: Engine, question: str, mode: RetrievalMode | None = None, top_k: int = 3) -> Answer | None:
    try:
        return engine.ask(question, top_k=top_k, mode=mode)
    except QuestionError:
        return None


# --- retrieval sets -----------------------------------------------------------------

@dataclass
class RetrievalScore:
    """Counts for one retrieval mode."""

    n: int = 0
    hit1: int = 0
    hit3: int = 0
    abstained: int = 0
    quote_chars: list[int] = field(default_factory=list)

    def add(self, q: RetrievalQuestion, answer: Answer | None) -> None:
        self.n += 1
        if answer is None or answer.abstained:
            self.abstained += 1
            return
        golds = [norm(a) for a in q.answers]
        quotes = [norm(x.text) for x in answer.quotes[:3]]
        found = [any(g in t for g in golds) for t in quotes]
        self.hit1 += int(bool(found[:1]) and found[0])
        self.hit3 += int(any(found))
        self.quote_chars += [len(x.text) for x in answer.quotes[:3]]

    def as_dict(self) -> dict[str, float]:
        n = max(self.n, 1)
        mean = sum(self.quote_chars) / len(self.quote_chars) if self.quote_chars else 0.0
        return {"hit@1": round(self.hit1 / n, 4), "hit@3": round(self.hit3 / n, 4),
                "mean_quote_chars": round(mean, 1), "abstained": round(self.abstained / n, 4)}


def score_retrieval(
    ds: RetrievalSet, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder,
    limit: int | None = None, seed: int = 0, modes: Sequence[RetrievalMode] | None = None,
    progress: Progress | None = None, build_progress: bool = False,
) -> dict:
    """Index the set's articles (cached) and score every mode on the same questions."""
    cfg = index_cfg.model_copy(update={"index_dir": dataset_root(index_cfg.index_dir, ds.name)})
    ensure_index(cfg, ds.sources, embedder, progress=build_progress)
    primed = PrimedEmbedder(embedder)
    engine = Engine(cfg, qa_cfg, primed)
    questions = sample(ds.questions, limit, seed)
    _prime(engine, primed, [q.question for q in questions])
    modes = list(modes or modes_in_order(qa_cfg.mode))
    scores = {m: RetrievalScore() for m in modes}
    total, done = len(questions) * len(modes), 0
    for q in questions:
        for m in modes:
            scores[m].add(q, _ask(engine, q.question, m))
            done += 1
        if progress:
            progress(done, total)
    return {"dataset": ds.name, "split": ds.split, "n": len(questions),
            "modes": {m: s.as_dict() for m, s in scores.items()}}


# --- arithmetic sets ----------------------------------------------------------------

def figure_matches(figure: Figure, answers: Sequence[float], percent_fractions: bool) -> bool:
    """Whether a figure states one of the gold answers, within 1.5% (see the module doc)."""
    if figure.unit == "%":
        values = [figure.value, figure.value / 100] if percent_fractions else [figure.value]
    else:
        values = [figure.value / s for s in SCALES]
    return any(abs(v - g) <= TOLERANCE * abs(g) for v in values for g in answers)


def judge(answer: Answer | None, q: ArithmeticQuestion, percent_fractions: bool) -> str:
    """'correct', 'wrong' or 'none' for one answer."""
    figures = answer.figures if answer is not None else []
    if not figures:
        return "none"
    return "correct" if any(figure_matches(f, q.answers, percent_fractions) for f in figures) else "wrong"


def score_arithmetic(
    ds: ArithmeticSet, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder,
    limit: int | None = None, seed: int = 0, progress: Progress | None = None,
    details: list[dict] | None = None,
) -> dict:
    """Ask each sampled question over an index of its own passage (cached per passage)."""
    questions = sample(ds.questions, limit, seed)
    by_passage: dict[str, list[ArithmeticQuestion]] = {}
    for q in questions:
        by_passage.setdefault(q.article_id, []).append(q)
    root = dataset_root(index_cfg.index_dir, ds.name)
    counts = {"correct": 0, "wrong": 0, "none": 0}
    primed = PrimedEmbedder(embedder)
    done = 0
    for passage_id, asked in by_passage.items():
        cfg = index_cfg.model_copy(update={"index_dir": root / passage_id})
        try:
            ensure_index(cfg, {passage_id: ds.sources[passage_id]}, embedder)
        except NewsqaError:  # a passage with no text left after cleaning: nothing to answer from
            engine = None
        else:
            engine = Engine(cfg, qa_cfg, primed)
            _prime(engine, primed, [q.question for q in asked])
        for q in asked:
            answer = _ask(engine, q.question) if engine is not None else None
            verdict = judge(answer, q, percent_fractions=ds.name == "finqa")
            counts[verdict] += 1
            if details is not None:
                details.append({"id": q.id, "question": q.question, "gold": list(q.answers),
                                "verdict": verdict,
                                "figures": [[f.value, f.unit, f.formula] for f in answer.figures]
                                if answer else []})
            done += 1
            if progress:
                progress(done, len(questions))
    n = max(len(questions), 1)
    return {"dataset": ds.name, "split": ds.split, "n": len(questions),
            **{k: round(v / n, 4) for k, v in counts.items()}}
