"""From retrieved chunks and computed figures to the one `Answer` every front end shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from index.article import Article
from qa.answer import Answer, Figure, Quote
from qa.asked import what_was_asked
from qa.lead.features import Candidate
from qa.lead.reading import Reading
from qa.names import names_all
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


# A further passage is shown only when its best sentence is nearly as likely to answer
# as the lead's: it supports the same answer or answers another part. Chosen on the
# tuning half of SQuAD dev (measure/fit_lead.py); no padding up to k.
SUPPORT_RATIO = 0.2


def lead_quotes(reading: Reading, figures: list[Figure], articles: dict[str, Article], k: int,
                max_chars: int = 450, support_ratio: float = SUPPORT_RATIO, names: Sequence[str] = ()
                ) -> list[Quote]:
    """Quote 1 is the passage holding the lead (for a figure, the sentence stating its
    first input), with the lead marked; further passages only when they support it, and
    only from articles naming every name the question gives (`names`)."""
    if not reading.candidates:
        return []
    lead = list(reading.lead)
    if figures:
        lead = _input_sentences(reading, figures) or lead
    first = _quote(lead, articles, max_chars)
    quotes = [first]
    p_lead = max(float(reading.probabilities[reading.candidates.index(c)]) for c in lead)
    held = {(i.article_id, i.start) for f in figures for i in f.inputs if i.start is not None}
    for cand, p in reading.best_per_passage():
        if len(quotes) >= k:
            break
        c = cand.hit.chunk
        if any(_overlap(q, c.article_id, c.start, c.end) for q in quotes):
            continue
        states_input = any(a == c.article_id and c.start <= s < c.end for a, s in held)
        about = not names or names_all(names, articles[c.article_id].title, articles[c.article_id].text)
        if (p >= support_ratio * p_lead and about) or states_input:
            quotes.append(_quote([cand], articles, max_chars))
    return quotes


def _input_sentences(reading: Reading, figures: list[Figure]) -> list[Candidate]:
    """The candidate sentence stating a figure's first quoted input, if retrieved."""
    for i in figures[0].inputs:
        for c in reading.candidates:
            s = c.sentence
            if i.start is not None and s.article_id == i.article_id and s.start <= i.start < s.end:
                return [c]
    return []


def _quote(lead: list[Candidate], articles: dict[str, Article], max_chars: int) -> Quote:
    """The passage holding `lead` (its chunk, widened to hold every lead sentence)."""
    c = lead[0].hit.chunk
    a = articles[c.article_id]
    lead_start = min(x.sentence.start for x in lead)
    lead_end = max(x.sentence.end for x in lead)
    start, end = min(c.start, lead_start), max(c.end, lead_end)
    if end - start > max(max_chars, lead_end - lead_start):
        start, end = lead_start, lead_end
    return Quote(text=a.text[start:end], article_id=c.article_id, title=a.title, author=a.author,
                 date=a.date, start=start, end=end, score=round(lead[0].hit.dense, 4),
                 lead_start=lead_start, lead_end=lead_end)


def lead_parts(q: Quote) -> tuple[str, str, str]:
    """The quote's text before its lead, the lead, and the text after it."""
    if q.lead_start is None or q.lead_end is None:
        return "", q.text, ""
    a, b = q.lead_start - q.start, q.lead_end - q.start
    return q.text[:a], q.text[a:b], q.text[b:]


def short_citation(q: Quote) -> str:
    """`Title · Author · date`, for a phone."""
    title = q.title if len(q.title) <= _TITLE_CHARS else q.title[: _TITLE_CHARS - 1].rstrip() + "…"
    return " · ".join(x for x in (title, q.author, q.date) if x)


def lead_text(q: Quote) -> str:
    """The sentence a quote leads with (the whole quote when none is marked)."""
    if q.lead_start is None or q.lead_end is None:
        return q.text
    return q.text[q.lead_start - q.start:q.lead_end - q.start]


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
    """The lead sentence first (it answers), cited; then the figures; then support."""
    parts = []
    if quotes:
        parts.append(f"{lead_text(quotes[0])}\n— {citation(quotes[0])}")
    parts += [describe(f) for f in figures]
    for q in quotes[1:]:
        parts.append(f"Also: “{lead_text(q)}”\n— {citation(q)}")
    return Answer(question=question, answer="\n\n".join(parts), abstained=False,
                  quotes=quotes, figures=figures)


# The closest passage is offered, labelled so, only when it is on the question's topic.
CLOSEST_MIN_COSINE = 0.35


def abstain(question: str, query: str = "", reading: Reading | None = None,
            articles: dict[str, Article] | None = None, note: str = "") -> Answer:
    """Say plainly what the articles do not say; quote nothing as an answer. The closest
    passage, when on topic, goes in `closest`, never in `quotes`; `note`, why it does not
    answer ("it reports another period"), is said only beside it."""
    text = f"The articles don't say {what_was_asked(query or question)}."
    closest = None
    if reading is not None and reading.lead and articles is not None:
        best = reading.lead[0]
        if best.hit.dense >= CLOSEST_MIN_COSINE:
            closest = _quote([best], articles, 450)
            if note:
                text += f" The closest passage does not answer: {note}."
    return Answer(question=question, answer=text, abstained=True, closest=closest)


