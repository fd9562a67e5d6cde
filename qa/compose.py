"""From retrieved chunks and computed figures to the one `Answer` every front end shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from index.article import Article
from qa.answer import Answer, Figure, Quote
from qa.retrieval.retrieve import Hit

_TITLE_CHARS = 90


def select_quotes(hits: Sequence[Hit], articles: dict[str, Article], k: int,
                  max_chars: int = 800) -> list[Quote]:
    """The best `k` passages. A hit that overlaps one chosen passage widens it to both
    spans, up to `max_chars` (two top windows a sentence apart often hold the answer
    between them: on 2,000 SQuAD dev questions hit@1 +0.75 and hit@3 +0.7 points, quotes
    355 -> 418 characters, at 600; on all 10,570, 600 -> 800 took hit@3 before abstention
    0.943 -> 0.948, quotes 419 -> 452); one that overlaps more is skipped. Every hit gets its say,
    so the first quote is the same whatever `k` is."""
    chosen: list[Quote] = []
    for hit in hits:
        c = hit.chunk
        a = articles[c.article_id]
        near = [i for i, q in enumerate(chosen) if _overlap(q, c.article_id, c.start, c.end)]
        if len(near) == 1:
            q = chosen[near[0]]
            start, end = min(q.start, c.start), max(q.end, c.end)
            if end - start <= max_chars:
                chosen[near[0]] = q.model_copy(update={"text": a.text[start:end], "start": start, "end": end})
        if near or len(chosen) == k:
            continue
        chosen.append(Quote(
            text=c.text, article_id=c.article_id, title=a.title, author=a.author, date=a.date,
            start=c.start, end=c.end, score=round(hit.dense, 4),
        ))
    return chosen


def _overlap(q: Quote, article_id: str, start: int, end: int) -> bool:
    if q.article_id != article_id:
        return False
    return min(q.end, end) > max(q.start, start)


def citation(q: Quote) -> str:
    """`Title` (Author, date): the same words on every front end."""
    title = q.title if len(q.title) <= _TITLE_CHARS else q.title[: _TITLE_CHARS - 1].rstrip() + "…"
    who = ", ".join(x for x in (q.author, q.date) if x)
    return f"{title} ({who})" if who else title


def compose(
    question: str,
    quotes: list[Quote],
    figures: list[Figure],
    describe: Callable[[Figure], str],
) -> Answer:
    """Figures first (they answer directly), then the best passage, then support."""
    parts = [describe(f) for f in figures]
    for i, q in enumerate(quotes):
        lead = "" if i == 0 else "Also: "
        parts.append(f"{lead}“{q.text}”\n— {citation(q)}")
    return Answer(question=question, answer="\n\n".join(parts), abstained=False,
                  quotes=quotes, figures=figures)


def abstain(question: str) -> Answer:
    """Say plainly that the articles do not hold the answer; quote nothing."""
    text = "The articles don't say: nothing in the indexed articles answers this question."
    return Answer(question=question, answer=text, abstained=True)
