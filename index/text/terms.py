"""Words as newsqa's BM25 sees them: lower-cased, stemmed content words.

Here rather than in qa/retrieval/ because an index on the Milvus store writes each
chunk's terms at build time (its BM25 field and the per-segment term statistics of
index/store/lexicon.py), so a reader never tokenizes the whole corpus at open.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

# Question words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = {
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "much", "many",
    "does", "did", "do", "is", "are", "was", "were", "has", "have", "had", "the", "article",
    "articles", "say", "says", "tell", "according", "piece", "story", "report", "mention",
    "mentioned", "about", "there", "happen", "happened", "can", "could", "would",
}
STOP = set(STOPWORDS_EN) | QUESTION_WORDS
WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def content_word(word: str) -> str | None:
    """The word lower-cased without its possessive, or None for stop and question words."""
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w
    return w if w not in STOP and len(w) < 40 else None


def content_words(text: str) -> list[str]:
    return [w for w in map(content_word, WORD.findall(text)) if w]


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words; stop words and question words dropped."""
    kept = content_words(text)
    return stemmer().stemWords(kept) if kept else []
