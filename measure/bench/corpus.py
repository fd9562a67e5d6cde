"""Corpora of N chunks built from SQuAD dev paragraphs, written as article files once.

SQuAD dev holds about 6,900 chunks of real prose. Larger corpora repeat its
paragraphs with their sentences shuffled (a new order per copy, titled "(copy k)"),
so chunks stay distinct texts on the same topics rather than exact duplicates.
Articles are five consecutive paragraphs of one title, about the length of news.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from index.config import ChunkConfig
from index.errors import NewsqaError
from index.intake.loading import make_article
from index.text.chunking import chunk_spans
from index.text.sentences import sentence_spans
from measure.datasets import squad_paragraphs

PARAGRAPHS_PER_ARTICLE = 5
VERSION = 1  # bump when the generator changes: cached corpora are then rebuilt


def _sentences(paragraph: str) -> list[str]:
    return [paragraph[s:e] for s, e in sentence_spans(paragraph)]


def _articles(data_dir: Path, size: int, chunking: ChunkConfig) -> list[tuple[str, str, str]]:
    """(id, title, body) of articles holding about `size` chunks in all.

    Each paragraph's chunk count is taken from its original order (a shuffled copy
    differs by a chunk now and then); the bench reports the index's real count.
    """
    by_title: dict[str, list[str]] = {}
    for title, text in squad_paragraphs(data_dir):
        by_title.setdefault(title, []).append(text)
    groups = [(title, ps[i:i + PARAGRAPHS_PER_ARTICLE]) for title, ps in by_title.items()
              for i in range(0, len(ps), PARAGRAPHS_PER_ARTICLE)]
    sentences: dict[str, list[str]] = {}
    chunks: dict[str, int] = {}
    out: list[tuple[str, str, str]] = []
    bodies: set[str] = set()  # a copy of one-sentence paragraphs is the original again
    total, copy = 0, 0
    while total < size:
        rng = random.Random(copy)
        for n, (title, ps) in enumerate(groups):
            name = title if not copy else f"{title} (copy {copy})"
            kept: list[str] = []
            for p in ps:
                if total >= size:
                    break
                if p not in chunks:
                    chunks[p] = len(chunk_spans(make_article("p", p, {"title": title}).text, chunking))
                    sentences[p] = _sentences(p)
                if copy:
                    sents = list(sentences[p])
                    rng.shuffle(sents)
                    kept.append(" ".join(sents))
                else:
                    kept.append(p)
                total += chunks[p]
            body = "\n\n".join(kept)
            if kept and body not in bodies:
                bodies.add(body)
                out.append((f"squad-{copy:03d}-{n:04d}", name, body))
            if total >= size:
                break
        copy += 1
    return out


def corpus_dir(root: Path, size: int) -> Path:
    return root / f"corpus-{size}"


def ensure_corpus(root: Path, data_dir: Path, size: int, chunking: ChunkConfig) -> Path:
    """The folder of article files of a `size`-chunk corpus, written unless cached."""
    folder = corpus_dir(root, size)
    marker = folder / ".complete"
    key = {"version": VERSION, "size": size, "chunking": chunking.model_dump()}
    try:
        if json.loads(marker.read_text(encoding="utf-8")) == key:
            return folder
    except (OSError, ValueError):
        pass
    if size < 1:
        raise NewsqaError("corpus sizes must be positive chunk counts")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for article_id, title, body in _articles(data_dir, size, chunking):
        (folder / f"{article_id}.txt").write_text(f"Title: {title}\n\n{body}\n", encoding="utf-8")
    marker.write_text(json.dumps(key), encoding="utf-8")
    return folder
