"""One measure in several years: the operands a question names by year ("from 2013 to 2014").

Reports state a measure for several years in one sentence ("$241 million, $250 million
and $205 million in 2006, 2005 and 2004, respectively"), and the index gives each
number its year (`Quantity.when`). A question naming years wants one number per year,
all of the same measure: the sentence that states every year asked, with numbers of one
kind, whose words are closest to the question's. Another sentence saying it nearly as
well means the choice is a guess, and there is no figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.figures.operand_pool import same_kind
from qa.figures.operands import MIN_MARGIN, MIN_SCORE, MIN_SCORE_LEXICAL, Matcher, Operand

# The years agreeing is evidence of its own: a closer match of words is not needed.
_YEAR_FLOOR = 0.50
_YEAR_FLOOR_LEXICAL = 0.35


def by_years(phrase: str, years: Sequence[str], pool: Sequence[Operand], m: Matcher,
             contrast: Sequence[str] = ()) -> list[Operand] | None:
    """One operand per year, in the order of `years`, or None when the choice is unsure."""
    wanted = list(dict.fromkeys(years))
    if len(wanted) < 2:
        return None
    pool = [op for op in pool if op.q.role == "level"]  # levels: a change per year is another measure
    dated = [op for op in pool if op.q.when in wanted]
    if not dated:
        return None
    keys = {(op.article_id, op.q.sentence_start) for op in dated}
    near = [op for op in pool if (op.article_id, op.q.sentence_start) in keys]
    scores = dict(zip((id(op) for op in near), m.scores(phrase, near, contrast), strict=True))
    whole = dict(zip((id(op) for op in near), m.sentence_scores(phrase, near), strict=True))
    groups: dict[tuple[str, int], list[Operand]] = {}
    for op in near:
        groups.setdefault((op.article_id, op.q.sentence_start), []).append(op)
    picks: list[tuple[float, list[Operand]]] = []
    for ops in groups.values():
        if _only_as_base(phrase, ops[0].q.sentence):
            continue  # "$1.4 billion (16 percent of net sales)": those numbers are not sales
        chosen = _one_per_year(ops, wanted, scores, m, phrase)
        if chosen is not None:  # the sentence names the measure once, for all its numbers
            picks.append((max(max(scores[id(o)] for o in ops), whole[id(ops[0])]), chosen))
    if not picks:
        return _across_sentences(wanted, dated, scores, m)
    picks.sort(key=lambda t: -t[0])
    top, chosen = picks[0]
    floor = _YEAR_FLOOR if m.embed else _YEAR_FLOOR_LEXICAL
    if len(picks) == 1:
        floor -= 0.1  # the only sentence stating every year asked: less word evidence is needed
    if top < floor or (len(picks) > 1 and top - picks[1][0] < MIN_MARGIN
                       and [o.q.value for o in picks[1][1]] != [o.q.value for o in chosen]):
        return None
    return chosen


_SHARE_OF = re.compile(r"(?i)\d[\d.,]*\s*(?:%|percent|per\s+cent)\s+of\s+[a-z][a-z\s-]{0,40}")


def _only_as_base(phrase: str, sentence: str) -> bool:
    """The phrase's measure is named only as the base of a share ("16 percent of net sales")."""
    words = [w for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) > 2]
    if not words:
        return False
    head = words[-1][:5]
    rest = _SHARE_OF.sub(" ", sentence.lower())
    return head in sentence.lower() and head not in rest


def in_year(phrase: str, year: str, pool: Sequence[Operand], m: Matcher,
            contrast: Sequence[str] = ()) -> Operand | None:
    """The operand `phrase` means among those of `year`."""
    dated = [op for op in pool if op.q.when == year]
    return m.best(phrase, dated, contrast=contrast) if dated else None


def _one_per_year(ops: list[Operand], wanted: list[str], scores: dict[int, float], m: Matcher,
                  phrase: str = "") -> list[Operand] | None:
    """The best-scoring number of each year in one sentence, all of one kind."""
    chosen = []
    for year in wanted:
        cands = sorted((o for o in ops if o.q.when == year), key=lambda o: -scores[id(o)])
        if not cands:
            return None
        best = cands[0]
        if len(cands) > 1 and scores[id(best)] - scores[id(cands[1])] < MIN_MARGIN / 2 and (
                cands[1].q.value != best.q.value):
            best = _by_run_words(phrase, cands, ops, m)
            if best is None:
                return None  # two numbers of that year ("$14 million (net of tax of $8 million)")
        chosen.append(best)
    if any(not same_kind(chosen[0], o) for o in chosen[1:]):
        return None
    return chosen


def _across_sentences(wanted: list[str], dated: list[Operand], scores: dict[int, float],
                      m: Matcher) -> list[Operand] | None:
    """Each year's number from its own sentence: each must be a clear best."""
    floor = MIN_SCORE if m.embed else MIN_SCORE_LEXICAL
    chosen = []
    for year in wanted:
        cands = sorted((o for o in dated if o.q.when == year), key=lambda o: -scores[id(o)])
        if not cands or scores[id(cands[0])] < floor:
            return None
        if len(cands) > 1 and scores[id(cands[0])] - scores[id(cands[1])] < MIN_MARGIN and (
                cands[1].q.value != cands[0].q.value):
            return None
        chosen.append(cands[0])
    if any(not same_kind(chosen[0], o) for o in chosen[1:]):
        return None
    return chosen


def _by_run_words(phrase: str, cands: list[Operand], ops: list[Operand], m: Matcher) -> Operand | None:
    """Of numbers of one year, the one whose list names the phrase's words ("$2.9 billion and $2.5
    billion is reflected as a long-term liability and $118 million and $131 million is ...")."""
    def run_text(op: Operand) -> str:
        same = sorted((o for o in ops if o.q.unit == op.q.unit), key=lambda o: o.q.start)
        k = next(i for i, o in enumerate(same) if o is op)
        text = m.local(op)
        for nxt in same[k + 1:]:
            gap = op.q.sentence[same[k].q.end - op.q.sentence_start:nxt.q.start - op.q.sentence_start]
            if not re.fullmatch(r"(?i)\s*(?:,\s*(?:and\s+)?|and\s+)", gap):
                break
            text += " " + m.local(nxt)
            k += 1
        return text

    want = _stems(phrase)
    if not want:
        return None
    ranked = sorted(((len(want & _stems(run_text(o))) / len(want), o) for o in cands), key=lambda t: -t[0])
    if ranked[0][0] > 0 and ranked[0][0] > ranked[1][0]:
        return ranked[0][1]
    return None


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}
