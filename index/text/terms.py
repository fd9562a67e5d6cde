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
WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*|%", re.UNICODE)

# Irregular past forms of verbs news reports use, so "Did sales rise?" meets "sales rose"
# and "How many did it lose?" meets "it lost" (the stemmer only strips regular endings);
# "%", "per cent" and "percentage" are one word. ("won" stays: it is also
# a currency.)
_BASE_FORMS = {
    form: base
    for base, forms in {
        "rise": "rose risen", "fall": "fell fallen", "grow": "grew grown", "lose": "lost",
        "pay": "paid", "sell": "sold", "buy": "bought", "spend": "spent", "make": "made",
        "take": "took taken", "give": "gave given", "hold": "held", "lead": "led",
        "leave": "left", "meet": "met", "seek": "sought", "strike": "struck", "bring": "brought",
        "begin": "began begun", "come": "came", "become": "became", "go": "went gone",
        "see": "saw seen", "keep": "kept", "build": "built", "drive": "drove driven",
        "fly": "flew flown", "freeze": "froze frozen", "lend": "lent", "run": "ran",
        "sink": "sank sunk", "shrink": "shrank shrunk", "slide": "slid", "speak": "spoke spoken",
        "stand": "stood", "throw": "threw thrown", "withdraw": "withdrew withdrawn",
        "write": "wrote written", "fight": "fought", "find": "found", "deal": "dealt",
        "feel": "felt", "get": "got gotten", "hear": "heard", "know": "knew known",
        "leap": "leapt", "choose": "chose chosen", "break": "broke broken", "think": "thought",
        "percent": "% cent percentage percentages pct",
    }.items()
    for form in forms.split()
}


@lru_cache(maxsize=1)
def stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def content_word(word: str) -> str | None:
    """The word lower-cased without its possessive, or None for stop and question words."""
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w
    w = _BASE_FORMS.get(w, w)
    return w if w not in STOP and len(w) < 40 else None


def content_words(text: str) -> list[str]:
    return [w for w in map(content_word, WORD.findall(text)) if w]


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words; stop words and question words dropped."""
    kept = content_words(text)
    return stemmer().stemWords(kept) if kept else []
