"""The names a question gives, and whether an article names them.

"How many consoles did Microsoft sell?" is about Microsoft: an article that never names
it cannot answer, and its numbers cannot be a figure's operands. A name counts as named
when the article holds it with possessives, spaces, dots and hyphens folded away
("TimeWarner" for "Time Warner"), or holds its stem ("Roman" for "Romans").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from index.text.terms import terms

# Capitalised words after the first that name something ("Microsoft", "Van Dijck").
_PROPER = re.compile(r"(?<=\s)[A-Z][\w'’&.-]*\w")
_POSSESSIVE = re.compile(r"['’]s?$")
# Words capitalised in questions that are no name, and names an article often writes
# another way ("the US" as "American"): not required.
_NOT_NAMES = frozenset({
    "what", "who", "whom", "whose", "which", "where", "when", "why", "how", "is", "are", "was", "were",
    "did", "does", "do", "the", "a", "an", "it", "its", "i", "us", "u.s", "uk", "eu", "un", "ceo", "cfo",
    "gdp", "ai", "and", "or", "so",
})


def question_names(question: str) -> list[str]:
    """The names a question gives, possessives stripped, in order."""
    names = [_POSSESSIVE.sub("", n) for n in _PROPER.findall(question)]
    return list(dict.fromkeys(n for n in names if n and n.lower().rstrip(".") not in _NOT_NAMES))


def _folded(text: str) -> str:
    return re.sub(r"[\s'’.-]+", "", text.lower())


# A people's or a language's adjective names its place another way ("British" for Britain,
# "Latin American" for Latin America, "British" for the UK): its first letters are enough, or it
# is not required.
_DEMONYM = re.compile(r"(?:ish|ese|ian|an|i|ic)$")
_DEMONYM_ELSEWHERE = frozenset({
    "british", "american", "european", "french", "dutch", "spanish", "swiss", "greek", "thai", "irish", "welsh",
    "scottish", "english", "danish", "swedish", "finnish", "polish", "turkish",
})


def names_all(names: Sequence[str], *texts: str) -> bool:
    """Whether `texts` (an article's title and text, say) name every one of `names`."""
    read = [_read(t) for t in texts]
    missing = [n for n in names if not any(_folded(n) in f or _demonym_of(n, f) for f, _ in read)]
    return not missing or set(terms(" ".join(missing))) <= frozenset().union(*(t for _, t in read))


@lru_cache(maxsize=256)
def _read(text: str) -> tuple[str, frozenset[str]]:
    """A text folded and its terms, once per text (an article is read at every question)."""
    return _folded(text), frozenset(terms(text))


def _demonym_of(name: str, folded: str) -> bool:
    low = name.lower()
    return low in _DEMONYM_ELSEWHERE or (bool(_DEMONYM.search(low)) and len(low) > 4 and low[:4] in folded)
