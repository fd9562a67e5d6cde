"""A question restated as what was asked, for "The articles don't say <what was asked>."

"What is X's price?" -> "what X's price is"; "How much did X report?" -> "how much X
reported"; "How much will the plant cost?" -> "how much the plant will cost"; "By how
much did X grow?" -> "by how much X grew". Moving the auxiliary needs the main verb,
found in a lexicon of the verbs news questions use; when it is not found the question is
quoted as asked, never restated wrongly ("how many people the chiefs executive employ").
"""

from __future__ import annotations

import re

_AUX = r"is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|might|may"
_WH = r"what|who|whom|whose|when|where|why|which|how(?:\s+(?:much|many|long|far|old|often|fast|big|large))?"
_ASKED = re.compile(rf"(?is)^\s*(?P<wh>(?:(?:by|in|on|at|for|from|to|of|with)\s+)?(?:{_WH})(?:\s+[a-z-]+)??)"
                    rf"\s+(?P<aux>{_AUX})\s+(?P<rest>.+?)[\s?.!]*$")
_IRREGULAR = {"say": "said", "make": "made", "take": "took", "give": "gave", "get": "got", "go": "went",
              "win": "won", "lose": "lost", "pay": "paid", "spend": "spent", "buy": "bought", "sell": "sold",
              "find": "found", "tell": "told", "think": "thought", "put": "put", "cut": "cut", "set": "set",
              "leave": "left", "bring": "brought", "become": "became", "begin": "began", "hold": "held",
              "rise": "rose", "fall": "fell", "grow": "grew", "know": "knew", "see": "saw", "lead": "led",
              "come": "came", "run": "ran", "build": "built", "send": "sent", "keep": "kept",
              "choose": "chose", "meet": "met", "write": "wrote", "drive": "drove", "have": "had",
              "feel": "felt", "sink": "sank", "shrink": "shrank", "forecast": "forecast", "bid": "bid",
              "shut": "shut", "spread": "spread", "strike": "struck", "steal": "stole", "fly": "flew",
              "mean": "meant", "break": "broke", "draw": "drew", "show": "showed", "do": "did"}
# Verbs (base forms) that news questions ask with "did/does/will ...": the main verb is
# the first of these after the subject.
_VERB_WORDS = """
announce report earn post record book employ hire fire plan expect invest pledge raise borrow
owe own open close ship deliver produce launch agree approve reject propose offer accept acquire
merge list float file sue charge fine ban order recall warn claim argue add comment describe
explain blame cite estimate predict project forecast target promise vow threaten increase
decrease rise drop decline climb jump surge soar slump plunge slide shrink expand contract
double triple halve gain lose cost save spend pay reach total amount account contribute generate
return receive collect allocate commit budget plan use need want cut reduce lift lower boost
trim slash hike change move shift happen react respond vote elect appoint name replace resign
retire die kill injure arrest attack win beat score finish play sign join leave found start
create begin end stop continue last take mean stand serve hold attend visit travel live work
study die become seem look sound feel mention discuss decide choose select require allow prevent
help support oppose criticise criticize praise
"""
_VERBS = frozenset(_IRREGULAR) | frozenset(_VERB_WORDS.split())
_PARTICIPLES = frozenset(_IRREGULAR.values()) | {"paid", "known", "given", "taken", "shown", "seen", "done", "won"}
_AFTER_COPULA = frozenset({"worth", "for", "about", "like"})
# Words after a verb's -ing form ("selling its", "getting rid", "cutting back").
_AFTER_ING = frozenset({"its", "their", "the", "a", "an", "to", "rid", "up", "off", "out", "back", "on", "in", "for",
                        "into", "over", "his", "her", "it", "them"})
_PARTICLE = frozenset({"not", "n't", "never", "also", "still", "ever", "already", "just", "really"})


def what_was_asked(question: str) -> str:
    """The question as the object of "the articles don't say", or quoted as asked."""
    q = " ".join(question.split())
    m = _ASKED.match(q)
    if m is None:
        if re.match(rf"(?i)^(?:{_WH})\b", q):  # "Who won the cup?": the subject is asked
            return q[0].lower() + q[1:].rstrip("?. ")
        return _quoted(q)
    wh, aux, rest = m.group("wh"), m.group("aux").lower(), m.group("rest")
    wh = wh[0].lower() + wh[1:]
    words = rest.split()
    if aux in ("is", "are", "was", "were"):
        # "What is X's price?" -> "what X's price is"; "What is she paid?" -> "what she
        # is paid"; "What is Alibaba worth?" -> "what Alibaba is worth".
        at = len(words) - 1
        if at > 1 and words[at].lower() in _AFTER_COPULA and _participle(words[at - 1]):
            at -= 1  # "What was the plant used for?" -> "what the plant was used for"
        if at > 0 and (words[at].lower() in _AFTER_COPULA or _participle(words[at])):
            return " ".join([wh, *words[:at], aux, *words[at:]])
        # "Which business is X getting rid of?" -> "which business X is getting rid of"
        ing = next((i for i, w in enumerate(words[1:], start=1) if w.lower().endswith("ing") and len(w) > 5
                    and w[:1].islower() and not re.search(r"['’]s$", words[i - 1])
                    and words[i - 1].lower() not in {"of", "the", "a", "an", "its", "their", "for", "in"}
                    and (words[i - 1][:1].isupper() or i == len(words) - 1
                         or words[i + 1].lower() in _AFTER_ING)), None)
        if ing is not None:
            return " ".join([wh, *words[:ing], aux, *words[ing:]])
        return f"{wh} {rest} {aux}"
    verb_at = _verb_position(words)
    if verb_at is None:
        return _quoted(q)
    subject, verb, after = words[:verb_at], words[verb_at], words[verb_at + 1:]
    if aux in ("do", "does", "did"):
        low = verb.lower()
        verb = _past(low) if aux == "did" else _third_person(low) if aux == "does" else low
        return " ".join([wh, *subject, verb, *after])
    return " ".join([wh, *subject, aux, verb, *after])


def _participle(word: str) -> bool:
    low = word.lower()
    return low in _PARTICIPLES or (low.endswith("ed") and word[:1].islower())


def _quoted(q: str) -> str:
    return f"“{q.rstrip('?')}”" if q else "that"


def _verb_position(words: list[str]) -> int | None:
    """Where the main verb sits after "did/will SUBJECT": the first known verb after at
    least one word of subject."""
    for i, w in enumerate(words[1:], start=1):
        low = w.lower()
        if low in _PARTICLE:
            continue
        if low in _VERBS and w[:1].islower() and words[i - 1].lower() not in {"the", "a", "an", "its", "their"}:
            return i
    return None


def _third_person(verb: str) -> str:
    if verb == "have":
        return "has"
    if re.search(r"(?:s|sh|ch|x|z|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def _past(verb: str) -> str:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ied"
    if re.search(r"(?:^|[^aeiou])[aeiou][bdgmnpt]$", verb) and len(verb) <= 4:
        return verb + verb[-1] + "ed"  # "plan" -> "planned", "ban" -> "banned"
    return verb + "ed"
