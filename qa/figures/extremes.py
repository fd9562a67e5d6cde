"""Longest and shortest: the extreme of the amounts an article states for one kind of thing.

"How many yards was the longest field goal?" takes, among the amounts in the question's
unit whose following words name that thing ("a 43-yard field goal"), the largest;
"How many yards longer was Gould's longest field goal than his shortest?" the largest
minus the smallest. A name in the question ("Gould's") keeps only the plays that name
begins ("Gould added a 51-yard field goal", not "..., and Crosby a 33-yard one"). The
answer is only as good as the list, so nothing is computed when the article mentions the
thing more often than it states such amounts ("field goals of 30 and 54 yards", "he
kicked a field goal"), or states fewer than two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index.quantities.quantity import Quantity
from qa.retrieval.lexical import terms

_MOST = {"longest": 1, "farthest": 1, "furthest": 1, "shortest": -1}
_NUMBER = r"how\s+many\s+(?P<unit>yards|miles|feet|metres|meters)"
_ONE = re.compile(
    rf"(?i)^{_NUMBER}\s+(?:long\s+)?(?:was|were|is)\s+(?:the\s+)?(?:(?P<who>[A-Z][\w.'’-]*"
    rf"(?:\s+[A-Z][\w.'’-]*)*)['’]s?\s+)?(?P<most>longest|shortest|farthest|furthest)\s+"
    rf"(?P<thing>[a-z][a-z\s-]*?)(?:\s+(?:of|in)\s+the\s+(?:game|match|day))?$")
_SPREAD = re.compile(
    rf"(?i)^{_NUMBER}\s+longer\s+(?:was|were|is)\s+(?:the\s+)?(?:(?P<who>[A-Z][\w.'’-]*"
    rf"(?:\s+[A-Z][\w.'’-]*)*)['’]s?\s+)?longest\s+(?P<thing>[a-z][a-z\s-]*?)\s+than\s+"
    rf"(?:his|her|their|its|the)\s+shortest(?:\s+(?P=thing))?(?:\s+(?:of|in)\s+the\s+"
    rf"(?:game|match|day))?$")
# Words a play is written with in sports reports: "TD" for touchdown, "FG" for field goal.
_PRONOUN = re.compile(r"(?i)\b(?:he|she|they|his|her|their)\b")
# "a 56-yarder", "a 56-yard and a 25-yard field goal": plays the extractor cannot pair.
_UNREAD = re.compile(r"(?i)\b\d+[\s-]yarders?\b|\b\d+[\s-]yards?\s+(?:and|or)\s+(?:an?\s+)?\d+[\s-]yard")
_TRIED = re.compile(r"(?i)\b(?:attempts?|tries|try)\b")
_SHORT_FORMS = {"td": "touchdown", "tds": "touchdowns", "fg": "field goal", "fgs": "field goals"}
# The words right after the amount name the play: "a 43-yard touchdown pass to ...".
_TAIL = re.compile(r"(?i)(?:[\s-]+(?!(?:and|to|for|from|by|with|in|on|as|after|before|which|that)\b)"
                   r"[a-z]+){1,3}")


@dataclass(frozen=True)
class Extreme:
    """What a longest/shortest question asks: of which thing, in which unit, by whom."""

    unit: str
    thing: str
    who: str
    kind: str  # "max", "min" or "spread" (largest minus smallest)

    @property
    def thing_words(self) -> str:
        """The thing as a pattern: its words apart by spaces or hyphens."""
        return r"[\s-]+".join(re.escape(w) for w in self.thing.split())

    @property
    def who_terms(self) -> set[str]:
        """The asked person's last name as terms, empty when no one is named."""
        return set(terms(self.who.split()[-1])) if self.who else set()


def parse_extreme(question: str) -> Extreme | None:
    q = re.sub(r"\s+", " ", question or "").strip().rstrip("?.! ")
    m = _SPREAD.match(q)
    if m:
        return Extreme(m.group("unit").lower(), m.group("thing").lower(), m.group("who") or "", "spread")
    m = _ONE.match(q)
    if m:
        kind = "max" if _MOST[m.group("most").lower()] > 0 else "min"
        return Extreme(m.group("unit").lower(), m.group("thing").lower(), m.group("who") or "", kind)
    return None


def candidates(ask: Extreme, quantities: Sequence[tuple[str, Quantity]],
               texts: Mapping[str, str]) -> list[tuple[str, Quantity]] | None:
    """The amounts of the asked thing, or None when the article's list looks incomplete."""
    want = set(terms(ask.thing))
    if not want:
        return None
    who = ask.who_terms
    found: list[tuple[str, Quantity]] = []
    for aid, q in quantities:
        if q.unit.rstrip("s") != ask.unit.rstrip("s") or q.role == "period":
            continue
        m = _TAIL.match(q.sentence, q.end - q.sentence_start)
        tail = m.group() if m else ""
        if not want <= set(terms(_expand(tail))) or _TRIED.search(tail):
            continue  # not this thing, or only tried ("a 59-yard field goal attempt")
        if who and not who <= set(terms(_clause_before(q.sentence, q.start - q.sentence_start))):
            continue
        found.append((aid, q))
    if len(found) < 2 or len({aid for aid, _ in found}) > 1:
        return None
    aid = found[0][0]
    if aid not in texts:
        return None
    expanded = _expand(texts[aid])
    if _mentions(ask, expanded) > len(found) or _unread_amounts(ask, expanded, found):
        return None
    return found


def _unread_amounts(ask: Extreme, expanded: str, found: list[tuple[str, Quantity]]) -> bool:
    """Whether the text (short forms expanded) writes an amount of the thing ("Lambo's
    56-yard field goal") that the extractor did not give as one of `found`."""
    unit = re.escape(ask.unit.rstrip("s"))
    stated = re.finditer(rf"(?i)\b(\d+)[\s-]+{unit}s?\s+(?:[a-z]+\s+){{0,2}}?{ask.thing_words}",
                         expanded)
    have = {q.value for _, q in found}
    who = ask.who_terms
    return any(float(m.group(1)) not in have and not _TRIED.match(expanded, m.end() + 1)
               and who <= set(terms(_clause_before(expanded, m.start())))
               for m in stated)


def _expand(text: str) -> str:
    return re.sub(r"(?i)\b(tds?|fgs?)\b", lambda m: _SHORT_FORMS[m.group(1).lower()], text)


def _mentions(ask: Extreme, expanded: str) -> int:
    """Times the text (short forms expanded) names the thing; with a person asked, the
    plays that person's clause begins."""
    pattern = re.compile(rf"(?i)\b{ask.thing_words}s?\b")
    if _UNREAD.search(expanded) or re.search(rf"(?i)\b{ask.thing_words}s\b", expanded):
        return 10**9  # "a 56-yarder", "field goals of 22 and 53 yards": plays not read one by one
    made = [m for m in pattern.finditer(expanded) if not _TRIED.match(expanded, m.end() + 1)]
    if not ask.who:
        return len(made)
    who = ask.who_terms
    before = [_clause_before(expanded, m.start()) for m in made]
    if any(_PRONOUN.search(b) for b in before):
        return 10**9  # "Then he made a 22-yard field goal": whose, we cannot tell
    return sum(1 for b in before if who <= set(terms(b)))


def _clause_before(text: str, at: int) -> str:
    """The words before `at` back to the last comma, stop or "and": who did this play."""
    head = text[max(0, at - 160):at]
    return re.split(r"[,;:.!?()]|\band\b|\bwhile\b|\bbefore\b|\bafter\b", head)[-1]
