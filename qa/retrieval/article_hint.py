"""Which article a question names ("in the Alibaba piece, ...", "according to Bloomberg's story")."""

from __future__ import annotations

import re

from index.article import Article
from qa.retrieval.lexical import terms

_NAMED = re.compile(
    r"\b(?:in|from|by|per|according to)\s+(?:the\s+|a\s+)?(?P<name>[^,?.;:]{1,80}?)\s*"
    r"(?:'s\s+)?(?:piece|article|story|report|column|op-?ed|interview|feature|post)\b",
    re.IGNORECASE,
)


def named_articles(question: str, articles: dict[str, Article]) -> set[str]:
    """Ids of the articles whose title, id or author best match a name in the question.

    Empty when the question names no article, or names words every article shares.
    """
    found: set[str] = set()
    for m in _NAMED.finditer(question):
        wanted = set(terms(m.group("name")))
        if not wanted:
            continue
        scores = {
            aid: len(wanted & set(terms(f"{a.title} {aid.replace('-', ' ')} {a.author} {a.source}")))
            for aid, a in articles.items()
        }
        best = max(scores.values(), default=0)
        chosen = {aid for aid, s in scores.items() if s == best}
        if best > 0 and len(chosen) < len(articles):
            found |= chosen
    return found
