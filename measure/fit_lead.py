"""Fit the lead and answerable scorers on tuning data only.

The lead scorer learns which candidate sentence holds the gold answer (SQuAD 1.1
"tune" titles and TAT-QA dev span questions over report prose). The answerable scorer
learns, from the best candidate and what the question asks that its passage and article
do not say, whether a question has an answer at all: SQuAD 2.0 "tune" titles (answerable
against unanswerable questions written to look answerable), TAT-QA dev (answerable, in
business prose), and SQuAD 1.1 "tune" questions about articles the SQuAD 2.0 corpus does
not hold (off every article's topic). Its threshold is chosen on the SQuAD 2.0 tune half,
as the highest that still answers `ANSWERED_TARGET` of its answerable questions. The
SQuAD "report" halves and TAT-QA test are never read here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.config import IndexConfig
from index.embedder import Embedder
from index.errors import NewsqaError
from measure.dataset_eval import PrimedEmbedder, dataset_root, ensure_index, norm
from measure.datasets import RetrievalQuestion, load_squad, load_squad2, load_tatqa
from qa.config import QAConfig
from qa.engine import Engine
from qa.lead.features import FEATURES
from qa.lead.model import Logistic, save_model
from qa.lead.reading import ANSWER_FEATURES

ANSWERED_TARGET = 0.95
Say = Callable[[str], None]


def _engine(name: str, ds_sources: dict, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder,
            questions: list[str]) -> Engine:
    """An engine over the set's cached index, its questions' vectors encoded in batches
    (and kept on disk beside the index, so a refit encodes no question twice)."""
    cfg = index_cfg.model_copy(update={"index_dir": dataset_root(index_cfg.index_dir, name)})
    ensure_index(cfg, ds_sources, embedder, quantities=False)
    primed = PrimedEmbedder(embedder)
    engine = Engine(cfg, qa_cfg, primed)
    texts = []
    for q in questions:
        try:
            texts.append(engine.check_question(q))
        except NewsqaError:
            continue
    cache = cfg.index_dir / f"questions-{cfg.fingerprint()}.npz"
    known: dict[str, np.ndarray] = {}
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            known = dict(zip(z["texts"].tolist(), z["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, embedder.encode(missing), strict=True))
        np.savez(cache, texts=np.array(list(known)), vectors=np.vstack(list(known.values())))
    primed._cache.put(list(known), np.vstack(list(known.values())))
    return engine


def _logistic(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], fitted_on: str, c: float = 1.0) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, y)
    return Logistic(names, mean, scale, lr.coef_[0].copy(), float(lr.intercept_[0]), 0.5, fitted_on)


def fit(data_dir: Path, index_cfg: IndexConfig, qa_cfg: QAConfig, embedder: Embedder,
        limit: int | None = None, say: Say = lambda _m: None) -> dict:
    """Fit both scorers, save them under qa/lead/fitted/, return what they were fitted on."""
    squad = load_squad(data_dir, "tune")
    tatqa = load_tatqa(data_dir, "dev")
    squad2 = load_squad2(data_dir, "tune")
    qs = squad.questions[:limit] if limit else squad.questions
    tq = tatqa.questions[:limit] if limit else tatqa.questions
    qs2 = squad2.questions[:limit] if limit else squad2.questions
    held_titles = {s.title for s in squad2.sources.values()}
    off_topic = [q for q in qs if q.title not in held_titles][: max(len(qs2) // 6, 1)]
    engines = {
        "squad": _engine("squad", squad.sources, index_cfg, qa_cfg, embedder, [q.question for q in qs]),
        "tatqa": _engine("tatqa", tatqa.sources, index_cfg, qa_cfg, embedder, [q.question for q in tq]),
    }
    xs, ys = [], []
    for name, questions in (("squad", qs), ("tatqa", tq)):
        for q in questions:
            _hits, reading = engines[name].read(q.question, rank=False)
            golds = [norm(a) for a in q.answers]
            for c in reading.candidates:
                xs.append(c.features)
                ys.append(int(any(g in norm(c.sentence.text) for g in golds)))
    x, y = np.vstack(xs), np.asarray(ys)
    lead = _logistic(x, y, FEATURES, f"SQuAD 1.1 dev tune half by title ({len(qs)} questions) and TAT-QA dev "
                                     f"({len(tq)} questions): {len(y)} sentences")
    save_model("lead", lead)
    say(f"fit: lead scorer on {len(y)} sentences ({y.mean():.3f} hold an answer)")

    engines["squad2"] = _engine("squad2", squad2.sources, index_cfg, qa_cfg, embedder,
                                [q.question for q in qs2] + [q.question for q in off_topic])
    rows: list[tuple[str, RetrievalQuestion, int, bool]] = [
        *(("squad2", q, int(q.answerable), True) for q in qs2),
        *(("squad2", q, 0, False) for q in off_topic),
        *(("tatqa", q, 1, False) for q in tq),
    ]
    ax, ay, calibrate = [], [], []
    for name, q, label, sets_threshold in rows:
        _hits, reading = engines[name].read(q.question)
        if not reading.candidates:
            continue
        ax.append(reading.answer_features)
        ay.append(label)
        calibrate.append(sets_threshold)
    x2, y2, cal = np.vstack(ax), np.asarray(ay), np.asarray(calibrate)
    model = _logistic(x2, y2, ANSWER_FEATURES,
                      f"SQuAD 2.0 dev tune half by title ({len(qs2)} questions), TAT-QA dev ({len(tq)}), "
                      f"{len(off_topic)} off-topic SQuAD 1.1 tune questions")
    p = model.probabilities(x2)
    answerable_p = np.sort(p[cal & (y2 == 1)])
    cut = answerable_p[int((1 - ANSWERED_TARGET) * len(answerable_p))] if len(answerable_p) else 0.5
    model = Logistic(model.features, model.mean, model.scale, model.coef, model.intercept, float(cut),
                     model.fitted_on + f"; threshold answers {ANSWERED_TARGET:.0%} of SQuAD 2.0 tune's "
                     "answerable questions")
    save_model("answerable", model)
    unanswerable = cal & (y2 == 0)
    declined = float((p[unanswerable] < cut).mean()) if unanswerable.any() else 0.0
    say(f"fit: answerable scorer, threshold {cut:.3f}: on SQuAD 2.0 tune it declines {declined:.1%} "
        "of unanswerable questions")
    return {"lead": lead.fitted_on, "answerable": model.fitted_on, "threshold": round(float(cut), 4),
            "tune_declined": round(declined, 4)}
