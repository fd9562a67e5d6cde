"""Reading the retrieved passages: the sentence that answers, and whether one does.

Two fitted logistic scorers (`qa/lead/fitted/*.json`, fitted by `newsqa eval --fit` on
the tuning halves of SQuAD 1.1 and 2.0 dev, see measure/fit_lead.py) do the work:
`lead` scores every candidate sentence for holding the answer; `answerable` scores the
best candidate, with what the question asks that its passage and article do not say,
for whether the articles answer at all. Its threshold was chosen on the tuning half
too; the report halves measure both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from qa.lead.features import FEATURES, Candidate, CandidateReader
from qa.lead.kinds import asked_kind
from qa.lead.model import Logistic, load_model
from qa.names import names_all, question_names
from qa.retrieval.lexical import coverage_terms, terms
from qa.retrieval.retrieve import Hit

ANSWER_FEATURES: tuple[str, ...] = (
    "lead_p", "second_p", "lead_gap", "lead_coverage", "lead_window_cosine", "lead_kind_held",
    "kind_asked", "hit_fused", "hit_cosine", "hit_coverage", "top_cosine", "unknown_share",
    "missing_in_article", "missing_in_passage", "missing_in_lead", "question_terms",
    "negation_unmatched", "numbers_missing", "names_missing", "lead_bigram_overlap", "lead_covers_all",
    "stairs_pass",
)
_NEGATION = re.compile(r"(?i)\b(?:not|never|no|none|nobody|nothing|neither|nor|without|cannot|fail(?:ed|s)?)\b|n't\b")
_NUMBER = re.compile(r"\d[\d,.]*")
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'-]+")
POSSESSIVE = re.compile(r"['’]s?$")  # "Sunreach's" is named "Sunreach" in the article
# A second sentence joins the lead when it is next to it and nearly as likely: the
# answer often runs over two ("... said Jiang Fan. He added ..."). Chosen on the tuning half.
SECOND_SENTENCE_RATIO = 0.8
_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "in", "on", "the", "a"}
MAX_LEAD_CHARS = 320
# A question of one or two rarer words whose lead sentence holds them all, and that the
# older coverage/cosine thresholds pass, is answered: the scorer, fitted where such short
# questions are rare, under-rates them ("What is involution?": cosine 0.09). On the SQuAD
# 2.0 tune half (at a 91% threshold) it answers 0.2 points more answerable questions, declines 1.1
# points fewer unanswerable ones (35.6% -> 34.5%).
SHORT_QUESTION_TERMS = 2
# How likely, against the best sentence, a sentence giving a reason must be to lead a
# "Why ...?" answer in its place (or beside it): chosen on SQuAD 1.1 dev's tune half
# (84 "why" questions: lead hit@1 0.774 without, 0.798 at 0.3, 0.786 at 0.5 and 0.2;
# TAT-QA dev's 27 unchanged at 0.630). Joining the next sentence whenever it gives a
# reason, however unlikely, lost there (0.762) and stays out.
REASON_RATIO = 0.3


@dataclass
class Reading:
    """Candidates ranked, the lead chosen, and the verdict on whether it answers."""

    candidates: list[Candidate] = field(default_factory=list)
    probabilities: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lead: list[Candidate] = field(default_factory=list)
    answer_features: np.ndarray | None = None
    answer_probability: float = 0.0
    answers: bool = False

    def best_per_passage(self) -> list[tuple[Candidate, float]]:
        """Each passage's best candidate with its probability, best passage first."""
        best: dict[int, tuple[Candidate, float]] = {}
        for c, p in zip(self.candidates, self.probabilities, strict=True):
            key = c.hit.chunk.id
            if key not in best or p > best[key][1]:
                best[key] = (c, float(p))
        return sorted(best.values(), key=lambda cp: -cp[1])


class Reader:
    """Reads one snapshot's passages; built beside its Retriever."""

    def __init__(self, candidates: CandidateReader, article_terms: dict[str, frozenset[str]] | None = None) -> None:
        self.cands = candidates
        self._article_terms = article_terms if article_terms is not None else {}

    def lead_model(self) -> Logistic:
        return load_model("lead", FEATURES)

    def answer_model(self) -> Logistic:
        return load_model("answerable", ANSWER_FEATURES)

    def read(self, question: str, qvec: np.ndarray, hits: list[Hit], judge: bool = True,
             stairs: bool = False, passages: int = 5) -> Reading:
        """Rank every candidate sentence of the best `passages` hits; pick the lead; judge
        whether it answers."""
        cands = self.cands.candidates(question, qvec, hits, passages)
        if not cands:
            return Reading()
        probs = self.lead_model().probabilities(np.vstack([c.features for c in cands]))
        order = _subject_first(question, cands, probs, np.argsort(-probs))
        lead = [cands[int(order[0])]]
        reason = _reason_instead(question, cands, probs, order)
        if reason is not None:
            first = lead[0]
            together = sorted([first, reason], key=lambda c: c.sentence.start)
            fits = max(first.sentence.end, reason.sentence.end) - min(first.sentence.start, reason.sentence.start)
            adjacent = reason.sentence.article_id == first.sentence.article_id and _adjacent(first, reason)
            lead = together if adjacent and fits <= MAX_LEAD_CHARS else [reason]
        elif len(order) > 1:
            second = cands[int(order[1])]
            first = lead[0]
            adjacent = second.sentence.article_id == first.sentence.article_id and _adjacent(first, second)
            joined = max(first.sentence.end, second.sentence.end) - min(first.sentence.start, second.sentence.start)
            if adjacent and probs[order[1]] >= SECOND_SENTENCE_RATIO * probs[order[0]] and joined <= MAX_LEAD_CHARS:
                lead = sorted([first, second], key=lambda c: c.sentence.start)
        lead = _quote_goes_on(question, lead, cands)
        reading = Reading(cands, probs, lead)
        reading.answer_features = self.answer_features(question, reading, hits, stairs)
        if judge:
            model = self.answer_model()
            reading.answer_probability = float(model.probabilities(reading.answer_features[None, :])[0])
            f = dict(zip(ANSWER_FEATURES, reading.answer_features, strict=True))
            short_and_held = (f["lead_covers_all"] and f["stairs_pass"]
                              and f["question_terms"] <= SHORT_QUESTION_TERMS)
            reading.answers = reading.answer_probability >= model.threshold or bool(short_and_held)
        return reading

    def answer_features(self, question: str, r: Reading, hits: list[Hit], stairs: bool = False) -> np.ndarray:
        """What the answerable scorer reads; `stairs`: whether the older coverage/cosine
        thresholds (qa/engine.py) take the question as answered."""
        probs = np.sort(r.probabilities)[::-1]
        best = r.lead[0] if r.lead else r.candidates[int(np.argmax(r.probabilities))]
        f = dict(zip(FEATURES, best.features, strict=True))
        cterms = list(dict.fromkeys(coverage_terms(question)))
        lex = self.cands.lexical
        weights = lex._weights(cterms)
        total = sum(weights.values()) or 1.0
        article = self._terms_of(best.sentence.article_id)
        passage = set(terms(best.hit.chunk.text))
        lead_terms = set().union(*(set(terms(c.sentence.text)) for c in r.lead)) if r.lead else set()

        def missing(have: set[str] | frozenset[str]) -> float:
            return sum(w for t, w in weights.items() if t not in have) / total

        kind = asked_kind(question)
        passage_text = best.hit.chunk.text
        lead_text = " ".join(c.sentence.text for c in r.lead) or best.sentence.text
        negated = bool(_NEGATION.search(question)) and not _NEGATION.search(lead_text)
        numbers = _NUMBER.findall(question)
        numbers_missing = sum(n not in passage_text for n in numbers) / len(numbers) if numbers else 0.0
        names = [POSSESSIVE.sub("", n) for n in _NAME.findall(question) if n.lower() not in _QUESTION_WORDS]
        names_missing = sum(n.lower() not in passage_text.lower() for n in names) / len(names) if names else 0.0
        return np.asarray([
            float(probs[0]), float(probs[1]) if len(probs) > 1 else 0.0,
            float(probs[0] - (probs[1] if len(probs) > 1 else 0.0)),
            f["sentence_coverage"], f["window_max_cosine"], float(best.kind_held), float(kind != "other"),
            best.hit.fused, best.hit.dense, best.hit.coverage, hits[0].dense if hits else 0.0,
            f["unknown_share"], missing(article), missing(passage), missing(lead_terms), float(len(cterms)),
            float(negated), numbers_missing, names_missing, f["bigram_overlap"],
            float(missing(lead_terms) == 0.0), float(stairs),
        ], dtype=np.float64)

    def _terms_of(self, article_id: str) -> frozenset[str]:
        found = self._article_terms.get(article_id)
        if found is None:
            found = frozenset(terms(self.cands.sentences.articles[article_id].text))
            self._article_terms[article_id] = found
        return found


# Kinds whose absence from the best sentence makes a nearly as likely one holding it lead:
# a reason ("Why ...?"), a sum ("How much did X make?" over "reported higher profits").
_RESELECTED = frozenset({"reason", "money"})


# A sentence naming the question's subject ("Giorgio Lanfranchi") leads over one that does
# not when it is nearly as likely: the scorer reads words, not whose they are.
# Chosen on SQuAD 1.1 tune (1,000 questions: lead hit@1 0.749 at 0.8 as without the rule, 0.748 at 0.6).
SUBJECT_RATIO = 0.8


def _subject_first(question: str, cands: list[Candidate], probs: np.ndarray, order: np.ndarray) -> np.ndarray:
    """`order` with the best candidate naming every name of the question first, when the best
    one does not name them and that one is at least `SUBJECT_RATIO` as likely."""
    names = question_names(question)
    if not names or len(order) < 2 or names_all(names, cands[int(order[0])].sentence.text):
        return order
    best = float(probs[order[0]])
    for k, i in enumerate(order[1:], start=1):
        if float(probs[i]) < SUBJECT_RATIO * best:
            break
        if names_all(names, cands[int(i)].sentence.text):
            return np.concatenate([[i], np.delete(order, k)])
    return order


def _reason_instead(question: str, cands: list[Candidate], probs: np.ndarray,
                    order: np.ndarray) -> Candidate | None:
    """For a "Why ...?" question whose best sentence gives no reason (it restates what
    happened), the most likely sentence that does, if it is nearly as likely: it joins
    the lead when it is the next or previous sentence, else leads alone. The scorer,
    fitted where "why" questions are rare, under-rates the reason."""
    if asked_kind(question) not in _RESELECTED or cands[int(order[0])].kind_held:
        return None
    best = float(probs[order[0]])
    for i in order[1:]:
        if float(probs[i]) < REASON_RATIO * best:
            return None
        if cands[int(i)].kind_held:
            return cands[int(i)]
    return None


_SAYING = r"(?:said|says|added|told|warned|explained|argued|noted|insisted)"
# A sentence reporting speech holds a quotation mark and a verb of saying.
_QUOTATION = re.compile(r"[“”\"]")
_SAYS = re.compile(rf"\b{_SAYING}\b")
# A sentence that goes on quoting: it opens a quotation and names no other speaker.
_OPENS_QUOTE = re.compile(r'^\s*[“"]')
_ANOTHER_SPEAKER = re.compile(rf"[”\"]\s*,?\s+(?:{_SAYING}\s+[A-Z]|(?:[A-Z][\w.-]*\s+)+{_SAYING}\b)")


def _quote_goes_on(question: str, lead: list[Candidate], cands: list[Candidate]) -> list[Candidate]:
    """A lead quoting someone the question names (or asking what was said) takes the next
    sentence too when the quotation goes on there: in news the answer is often the second
    sentence of a quotation ("..., " said Urs Keller. "Private banking is our strength."),
    which names nobody and so scores low on its own."""
    if len(lead) != 1:
        return lead
    first = lead[0]
    text = first.sentence.text
    if not (_QUOTATION.search(text) and _SAYS.search(text)):
        return lead
    names = question_names(question)
    if not (asked_kind(question) == "statement" or (names and names_all(names, text))):
        return lead
    for c in cands:
        s = c.sentence
        if (s.article_id == first.sentence.article_id and s.start > first.sentence.start and _adjacent(first, c)
                and _OPENS_QUOTE.match(s.text) and not _ANOTHER_SPEAKER.search(s.text)
                and s.end - first.sentence.start <= MAX_LEAD_CHARS):
            return [first, c]
    return lead


def _adjacent(a: Candidate, b: Candidate) -> bool:
    first, second = sorted([a, b], key=lambda c: c.sentence.start)
    text = first.sentence.article_id and first.hit.chunk.text
    gap_start, gap_end = first.sentence.end, second.sentence.start
    if gap_end < gap_start:
        return False
    chunk = first.hit.chunk
    if chunk.start <= gap_start and gap_end <= chunk.end:
        return not text[gap_start - chunk.start:gap_end - chunk.start].strip()
    return gap_end - gap_start <= 2
