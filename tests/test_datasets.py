"""The public-set loaders and `newsqa eval --dataset`, on real rows of ../shared/data.

The CLI runs use a small slice of each file (SQuAD's 25 paragraphs on geology, three DROP passages) in a
data folder of the test's own, so the whole path (load, build, cache, ask, score)
runs for real in seconds.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from measure.dataset_eval import figure_matches, judge, modes_in_order, sample
from measure.datasets import ArithmeticQuestion, load_drop, load_finqa, load_squad, load_squad2, load_tatqa, read_rows
from qa.answer import Answer, Figure

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "squad_dev.jsonl.gz").is_file(), reason="../shared/data missing")


def _slice(src: str, dst: Path, keep: int, key: str, only: str | None = None) -> None:
    """The rows of the first `keep` distinct values of `key` (or of `only`), gzipped as the original."""
    seen: list[str] = []
    rows = []
    for row in read_rows(DATA, src):
        value = str(row[key])
        if only is not None and value != only:
            continue
        if value not in seen:
            if len(seen) == keep:
                continue
            seen.append(value)
        rows.append(row)
    names = {"squad": "squad_dev.jsonl.gz", "drop": "drop_numeric_dev.jsonl.gz"}
    with gzip.open(dst / names[src], "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    _slice("squad", folder, 1, "title", only="Geology")
    _slice("drop", folder, 3, "passage")
    return folder


@needs_data
def test_loaders_read_the_documented_sets() -> None:
    squad = load_squad(DATA, "dev")
    assert len(squad.sources) == 48 and len(squad.questions) == 10_570
    halves = [load_squad(DATA, half) for half in ("tune", "report")]
    assert sum(len(h.questions) for h in halves) == 10_570
    assert not {q.title for q in halves[0].questions} & {q.title for q in halves[1].questions}
    squad2 = load_squad2(DATA, "dev")
    assert len(squad2.questions) == 11_873 and sum(not q.answerable for q in squad2.questions) == 5_945
    assert sum(s.body.count("\n\n") + 1 for s in squad.sources.values()) == 2_067
    tatqa = load_tatqa(DATA)
    assert tatqa.split == "dev" and all(q.answers for q in tatqa.questions)
    assert len(load_tatqa(DATA, "test").questions) > 300
    drop = load_drop(DATA)
    assert len(drop.questions) > 5_000 and all(q.article_id in drop.sources for q in drop.questions)
    finqa = load_finqa(DATA)
    assert finqa.split == "dev" and all(isinstance(a, float) for q in finqa.questions for a in q.answers)


def _figure(value: float, unit: str) -> Figure:
    return Figure(label="x", value=value, unit=unit, formula="a - b", inputs=[])


def test_figure_matching_scales_percent_fractions_and_tolerance() -> None:
    assert figure_matches(_figure(6.9e6, "USD"), [6.9], percent_fractions=False)  # "in millions"
    assert figure_matches(_figure(50.6e9, "USD"), [50.6], percent_fractions=False)
    assert figure_matches(_figure(101.4, ""), [100.0], percent_fractions=False)
    assert not figure_matches(_figure(102.0, ""), [100.0], percent_fractions=False)
    assert figure_matches(_figure(16.5, "%"), [0.165], percent_fractions=True)
    assert not figure_matches(_figure(16.5, "%"), [0.165], percent_fractions=False)
    assert not figure_matches(_figure(16.5e3, "%"), [16.5], percent_fractions=True)  # no scaling of %
    q = ArithmeticQuestion("q", "How many?", (4.0,), "p")
    answer = Answer(question="How many?", answer="", abstained=False, figures=[_figure(5, "")])
    assert judge(answer, q, False) == "wrong" and judge(None, q, False) == "none"
    answer.figures.append(_figure(4, ""))
    assert judge(answer, q, False) == "correct"


def test_sample_is_seeded_and_keeps_order() -> None:
    items = list(range(100))
    a, b = sample(items, 10, seed=3), sample(items, 10, seed=3)
    assert a == b == sorted(a) and len(set(a)) == 10 and a != sample(items, 10, seed=4)
    assert sample(items, None, 0) == items and sample(items, 500, 0) == items
    assert modes_in_order("dense") == ["dense", "hybrid", "bm25"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {"NEWSQA_INDEX_DIR": str(tmp_path / "index"), "NEWSQA_CORPUS_DIR": str(tmp_path / "corpus")}


@needs_data
def test_eval_squad_json_and_cached_index(small_data: Path, tmp_path: Path) -> None:
    args = ["eval", "--dataset", "squad", "--split", "dev", "--limit", "20", "--json", "--data-dir", str(small_data)]
    r = CliRunner().invoke(cli, args, env=_env(tmp_path))
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["dataset"] == "squad" and data["n"] == 20
    baselines = ["baseline 1-sentence", "baseline 3-sentence"]
    assert list(data["modes"]) == ["hybrid", "dense", "bm25", *baselines]
    for scores in data["modes"].values():
        assert set(scores) == {"lead hit@1", "hit@1", "hit@3", "mean_lead_chars", "mean_quote_chars", "abstained"}
        assert 0 <= scores["lead hit@1"] <= scores["hit@1"] <= scores["hit@3"] <= 1
        assert 0 <= scores["abstained"] <= 1
        assert 30 < scores["mean_lead_chars"] <= scores["mean_quote_chars"] < 700
    assert data["modes"]["baseline 1-sentence"]["mean_quote_chars"] < data["modes"]["baseline 3-sentence"][
        "mean_quote_chars"]
    # One article on geology: a working retriever finds most answers in 3 quotes.
    assert data["modes"]["hybrid"]["hit@3"] >= 0.5
    home = next((tmp_path / "index" / "datasets" / "squad").glob("*-*/CURRENT"))
    version = home.read_text()
    args[args.index("20")] = "5"
    again = CliRunner().invoke(cli, [*args, "--mode", "bm25"], env=_env(tmp_path))
    assert again.exit_code == 0 and list(json.loads(again.stdout)["modes"]) == ["bm25", *baselines]
    assert home.read_text() == version  # reused, not rebuilt


@needs_data
def test_eval_drop_json(small_data: Path, tmp_path: Path) -> None:
    args = ["eval", "--dataset", "drop", "--limit", "20", "--seed", "1", "--json", "--data-dir", str(small_data)]
    r = CliRunner().invoke(cli, args, env=_env(tmp_path))
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {"dataset", "split", "n", "correct", "wrong", "none", "by_kind"} <= set(data) and data["n"] == 20
    assert abs(data["correct"] + data["wrong"] + data["none"] - 1) < 1e-3
    assert all(0 <= data[k] <= 1 for k in ("correct", "wrong", "none"))


def test_eval_dataset_usage_errors(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["eval", "--dataset", "squad", "questions.jsonl"], env=_env(tmp_path))
    assert r.exit_code == 2 and "not both" in r.output
    r = CliRunner().invoke(cli, ["eval", "--dataset", "squad", "--data-dir", str(tmp_path)], env=_env(tmp_path))
    assert r.exit_code == 1 and r.stderr.startswith("newsqa: error:") and "not found" in r.stderr
    r = CliRunner().invoke(cli, ["eval", "--dataset", "tatqa", "--split", "train"], env=_env(tmp_path))
    assert r.exit_code == 1 and "no split" in r.stderr
