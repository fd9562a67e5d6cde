"""Whether the lead holds what was asked: the checks the fitted answerable scorer keeps.

The scorer (qa/lead/model.py) is fitted on SQuAD 2.0, whose unanswerable questions were
written to share their paragraph's words; it learns little about the ways news questions
go unanswered: a period the article never reports ("full-year profit" over a quarter's),
a year it never names, a company it does not speak of, or "What did X say?" over a
sentence that quotes nobody. Each check asks one plain thing of the lead sentence and
its passage; a question passes only when every check that applies does. What each
costs on answerable questions and gains on unanswerable ones was measured on the SQuAD
2.0 tuning half and is in the README.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from index.article import Article
from qa.lead.kinds import asks_measure, holds, holds_sum
from qa.lead.reading import POSSESSIVE, Reading
from qa.names import names_all, question_names
from qa.retrieval.answer_type import counted_noun, states_time, wants_time
from qa.retrieval.lexical import LexicalIndex, terms

# A period the question asks about, and the words that state one of that length.
_PERIODS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "year": (
        re.compile(r"(?i)\b(?:full[- ]year|annual(?:ly)?|yearly|for\s+the\s+(?:whole\s+|full\s+|fiscal\s+)?year"
                   r"|whole\s+year|a\s+year|per\s+year|each\s+year|in\s+a\s+year|fiscal\s+year)\b"),
        # "a year earlier" and "last year's" compare with a year; they report none.
        re.compile(r"(?i)\b(?:full[- ]year|annual(?:ly)?|yearly|(?:fiscal|financial|calendar|whole|full)\s+year"
                   r"|for\s+the\s+year|(?:the\s+)?years?\s+(?:to|ended|ending|through)|(?:twelve|12)\s+months"
                   r"|per\s+annum|fy\s?\d{2,4}|(?:a|per|each|every)\s+year(?!\s+(?:earlier|ago|before|later|on))"
                   r"|(?:in|for|during)\s+(?:19|20)\d{2})\b"),
    ),
    "half": (
        re.compile(r"(?i)\b(?:first|second|1st|2nd)\s+half\b|\bhalf[- ]year(?:ly)?\b|\bsix\s+months\b|\bh[12]\b"),
        re.compile(r"(?i)\b(?:first|second|1st|2nd)\s+half\b|\bhalf[- ]year(?:ly)?\b|\b(?:six|6)\s+months\b"
                   r"|\bh[12]\b|\binterim\b"),
    ),
    "quarter": (
        re.compile(r"(?i)\b(?:quarter(?:ly)?|three\s+months|q[1-4])\b"),
        re.compile(r"(?i)\b(?:quarter(?:ly)?|(?:three|3)\s+months|q[1-4])\b"),
    ),
}
# "What did the minister say?", "What has she told investors?": speech asked of someone;
# not "What do the articles say about ...?", which asks what they report.
_SPEECH_ASKED = re.compile(r"(?i)^\s*what\b(?!.*\b(?:articles?|stor(?:y|ies)|pieces?|reports?|news|coverage)\s+"
                           r"(?:say|tell)\b).*\b(?:did|does|do|has|have|had|will|would)\b.*"
                           r"\b(?:say|tell|warn|argue|claim|add|write|comment)\b")
_YEAR = re.compile(r"\b(?:1[5-9]\d{2}|20\d{2})\b")
@dataclass(frozen=True)
class Evidence:
    """What a check reads: the question, its reading, the index's vocabulary and articles."""

    question: str
    reading: Reading
    lexical: LexicalIndex
    articles: Mapping[str, Article]

    @property
    def lead_text(self) -> str:
        return " ".join(c.sentence.text for c in self.reading.lead)

    @property
    def passage(self) -> str:
        """The lead's passage and the lead (which may run past the passage's end)."""
        return self.reading.lead[0].hit.chunk.text + " " + self.lead_text

    @property
    def article_head(self) -> str:
        """The lead article's title and opening lines: what the article is about."""
        a = self.articles.get(self.reading.lead[0].sentence.article_id)
        return f"{a.title}\n{a.text[:HEAD_CHARS]}" if a else ""


Check = Callable[[Evidence], bool]
HEAD_CHARS = 300


def states_when(e: Evidence) -> bool:
    """A "When ...?" question needs a passage that states a time ("When was Alibaba
    founded?" is not answered by "Jack Ma co-founded it")."""
    return not wants_time(e.question) or states_time(e.reading.lead[0].hit.chunk.text)


def names_counted(e: Evidence) -> bool:
    """A "How many X ...?" question needs articles that name X."""
    noun = counted_noun(e.question)
    return noun is None or not e.lexical.unknown_terms(terms(noun))


def states_period(e: Evidence) -> bool:
    """A question about a year, a half or a quarter needs a passage that speaks of one:
    "full-year net income" is not answered by a quarter's."""
    passage = e.passage
    return all(stated.search(passage) for asked, stated in _PERIODS.values() if asked.search(e.question))


_YEAR_EARLIER = re.compile(r"(?i)\b(?:(?:a|one)\s+year\s+(?:earlier|before|ago)|year[- ]earlier|(?:previous|prior|"
                           r"preceding)\s+year)\b")


def states_year(e: Evidence) -> bool:
    """A question naming a year ("net income in 2023") needs a passage naming it, or
    naming the next year beside "a year earlier" ("for 2024, down from ... a year earlier")."""
    passage = e.passage
    return all(y in passage or (str(int(y) + 1) in passage and _YEAR_EARLIER.search(passage))
               for y in _YEAR.findall(e.question))


def quotes_someone(e: Evidence) -> bool:
    """ "What did X say?" needs a lead that reports speech: quotation marks or a verb of saying."""
    if not _SPEECH_ASKED.search(e.question):
        return True
    return any(holds("statement", e.question, c.sentence.text) for c in e.reading.lead)


# A sum of money asked: "How much did it spend / earn / cost?", "What is she paid?",
# "What was the deal worth?"; not "How much of the sun ..." nor "How much heavier ...".
_MONEY_WORDS = (r"(?:paid|pay|pays|salary|salaries|earn(?:s|ed)?|cost(?:s)?|spen[dt]s?|spending|worth|fee|fine[ds]?"
                r"|receive[sd]?|get|gets|got|fetch(?:ed)?|owe[sd]?"
                r"|revenue|sales|profit|income|budget|debt|loans?|invest(?:ed|s)?|raised?|borrow(?:ed)?|price)")
_MONEY_ASKED = re.compile(rf"(?i)^\s*(?:how\s+much\s+(?:money\b|(?:did|does|do|will|would|has|have|had|is|was|were"
                          rf"|are)\b.*\b{_MONEY_WORDS}\b)|what\s+(?:is|was|are|were|does|did)\b.*\b(?:paid|worth"
                          rf"|cost|salary|salaries|pay|bonus(?:es)?|compensation|remuneration|pay\s+packet|fees?)\s*\??$)")
def holds_amount(e: Evidence) -> bool:
    """A question asking for a sum of money needs a lead that states one: "What is the
    chief executive paid?" is not answered by what she said."""
    if _MONEY_ASKED.search(e.question):
        return any(holds("money", e.question, c.sentence.text) for c in e.reading.lead)
    if asks_measure(e.question):
        return any(holds_sum(c.sentence.text) for c in e.reading.lead)
    return True


# A rate of a named kind ("What interest rate does it pay?", "What is its attrition
# rate?"): a lead's passage stating another rate (a growth rate, a share) does not answer it.
_RATE_ASKED = re.compile(r"(?i)\b(?P<kind>[a-z-]+)\s+rates?\b")
_ANY_RATE = frozenset({"the", "a", "an", "its", "their", "his", "her", "what", "which", "growth", "annual", "current",
                       "average", "overall", "new", "this", "that", "same", "higher", "lower", "high", "low", "key",
                       "official", "main", "of", "exchange"})


def states_rate(e: Evidence) -> bool:
    """ "What interest rate does X pay on its bonds?" needs a passage that speaks of interest."""
    m = _RATE_ASKED.search(e.question)
    if m is None or m.group("kind").lower() in _ANY_RATE:
        return True
    return set(terms(m.group("kind"))) <= set(terms(e.passage))


# A name the question gives as an owner: "Tencent's", "Bank of America's" (its last words).
_OWNER = re.compile(r"\b((?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*)['’]s?(?=\s)")


# Whose results a question asks, said as the subject: "How much did Hanbit Electronics earn?"
_DOER = re.compile(r"(?i:\b(?:did|does|do|will|has|have|had)\s+)((?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*)\s+"
                   r"(?i:earn|make|report|post|lose|sell|spend|pay|book|record|deliver|ship|produce)\b")


def names_owner(e: Evidence) -> bool:
    """ "What was Tencent's net income?" needs a passage about Tencent: every word of the
    owner the question names ("Hanbit Electronics", not only "Electronics") is in the lead's
    passage, or in what its article is about (its title or opening lines), as "Alibaba's
    net income" is over an article on Alibaba."""
    owners = [m.group(1) for m in (*_OWNER.finditer(e.question), *_DOER.finditer(e.question))]
    words = {w for o in owners for w in o.split() if w.lower() not in _QUESTION_WORDS | _COMPANY_SUFFIXES}
    if not words:
        return True
    where = (e.passage + "\n" + e.article_head).lower()
    return all(w.lower() in where for w in words)


# Words a company's name may carry in a question but not in every mention ("Alibaba Group").
_COMPANY_SUFFIXES = frozenset({"group", "inc", "corp", "co", "ltd", "plc", "holdings", "sa", "ag", "nv", "llc"})


def names_in_article(e: Evidence) -> bool:
    """ "How many consoles did Microsoft sell?" needs an article that names Microsoft."""
    a = e.articles.get(e.reading.lead[0].sentence.article_id)
    names = question_names(e.question)
    return a is None or not names or names_all(names, a.title, a.text)


_QUESTION_WORDS = frozenset({"what", "who", "whom", "whose", "which", "where", "when", "why", "how", "is",
                             "are", "was", "were", "did", "does", "do", "the", "a", "an", "it", "its"})

CHECKS: dict[str, Check] = {
    "when": states_when, "counted": names_counted, "period": states_period, "year": states_year,
    "said": quotes_someone, "owner": names_owner, "amount": holds_amount, "named": names_in_article,
    "rate": states_rate,
}


_NAMED = re.compile(r"\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*")


def quotes_the_person_asked(e: Evidence) -> bool:
    """ "What did Lim Wei Ming say?" over a lead in which Lim Wei Ming says something is
    answered, however far the question's vector is from the passage's: the embedding
    places a bare name poorly (cosine 0.08 for that one), and nothing else is asked."""
    if not e.reading.lead or not _SPEECH_ASKED.search(e.question):
        return False
    names = [n for n in _NAMED.findall(e.question[1:]) if n.lower() not in _QUESTION_WORDS]
    lead = e.lead_text
    return bool(names) and all(POSSESSIVE.sub("", n) in lead for n in names) and any(
        holds("statement", e.question, c.sentence.text) for c in e.reading.lead)

# What a failed check says of the closest passage, shown beside it when declining.
NOTES: dict[str, str] = {
    "when": "it gives no time", "counted": "no article names what is counted",
    "period": "it reports another period", "year": "it names another year",
    "owner": "it is about another company", "said": "it quotes nobody", "amount": "it states no sum",
    "named": "it does not name what the question names", "rate": "it states another rate",
}


def failed_checks(e: Evidence, checks: Mapping[str, Check] | None = None) -> list[str]:
    """The names of the checks the lead fails (all of them when there is no lead)."""
    checks = CHECKS if checks is None else checks
    if not e.reading.lead:
        return list(checks)
    return [name for name, check in checks.items() if not check(e)]
