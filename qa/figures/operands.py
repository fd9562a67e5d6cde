"""Choosing the quantities a question's phrases refer to, by meaning and by words.

A phrase ("Tencent's latest quarterly capital investment") is matched against each
quantity's clause with the sentence-embedding model, plus two checks a reader would
make: do the phrase's words appear in the sentence, and does the sentence name a
different company from the one the phrase names. A match must clear a floor and beat
the runner-up clearly; otherwise there is no operand, and so no figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from index.quantities.quantity import Quantity

Embed = Callable[[list[str]], np.ndarray]

MIN_SCORE = 0.55  # below this, the best match is a guess
MIN_SCORE_LEXICAL = 0.6  # the same floor when no embedding model is given
MIN_MARGIN = 0.04  # the best must beat a different runner-up by this much
_SENTENCE_WEIGHT = 0.05  # the phrase's words anywhere in the sentence
_CLAUSE_WEIGHT = 0.15  # ... in the clause that holds the number
_TERM_WEIGHT = 0.15  # "capital expenditure" as a term, not two stray words
_MODIFIER_PENALTY = 0.25  # "online sales" asked as "sales"
_NEUTRAL = frozenset("""quarterly annual yearly monthly weekly daily latest recent total overall
group reported adjusted underlying full-year half-year first-half""".split())  # noqa: SIM905
_NOT_NAMES = frozenset("""the that this it its but and a an in on for as at by january february
march april may june july august september october november december monday tuesday wednesday
thursday friday saturday sunday""".split())  # noqa: SIM905
_ACRONYMS = frozenset("""AI EBITA EBITDA EBIT CEO CFO COO IPO GDP US UK EU EPS EV CAPEX R&D
USD CNY EUR GBP JPY HKD RMB Q1 Q2 Q3 Q4 H1 H2 FY""".split())  # noqa: SIM905
_ORG = re.compile(r"(?P<name>(?:[A-Z][\w&.-]*\s+)*[A-Z][\w&.-]*)(?:\s+(?:Inc|Ltd|Plc|PLC|Corp|"
                  r"Corporation|AG|SE|SA|NV|Group|Holdings|Co)\b|(?:'s|’s)\b)"
                  r"|\b[Rr]ivals?\s+(?P<rival>(?:[A-Z][\w&.-]*\s*)+)")
_NOT_A_NOUN_PHRASE = re.compile(r"(?i)\b(?:to|on|in|of|for|from|by|with|at|did|does|do|was|"
                                r"were|is|are|has|have|had)\b")
_BREAK = re.compile(r"[,;]\s|\s(?:and|while|but|whereas)\s")
_LOCAL_WEIGHT = 0.1  # words right next to the number: "1,100 stores in central Europe"
_HEAD_WEIGHT = 0.05  # ... its last word (the measure a noun phrase names) in that clause
_LEXICAL_MAX = _HEAD_WEIGHT + _SENTENCE_WEIGHT + _CLAUSE_WEIGHT + _LOCAL_WEIGHT + _TERM_WEIGHT
_NAME_PENALTY = 0.25
_NAME_BONUS = 0.15
# A sentence opening with another name than the question's owner ("Kestrel's") is less likely its number.
_OWNER_PENALTY = 0.2
_PER_PENALTY = 0.15  # an amount not priced per share, for a phrase asking a price per share
_PER_SHARE = re.compile(r"(?i)\bshare\s+price|\bprice\s+(?:per|a|of\s+(?:a|each|one))\s+share"
                        r"|\b(?:per|a|each)\s+share\b")
_SHARE_PENALTY = 0.4  # a change or an amount, for a phrase asking a market share
_MARKET_SHARE = re.compile(r"(?i)\bmarket\s+share\b|\bshare\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}market\b")
_STOP = frozenset(
    """the and for with that this from into over than what which does did
has have had was were are is its their his her our how much many more less about per new
plan plans planned total amount value figure number level size while whereas although though
because since after before during until unless also said says say just only still even
then when where who whom whose there here""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Operand:
    """A quantity from one article, with its place in retrieval's ranking."""

    article_id: str
    q: Quantity
    rank: int

    def same_item(self, other: Operand) -> bool:
        """The same number, or its stated conversion ("380 billion yuan ($53.8 billion)")."""
        if self.article_id != other.article_id:
            return False
        if self.q.start == other.q.start:
            return True
        return (self.q.equiv_start == other.q.start or other.q.equiv_start == self.q.start
                or _bracketed_after(self.q, other.q) or _bracketed_after(other.q, self.q))


def _bracketed_after(a: Quantity, b: Quantity) -> bool:
    """ "€610m ($790m; £420m)": b stands in the bracket right after a, one of its conversions."""
    if (a.sentence_start != b.sentence_start or b.start <= a.end or not b.is_money or not a.is_money
            or a.unit == b.unit):
        return False
    between = a.sentence[a.end - a.sentence_start:b.start - a.sentence_start]
    return re.fullmatch(r"\s*\((?:[^();]*;)*\s*", between) is not None  # first in the bracket, or after a ";"


class Matcher:
    """Scores phrases against operands; embeds each distinct clause once."""

    def __init__(self, operands: Sequence[Operand], embed: Embed | None) -> None:
        self.operands = list(operands)
        self.embed = embed
        self._clauses: dict[str, int] = {}
        for op in self.operands:
            self._clauses.setdefault(op.q.clause, len(self._clauses))
        self._vectors: np.ndarray | None = None
        self._local = _local_texts(self.operands)
        self._clause_counts: dict[tuple[str, int], int] | None = None
        self._article_names: dict[str, set[str]] = {}
        self._mid_names: dict[str, set[str]] = {}
        self._name_counts: dict[str, dict[str, int]] = {}  # article -> name -> sentences naming it
        seen: set[tuple[str, int]] = set()
        for op in self.operands:
            self._article_names.setdefault(op.article_id, set()).update(_names(op.q.sentence, first=True))
            self._mid_names.setdefault(op.article_id, set()).update(_names(op.q.sentence, first=False))
            if (op.article_id, op.q.sentence_start) not in seen:
                seen.add((op.article_id, op.q.sentence_start))
                counts = self._name_counts.setdefault(op.article_id, {})
                for n in _names(op.q.sentence, first=True):
                    counts[n] = counts.get(n, 0) + 1

    def scores(self, phrase: str, pool: Sequence[Operand],
               contrast: Sequence[str] = ()) -> list[float]:
        """Similarity of `phrase` to each operand in `pool`, higher is closer.

        `contrast` holds the question's other phrases: a sentence naming only their
        company ("Tencent's" when this phrase says "Alibaba's") is about the other one.
        """
        if not pool:
            return []
        names = _names(phrase, first=True)
        owners = _owners(phrase)
        others = {n for c in contrast for n in _names(c, first=True)} - names
        words = [stem for _, stem in _content(phrase, skip=names)]
        simple = not _NOT_A_NOUN_PHRASE.search(phrase)  # then its last word names the measure
        dense = self._dense(phrase, pool)
        per_share = bool(_PER_SHARE.search(phrase))
        a_share = not per_share and bool(_MARKET_SHARE.search(phrase))
        out = []
        for op, d in zip(pool, dense, strict=True):
            score = _lexical(words, op.q, self._local.get(id(op), ""), simple)
            # Without a model, shared words are all there is: scale them to 0..1.
            score = score + d if self.embed else score / _LEXICAL_MAX
            if names and (_about_someone_else(op.q.sentence, names, others) or self._elsewhere(names, op)):
                score -= _NAME_PENALTY
            elif owners and self._owned_by_another(op, owners):
                score -= _OWNER_PENALTY
            elif others and names & _names(op.q.sentence, first=True):
                score += _NAME_BONUS  # two companies compared: naming ours tells them apart
            if per_share and op.q.is_money and op.q.per != "share":
                score -= _PER_PENALTY  # "Horak's share price" is not "€140m of Horak's debt"
            elif a_share and (op.q.unit != "%" or op.q.role == "change"):
                score -= _SHARE_PENALTY  # "Sierra's market share" is a percentage held, not its share price
            out.append(float(score))
        return out

    def owned_by_another(self, phrase: str, op: Operand) -> bool:
        """The phrase gives an owner ("Kestrel's profit") its operand's sentence does not name,
        naming someone else ("Vltava has ..., and its full-year profit was ...")."""
        return self._owned_by_another(op, _owners(phrase))

    def _owned_by_another(self, op: Operand, owners: set[str]) -> bool:
        """The operand's sentence opens with a name ("Vltava has ...") that is not the owner's."""
        if not owners or op.q.per == "share":  # a price a share is a price of someone's shares, an offer's too
            return False
        words = re.findall(r"[\w&.'’-]+", op.q.sentence)[:4]
        run = []
        for w in words:
            if not w[:1].isupper():
                break
            run.append(re.sub(r"(?:'s|’s)$", "", w.rstrip(".")))
        if not run:
            return False
        first = run[0]
        named = len(run) > 1 or first in self._mid_names.get(op.article_id, set()) or sum(map(str.isupper, first)) > 1
        return named and not owners & set(run)

    def about(self, names: set[str], op: Operand) -> bool:
        """The operand is about the names: its sentence says them, or they are its article's
        most named and the sentence names no company nearly as often named ("Its terminals
        handled ..." in a story about Brannock; "Japan's fourth-biggest" is no rival)."""
        if names <= _names(op.q.sentence, first=True):
            return True
        if self._elsewhere(names, op):
            return False
        counts = self._name_counts.get(op.article_id, {})
        top = max(counts.values(), default=0)
        rivals = _org_names(op.q.sentence) - names
        return bool(names) and all(counts.get(n, 0) == top for n in names) and not any(
            2 * counts.get(n, 0) >= top for n in rivals)

    def _elsewhere(self, names: set[str], op: Operand) -> bool:
        """The company asked about is named in another article and nowhere in this one."""
        here = self._article_names.get(op.article_id, set())
        return not names & here and any(names & found for aid, found in self._article_names.items()
                                        if aid != op.article_id)

    def sentence_scores(self, phrase: str, pool: Sequence[Operand]) -> list[float]:
        """Similarity of `phrase` to each operand's whole sentence: a sentence that names its
        measure once for a list of numbers ("Depreciation expense ... totaled $290.2 million in
        2019, $239.6 million in 2018 ...") says it outside the later numbers' clauses."""
        if not pool:
            return []
        sentences = list(dict.fromkeys(op.q.sentence for op in pool))
        words = {stem for _, stem in _content(phrase, skip=_names(phrase, first=True))}
        lexical = []
        for text in sentences:
            have = {stem for _, stem in _content(text)}
            lexical.append((_SENTENCE_WEIGHT + _CLAUSE_WEIGHT) * len(words & have) / len(words) if words else 0.0)
        if self.embed is not None:
            bare = _strip_names(phrase) or phrase
            vecs = _as_rows(self.embed(sentences))
            query = _as_rows(self.embed([phrase, bare])).mean(axis=0)
            dense = [float(x) for x in vecs @ query]
        else:
            dense = [0.0] * len(sentences)
            lexical = [x / (_SENTENCE_WEIGHT + _CLAUSE_WEIGHT) for x in lexical]
        by_text = {t: d + lx for t, d, lx in zip(sentences, dense, lexical, strict=True)}
        return [by_text[op.q.sentence] for op in pool]

    def local(self, op: Operand) -> str:
        """The words right next to the operand's number (see `_local_texts`)."""
        return self._local.get(id(op), "")

    def support(self, phrase: str, op: Operand, other: str = "", clause: bool = False) -> float:
        """How much of `phrase` the words next to `op` say, 0..1; -1 when they miss a name.

        Names and years that set `phrase` apart from `other` ("Howe" against
        "Washington", "2010" against "2000") must be next to the number itself: a
        sentence listing several groups says each one's number beside its name. With
        `clause`, a number alone in its clause may have its name anywhere in the clause.
        """
        local = self.local(op)
        near = {stem for _, stem in _content(local)}
        if clause and self._alone_in_clause(op):  # no other number there to claim the clause's words
            local = f"{local} {op.q.clause}"
        lowered = local.lower()
        named = {stem for _, stem in _content(local)}
        names = _names(phrase, first=True) - _names(other, first=True)
        years = set(re.findall(r"\b(?:1[5-9]|20)\d\d\b", phrase)) - set(
            re.findall(r"\b\d{4}\b", other))
        for name in names:
            stems = _tokens(name)
            if not stems or stems[0][1] not in named:
                return -1.0
        if any(y not in lowered for y in years):
            return -1.0
        words = {stem for _, stem in _content(phrase)}
        return len(words & near) / len(words) if words else 1.0

    def _alone_in_clause(self, op: Operand) -> bool:
        key = (op.article_id, op.q.clause_start)
        if self._clause_counts is None:
            counts: dict[tuple[str, int], int] = {}
            for o in self.operands:
                k = (o.article_id, o.q.clause_start)
                counts[k] = counts.get(k, 0) + 1
            self._clause_counts = counts
        return self._clause_counts.get(key, 0) == 1

    def best(self, phrase: str, pool: Sequence[Operand],
             prefer: Callable[[Operand], int] | None = None,
             contrast: Sequence[str] = ()) -> Operand | None:
        """The operand `phrase` clearly means, or None when no match is confident."""
        if not pool or not phrase.strip():
            return None
        scored = sorted(zip(self.scores(phrase, pool, contrast), range(len(pool)), strict=True),
                        key=lambda t: (-t[0], t[1]))
        top_score, top_i = scored[0]
        floor = MIN_SCORE if self.embed else MIN_SCORE_LEXICAL
        if top_score < floor:
            return None
        top = pool[top_i]
        top_i = self.whole_or_part(phrase, pool, top_i, [i for _, i in scored])
        top = pool[top_i]
        # The number, its stated conversion, its change and its earlier level are one
        # fact: they are not rivals, and the level it reached stands for them all.
        group = {i for _, i in scored if i == top_i or _related(pool[i], top)}
        rivals = [s for s, i in scored if i not in group and not _same_value(pool[i], top)
                  and not part_of(pool[i], top) and not part_of(top, pool[i])]
        if rivals and top_score - rivals[0] < MIN_MARGIN:
            return None
        rank = {i: k for k, (_, i) in enumerate(scored)}

        def key(i: int) -> tuple[bool, int, bool, int]:
            op = pool[i]
            changed = op.q.factor is not None or op.q.delta is not None or (
                op.q.previous is not None)
            return (op.q.role == "level", prefer(op) if prefer else 0, changed, -rank[i])

        return pool[max(group, key=key)]

    def whole_or_part(self, phrase: str, pool: Sequence[Operand], top_i: int, order: list[int]) -> int:
        """ "£2.2bn, of which £1.7bn came from drink": the part only when the phrase says what sets
        it apart ("drink"), else the whole; the two are one statement, not rivals."""
        top = pool[top_i]
        for i in order:
            other = pool[i]
            if part_of(other, top):
                whole, part, k = top, other, i
            elif part_of(top, other):
                whole, part, k = other, top, i
            else:
                continue
            own = {s for _, s in _content(self.local(part))} - {s for _, s in _content(self.local(whole))}
            wants_part = bool(own & {s for _, s in _content(phrase)})
            return (k if part is other else top_i) if wants_part else (k if whole is other else top_i)
        return top_i

    def _dense(self, phrase: str, pool: Sequence[Operand]) -> list[float]:
        """Cosine to each clause, averaged over the phrase with and without its names.

        Without the names, "Tesco's sales" is matched on "sales"; a clause that merely
        names Tesco does not win on the name alone (names are weighed separately).
        """
        if self.embed is None:
            return [0.0] * len(pool)
        if self._vectors is None:
            self._vectors = _as_rows(self.embed(list(self._clauses)))
        bare = _strip_names(phrase)
        queries = [phrase, bare] if bare and bare != phrase else [phrase]
        said = _measure_words(phrase)
        if said:  # "what did it earn": the measure is profit, which the clause names
            queries = [f"{q} {said}" for q in queries]
        sims = (self._vectors @ _as_rows(self.embed(queries)).T).mean(axis=1)
        return [float(sims[self._clauses[op.q.clause]]) for op in pool]


# Verbs a question uses for the measure a report names with a noun.
_MEASURES = {"earn": "profit earnings income", "earned": "profit earnings income", "earns": "profit earnings",
             "sell": "sales", "sold": "sales", "sells": "sales", "spend": "spending investment",
             "spent": "spending investment", "spends": "spending", "pay": "revenue payments",
             "paid": "revenue payments", "owe": "debt", "owed": "debt", "owes": "debt", "employ": "employees",
             "employs": "employees", "employed": "employees", "lose": "loss", "lost": "loss",
             "make": "revenue", "made": "revenue", "makes": "revenue", "charge": "price", "cost": "price"}


def phrase_names(phrase: str) -> set[str]:
    """The names a question's phrase gives, as the matcher reads them."""
    return _names(phrase, first=True)


def as_measured(phrase: str) -> str:
    """The phrase with a verb for a measure put as its noun: "X earn in the first half" ->
    "X profit in the first half" (the words a report's "64% jump in half-year profit" says)."""
    return " ".join(_MEASURES[w.lower()].split()[0] if w.lower() in _MEASURES else w for w in phrase.split())


def _measure_words(phrase: str) -> str:
    words = re.findall(r"[a-z]+", phrase.lower())
    return " ".join(dict.fromkeys(_MEASURES[w] for w in words if w in _MEASURES))


def _strip_names(phrase: str) -> str:
    names = _names(phrase, first=True)
    words = [w for w in phrase.split()
             if re.sub(r"(?:'s|’s|')$", "", w.strip(",.")) not in names]
    return " ".join(words)


def _local_texts(operands: list[Operand]) -> dict[int, str]:
    """The words around each number, up to a comma, "and"/"while" or another number.

    Two numbers in one clause ("2,900 stores in Britain and 1,100 stores in central
    Europe"; "net profit rose 34% to 40.3 billion yuan, while revenue climbed to 777
    billion yuan") share a clause embedding; the words next to each tell them apart.
    A number's own change or stated conversion does not cut its window.
    """
    by_sentence: dict[tuple[str, int], list[Operand]] = {}
    for op in operands:
        by_sentence.setdefault((op.article_id, op.q.sentence_start), []).append(op)
    out: dict[int, str] = {}
    for ops in by_sentence.values():
        ops.sort(key=lambda o: o.q.start)
        for k, op in enumerate(ops):
            q = op.q
            base = q.sentence_start
            lo = max([q.clause_start] + [o.q.end for o in ops[:k]
                                         if o.q.end <= q.start and not _related(o, op)])
            hi = min([q.clause_end] + [o.q.start for o in ops[k + 1:]
                                       if o.q.start >= q.end and not _related(o, op)])
            cuts = [m.end() + base for m in _BREAK.finditer(q.sentence, lo - base,
                                                            q.start - base)]
            lo = max([lo, *cuts])
            after = _BREAK.search(q.sentence, q.end - base, max(q.end, hi) - base)
            hi = after.start() + base if after else hi
            lo, hi = max(lo, base), min(max(hi, q.end), q.sentence_end)
            out[id(op)] = q.sentence[lo - base:hi - base]
    return out


def _related(a: Operand, b: Operand) -> bool:
    """One states b's conversion, change or earlier level: they belong together."""
    if a.same_item(b) or _earlier_level(a, b):
        return True
    return (a.article_id == b.article_id and a.q.sentence_start == b.q.sentence_start
            and ((a.q.role == "change" and a.q.text in b.q.change_text)
                 or (b.q.role == "change" and b.q.text in a.q.change_text)))


_PART_LINK = re.compile(r"(?i)^[\s,(]*(?:of\s+which|including|includ(?:es|ed)|among\s+(?:them|which))\b")


def part_of(part: Operand, whole: Operand) -> bool:
    """ "$47bn, including $39.5bn in principal": `part` is stated as a part of `whole`."""
    a, b = part.q, whole.q
    if part.article_id != whole.article_id or a.sentence_start != b.sentence_start or b.end > a.start:
        return False
    if a.unit != b.unit or not 0 < a.value < b.value:
        return False
    return _PART_LINK.match(b.sentence[b.end - b.sentence_start:a.start - b.sentence_start]) is not None


def _as_rows(x: np.ndarray) -> np.ndarray:
    rows = np.asarray(x, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def _earlier_level(a: Operand, b: Operand) -> bool:
    """ "€18.4 billion, up from €16.4 billion": the earlier level is not a rival."""
    return (a.article_id == b.article_id and a.q.sentence_start == b.q.sentence_start
            and (b.q.previous == a.q.value or a.q.previous == b.q.value))


def _about_someone_else(sentence: str, names: set[str], others: set[str]) -> bool:
    """The sentence names another company (or the question's other one) and not ours."""
    found = _names(sentence, first=True)
    if names & found:
        return False
    return bool(_org_names(sentence) - names) or bool(others & found)


def _owners(phrase: str) -> set[str]:
    """The words of the names a phrase gives as owners: {"Albion", "Air"} of "Albion Air's"."""
    runs = re.findall(r"((?:\b[A-Z][\w&.-]*\s+){0,3}\b[A-Z][\w&.-]*)['’]s\b", phrase)
    return {w for run in runs for w in run.split()}


def _org_names(sentence: str) -> set[str]:
    """Names written as companies: "Tencent Holdings Ltd.", "Sainsbury's", "rival Aldi"."""
    out: set[str] = set()
    for m in _ORG.finditer(sentence):
        name = m.group("name") or m.group("rival") or ""
        out.update(w for w in name.split() if w[:1].isupper())
    return out


def _same_value(a: Operand, b: Operand) -> bool:
    """Two mentions of one number (a repeated figure) are not rivals."""
    return a.q.unit == b.q.unit and abs(a.q.value - b.q.value) <= 1e-9 * max(1.0, abs(a.q.value))


def _lexical(words: list[str], q: Quantity, local: str, simple: bool) -> float:
    """Shared words: in the sentence, next to the number, as whole terms, and clashes.

    "quarterly sales" as a term in the clause counts more than the two words apart;
    "Online sales" when the phrase says only "sales" names a different measure.
    """
    if not words:
        return 0.0
    wanted = set(words)
    sentence = {stem for _, stem in _content(q.sentence)}
    near = {stem for _, stem in _content(local)}
    clause = _tokens(q.clause)
    stems = [stem for word, stem in clause if _is_content(word)]
    score = _SENTENCE_WEIGHT * len(wanted & sentence) / len(wanted)
    score += _CLAUSE_WEIGHT * len(wanted & set(stems)) / len(wanted)
    score += _LOCAL_WEIGHT * len(wanted & near) / len(wanted)
    pairs = set(pairwise(words))
    if pairs:
        score += _TERM_WEIGHT * len(pairs & set(pairwise(stems))) / len(pairs)
    heads = [i for i, (_, stem) in enumerate(clause) if stem == words[-1]]
    if simple and heads:  # "quarterly revenue": a clause naming revenue says what it measures
        score += _HEAD_WEIGHT
    if simple and heads and all(_foreign_modifier(clause[i - 1] if i else None, wanted)
                                for i in heads):
        score -= _MODIFIER_PENALTY
    return score


def _foreign_modifier(token: tuple[str, str] | None, wanted: set[str]) -> bool:
    if token is None:
        return False
    word, stem = token
    return _is_content(word) and stem not in wanted and word not in _NEUTRAL


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word, crude stem) pairs; the stem is the first five letters, plural s dropped."""
    words = re.findall(r"[a-z][a-z\-]*", text.lower().replace("’", "'"))
    return [(w, (w[:-1] if w.endswith("s") and len(w) > 3 else w)[:5]) for w in words]


def _is_content(word: str) -> bool:
    return len(word) > 2 and word not in _STOP


def _content(text: str, skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Content words in order, names (left to `_names`) skipped."""
    lowered = {s.lower() for s in skip}
    return [(w, s) for w, s in _tokens(text) if _is_content(w) and w not in lowered]


def _names(text: str, first: bool) -> set[str]:
    """Capitalised words (company names, acronyms); a sentence's first word is not one."""
    out = set()
    for k, m in enumerate(re.finditer(r"[A-Za-z][\w&.-]*", text)):
        word = m.group(0).rstrip(".")
        if not word[0].isupper() or (k == 0 and not first):
            continue
        if word.lower() in _NOT_NAMES or word.upper() in _ACRONYMS:
            continue
        out.add(re.sub(r"(?:'s|’s)$", "", word))
    return out
