"""The public question sets of ../shared/data, read into articles and gold answers.

They measure newsqa on text nobody on this project wrote (see ../shared/data/README.md):
SQuAD and TAT-QA test retrieval (does a returned quote hold the gold span?), DROP and
FinQA test computed figures (each question over its own passage). Rows are read as
they are; nothing here is tuned to individual questions.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.article import Article
from index.errors import ArticleError, NewsqaError
from index.intake.loading import make_article

DatasetName = Literal["squad", "squad2", "tatqa", "drop", "finqa"]
DATASETS: tuple[DatasetName, ...] = ("squad", "squad2", "tatqa", "drop", "finqa")
RETRIEVAL_SETS: tuple[DatasetName, ...] = ("squad", "squad2", "tatqa")
ARITHMETIC_SETS: tuple[DatasetName, ...] = ("drop", "finqa")
FILES: dict[str, str] = {
    "squad": "squad_dev.jsonl.gz",
    "squad2": "squad2_dev.jsonl.gz",
    "tatqa": "tatqa_text.jsonl.gz",
    "drop": "drop_numeric_dev.jsonl.gz",
    "finqa": "finqa_text_only.jsonl.gz",
}
# Splits each file holds; the first is the default. Test splits are measured, never tuned on.
# SQuAD's dev files are split by article title (`title_half`): scorers are fitted and
# thresholds chosen on "tune", figures reported on "report"; "dev" is the whole file.
SPLITS: dict[str, tuple[str, ...]] = {
    "squad": ("report", "tune", "dev"),
    "squad2": ("report", "tune", "dev"),
    "tatqa": ("dev", "test", "all"),
    "drop": ("dev",),
    "finqa": ("dev", "test", "train", "all"),
}


@dataclass(frozen=True)
class RetrievalQuestion:
    """A question whose answer is a span of one indexed paragraph."""

    id: str
    question: str
    answers: tuple[str, ...]
    answerable: bool = True  # False: the articles do not hold the answer (SQuAD 2.0)
    title: str = ""  # the article it was written on, where the set says


@dataclass(frozen=True)
class ArithmeticQuestion:
    """A question with a numeric answer, asked over its own passage (`article_id`)."""

    id: str
    question: str
    answers: tuple[float, ...]
    article_id: str
    operation: str = ""  # the operation the set's own program or derivation names (`operation_kind`)


@dataclass(frozen=True)
class Source:
    """An article's raw title and body; cleaned into an `Article` only when indexed.

    Cleaning runs the sentence segmenter over every paragraph (about 100 KB/s), so a
    cached index is reused without cleaning its articles again.
    """

    id: str
    title: str
    body: str

    def article(self) -> Article | None:
        """The Article newsqa would index; None when no text survives cleaning."""
        try:
            return make_article(self.id, self.body, {"title": self.title} if self.title else {})
        except ArticleError:
            return None


def sources_digest(sources: dict[str, Source]) -> str:
    """One hash of every source: an unchanged hash means the cached index still fits."""
    h = hashlib.sha256()
    for key in sorted(sources):
        s = sources[key]
        h.update(json.dumps([s.id, s.title, s.body]).encode("utf-8"))
    return h.hexdigest()[:16]


@dataclass
class RetrievalSet:
    """One corpus (all sources indexed together) and the questions asked of it."""

    name: str
    split: str
    sources: dict[str, Source]
    questions: list[RetrievalQuestion]


@dataclass
class ArithmeticSet:
    """Passages (one index each) and the questions asked of them."""

    name: str
    split: str
    sources: dict[str, Source]
    questions: list[ArithmeticQuestion]


def read_rows(data_dir: Path, name: str) -> Iterator[dict]:
    """The JSON rows of one data set file; a missing or broken file is one clear error."""
    path = Path(data_dir) / FILES[name]
    if not path.is_file():
        raise NewsqaError(f"data set file {path} not found; pass --data-dir (the folder of ../shared/data)")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except ValueError:
                        raise NewsqaError(f"{path}:{n}: not a JSON line") from None
    except (OSError, EOFError) as exc:
        raise NewsqaError(f"cannot read {path}: {exc}") from None


def _in_split(row: dict, split: str) -> bool:
    return split == "all" or row.get("split", "dev") == split


def _check_split(name: str, split: str | None) -> str:
    split = split or SPLITS[name][0]
    if split not in SPLITS[name]:
        raise NewsqaError(f"{name} has no split {split!r}; choose from {', '.join(SPLITS[name])}")
    return split


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "article"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def squad_paragraphs(data_dir: Path) -> list[tuple[str, str]]:
    """(title, paragraph) of SQuAD dev's unique paragraphs, in file order."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for row in read_rows(data_dir, "squad"):
        context = row["context"]
        if context not in seen:
            seen.add(context)
            out.append((row["title"].replace("_", " "), context))
    return out


def title_half(title: str) -> str:
    """ "tune" or "report": a fixed half of the articles, by a hash of the title."""
    return "tune" if hashlib.sha256(title.encode("utf-8")).digest()[0] % 2 == 0 else "report"


def _squad_sources(rows: list[dict]) -> dict[str, Source]:
    """One article per title, its unique paragraphs (in file order) separated by blank lines."""
    by_title: dict[str, list[str]] = {}
    for row in rows:
        paragraphs = by_title.setdefault(row["title"].replace("_", " "), [])
        if row["context"] not in paragraphs:
            paragraphs.append(row["context"])
    return {_slug(t): Source(_slug(t), t, "\n\n".join(ps)) for t, ps in by_title.items()}


def _answer_texts(row: dict) -> tuple[str, ...]:
    answers = row.get("answers") or {}
    texts = answers.get("text", []) if isinstance(answers, dict) else [a.get("text", "") for a in answers]
    return tuple(dict.fromkeys(t for t in texts if t))


def load_squad(data_dir: Path, split: str | None = None) -> RetrievalSet:
    """SQuAD v1.1 dev: every article indexed; the split picks the questions by title half."""
    split = _check_split("squad", split)
    rows = list(read_rows(data_dir, "squad"))
    questions = [
        RetrievalQuestion(str(r["id"]), r["question"], _answer_texts(r), title=r["title"].replace("_", " "))
        for r in rows if split == "dev" or title_half(r["title"]) == split
    ]
    return RetrievalSet("squad", split, _squad_sources(rows), questions)


def load_squad2(data_dir: Path, split: str | None = None) -> RetrievalSet:
    """SQuAD 2.0 dev: answerable and unanswerable questions over the same paragraphs.

    The unanswerable ones were written to look answerable from their paragraph: the
    abstention benchmark. Every article is indexed; the split picks questions by title.
    """
    split = _check_split("squad2", split)
    rows = list(read_rows(data_dir, "squad2"))
    questions = [
        RetrievalQuestion(str(r["id"]), r["question"], _answer_texts(r), not r.get("is_impossible"),
                          r["title"].replace("_", " "))
        for r in rows if split == "dev" or title_half(r["title"]) == split
    ]
    return RetrievalSet("squad2", split, _squad_sources(rows), questions)


def load_tatqa(data_dir: Path, split: str | None = None) -> RetrievalSet:
    """TAT-QA's report prose: one article per report (all splits indexed), span questions asked.

    Every report is indexed whatever the split, as SQuAD indexes all its articles:
    the split picks the questions only.
    """
    split = _check_split("tatqa", split)
    rows = list(read_rows(data_dir, "tatqa"))
    sources: dict[str, Source] = {}
    for row in rows:
        key = "tatqa-" + _digest(str(row.get("table_uid") or "\n".join(row["context"])))
        sources.setdefault(key, Source(key, "", "\n\n".join(row["context"])))
    questions = []
    for r in rows:
        if r.get("answer_type") != "span" or not _in_split(r, split):
            continue
        answers = r["answer"] if isinstance(r["answer"], list) else [r["answer"]]
        spans = tuple(dict.fromkeys(str(a) for a in answers if str(a).strip()))
        if spans:
            questions.append(RetrievalQuestion(str(r["id"]), r["question"], spans))
    return RetrievalSet("tatqa", split, sources, questions)


def _number(value: object) -> float | None:
    """A gold answer as a float, or None for words ("yes") and empty answers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "").rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def operation_kind(program: str) -> str:
    """The operation a FinQA program ("subtract(8.05, 6.91), divide(#0, 6.91)") or a TAT-QA
    derivation ("(464,888-547,000)/547,000") names, in the figures' own kinds."""
    if not program:
        return ""
    ops = re.findall(r"\b(add|subtract|multiply|divide|greater|exp)\(", program)
    if not ops:  # a TAT-QA derivation: arithmetic written out
        text = program.replace(" ", "")
        if re.search(r"\)/\d[\d,.]*$", text) and "+" in text:
            return "average"
        if re.search(r"-.*\)/|-.*\)\)\*100", text):
            return "change"
        if "+" in text:
            return "sum"
        if "*" in text and "/" in text:
            return "other"
        if "/" in text:
            return "share or ratio"
        if "-" in text:
            return "difference"
        return "other"
    if ops == ["subtract", "divide"] or ops == ["subtract", "divide", "multiply"]:
        return "change"
    if ops[-1] == "divide" and set(ops[:-1]) == {"add"}:
        return "average"
    if set(ops) == {"add"}:
        return "sum"
    if ops == ["divide"]:
        return "share or ratio"
    if ops == ["subtract"]:
        return "difference"
    if "multiply" in ops:
        return "product"
    return "other"


def _passage_sets(
    name: str, split: str, rows: list[dict], body_of: str, answers_of: str, operation_of: str = "",
    joiner: str = " ",
) -> ArithmeticSet:
    sources: dict[str, Source] = {}
    questions = []
    for r in rows:
        if not _in_split(r, split):
            continue
        body = r[body_of] if isinstance(r[body_of], str) else joiner.join(r[body_of])
        key = f"{name}-{_digest(body)}"
        sources.setdefault(key, Source(key, "", body))
        raw = r.get(answers_of)
        values = raw if isinstance(raw, list) else [raw]
        answers = tuple(dict.fromkeys(v for v in (_number(x) for x in values) if v is not None))
        if answers:
            questions.append(ArithmeticQuestion(str(r["id"]), r["question"], answers, key,
                                                operation_kind(str(r.get(operation_of) or ""))))
    used = {q.article_id for q in questions}
    return ArithmeticSet(name, split, {k: v for k, v in sources.items() if k in used}, questions)


def load_drop(data_dir: Path, split: str | None = None) -> ArithmeticSet:
    """DROP dev, numeric answers: each question over its own passage; any listed answer counts."""
    split = _check_split("drop", split)
    rows = list(read_rows(data_dir, "drop"))
    return _passage_sets("drop", split, rows, "passage", "all_answers")


def load_finqa(data_dir: Path, split: str | None = None) -> ArithmeticSet:
    """FinQA's prose-only questions with a numeric answer (yes/no ones are left out)."""
    split = _check_split("finqa", split)
    rows = list(read_rows(data_dir, "finqa"))
    return _passage_sets("finqa", split, rows, "context", "answer", "program")


def load_tatqa_arithmetic(data_dir: Path, split: str | None = None) -> ArithmeticSet:
    """TAT-QA's arithmetic rows (a number and its derivation), each over its own report's prose."""
    split = _check_split("tatqa", split)
    rows = [r for r in read_rows(data_dir, "tatqa") if r.get("answer_type") == "arithmetic"]
    return _passage_sets("tatqa", split, rows, "context", "answer", "derivation", joiner="\n\n")


def load_dataset(name: str, data_dir: Path, split: str | None = None) -> RetrievalSet | ArithmeticSet:
    loaders = {"squad": load_squad, "squad2": load_squad2, "tatqa": load_tatqa, "drop": load_drop, "finqa": load_finqa}
    if name not in loaders:
        raise NewsqaError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    return loaders[name](Path(data_dir), split)
