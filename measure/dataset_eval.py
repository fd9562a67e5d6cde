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
from measure.baseline import WINDOWS, plain_index_config, plain_quotes
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
from qa.compose import lead_text
from qa.config import QAConfig, RetrievalMode
from qa.engine import Engine
from qa.figures.extremes import parse_extreme
from qa.figures.intent import parse_intent
from qa.figures.plays import parse_count, parse_yards
from qa.figures.year_intent import parse_years
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

def _code_digest(quantities: bool = True) -> str:
    """Hash of the index code that decides what a cached index holds: the text of each
    chunk and its vector (cleaning, intake, chunking, the embedder) and, with `quantities`,
    the numbers extracted. How versions are stored is not in it: a new storage format
    migrates (index/store/metadata.py) rather than re-embedding a 10,000-chunk corpus;
    retrieval scores never read the quantities."""
    h = hashlib.sha256()
    index_code = Path(__file__).resolve().parents[1] / "index"
    parts = ["text", "intake", *(["quantities"] if quantities else [])]
    paths = [p for part in parts for p in (index_code / part).rglob("*.py")]
    paths += [index_code / "embedder.py", index_code / "article.py"]
    for path in sorted(paths):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def dataset_root(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / "datasets" / name


def ensure_index(cfg: IndexConfig, sources: dict[str, Source], embedder: Embedder,
                 progress: bool = False, quantities: bool = True) -> bool:
    """Build the index of `sources` in `cfg.index_dir` unless a fitting one is cached.

    Returns whether it built. The marker beside the index records what it was built
    from; without a match the index is rebuilt whole (quantities and chunks included).
    """
    marker = cfg.index_dir / f"built-{cfg.fingerprint()}.json"
    key = {"sources": sources_digest(sources), "code": _code_digest(quantities)}
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
    """Counts for one row of a retrieval table (a mode, or a baseline).

    lead hit@1: a gold answer inside quote 1's lead sentence; hit@1 / hit@3: inside quote
    1 / any of the first three quotes. With unanswerable questions (SQuAD 2.0) the
    answerable ones count "answered" and "answered and hit@3", the others "declined".
    """

    n: int = 0
    lead_hit1: int = 0
    hit1: int = 0
    hit3: int = 0
    abstained: int = 0
    lead_chars: list[int] = field(default_factory=list)
    quote_chars: list[int] = field(default_factory=list)
    unanswerable: int = 0
    declined: int = 0

    def add(self, q: RetrievalQuestion, answer: Answer | None) -> None:
        if not q.answerable:
            self.unanswerable += 1
            self.declined += int(answer is None or answer.abstained)
            return
        self.n += 1
        if answer is None or answer.abstained:
            self.abstained += 1
            return
        leads = [lead_text(x) for x in answer.quotes[:1]]
        self.add_texts(q, [x.text for x in answer.quotes[:3]], leads)

    def add_texts(self, q: RetrievalQuestion, quotes: list[str], leads: list[str]) -> None:
        """Score quotes given as texts (quote 1's lead: `leads[0]`), for the baselines."""
        golds = [norm(a) for a in q.answers]
        found = [any(g in norm(t) for g in golds) for t in quotes]
        self.hit1 += int(bool(found[:1]) and found[0])
        self.hit3 += int(any(found))
        self.lead_hit1 += int(bool(leads) and any(g in norm(leads[0]) for g in golds))
        self.quote_chars += [len(t) for t in quotes]
        self.lead_chars += [len(t) for t in leads[:1]]

    def as_dict(self) -> dict[str, float]:
        n = max(self.n, 1)

        def mean(xs: list[int]) -> float:
            return round(sum(xs) / len(xs), 1) if xs else 0.0

        row = {"lead hit@1": round(self.lead_hit1 / n, 4), "hit@1": round(self.hit1 / n, 4),
               "hit@3": round(self.hit3 / n, 4), "mean_lead_chars": mean(self.lead_chars),
               "mean_quote_chars": mean(self.quote_chars), "abstained": round(self.abstained / n, 4)}
        if self.unanswerable:
            row["answered"] = round(1 - self.abstained / n, 4)
            row["declined_unanswerable"] = round(self.declined / self.unanswerable, 4)
        return row


def score_retrieval(
    ds: RetrievalSet, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder,
    limit: int | None = None, seed: int = 0, modes: Sequence[RetrievalMode] | None = None,
    progress: Progress | None = None, build_progress: bool = False, baselines: bool = True,
) -> dict:
    """Index the set's articles (cached) and score every mode on the same questions,
    beside the plain baselines over 1- and 3-sentence windows of the same corpus."""
    root = dataset_root(index_cfg.index_dir, ds.name)
    cfg = index_cfg.model_copy(update={"index_dir": root})
    ensure_index(cfg, ds.sources, embedder, progress=build_progress, quantities=False)
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
    rows = {m: s.as_dict() for m, s in scores.items()}
    if baselines:
        for n in WINDOWS:
            plain_cfg = plain_index_config(index_cfg, root.with_name(f"{ds.name}-plain{n}"), n)
            if plain_cfg.chunking == index_cfg.chunking:  # the same windows: the same index
                plain_cfg = cfg
            ensure_index(plain_cfg, ds.sources, embedder, progress=build_progress, quantities=False)
            base = RetrievalScore()
            asked = [q for q in questions if q.answerable]
            for q, quotes in zip(asked, plain_quotes(plain_cfg, primed, [q.question for q in asked]), strict=True):
                base.n += 1
                base.add_texts(q, quotes, quotes[:1])
            base.unanswerable = sum(not q.answerable for q in questions)
            rows[f"baseline {n}-sentence"] = base.as_dict()
    return {"dataset": ds.name, "split": ds.split, "n": len(questions), "modes": rows}


# --- arithmetic sets ----------------------------------------------------------------

def figure_matches(figure: Figure, answers: Sequence[float], percent_fractions: bool) -> bool:
    """Whether a figure states one of the gold answers, within 1.5% (see the module doc)."""
    if figure.unit == "%":
        values = [figure.value, figure.value / 100] if percent_fractions else [figure.value]
    else:
        values = [figure.value / s for s in SCALES]
    if figure.kind == "change" and figure.label.lower().startswith(("fall", "rise")):
        # "By what percentage did X fall?" is answered "fell 3%" (value 3); a set that writes
        # the same change signed (-0.03) states the same answer
        values += [-v for v in values]
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
    by_kind: dict[str, dict[str, int]] = {}
    by_operation: dict[str, dict[str, int]] = {}
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
            kind = answer.figures[0].kind if answer is not None and answer.figures else asked_kind(q.question)
            by_kind.setdefault(kind, {"correct": 0, "wrong": 0, "none": 0})[verdict] += 1
            if q.operation:
                by_operation.setdefault(q.operation, {"correct": 0, "wrong": 0, "none": 0})[verdict] += 1
            if details is not None:
                details.append({"id": q.id, "question": q.question, "gold": list(q.answers),
                                "verdict": verdict,
                                "figures": [[f.value, f.unit, f.formula] for f in answer.figures]
                                if answer else []})
            done += 1
            if progress:
                progress(done, len(questions))
    n = max(len(questions), 1)
    result = {"dataset": ds.name, "split": ds.split, "n": len(questions),
              **{k: round(v / n, 4) for k, v in counts.items()}, "by_kind": by_kind}
    if by_operation:
        result["by_operation"] = by_operation  # the set's own program or derivation
    return result


def asked_kind(question: str) -> str:
    """The operation newsqa reads in a question it gave no figure for ("not recognised": none)."""
    if parse_years(question) is not None:
        return "elapsed"
    if parse_extreme(question) is not None:
        return "extreme"
    if parse_count(question) is not None:
        return "count"
    yards = parse_yards(question)
    if yards is not None:
        return {"sum": "sum", "mean": "average"}.get(yards.op, "extreme")
    intent = parse_intent(question)
    names = {"remainder": "difference", "value": "implied value"}
    return names.get(intent.kind, intent.kind) if intent else "not recognised"
