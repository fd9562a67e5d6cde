"""`newsqa eval --dataset coqa` end to end on a small file in the Abg-CoQA format, made here
from the test articles (the real file's index takes minutes to build)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli.main import cli
from index.intake.loading import parse_markdown
from measure.conversations import load_coqa

ARTICLES = Path(__file__).parent / "data" / "conversation"


def story(name: str) -> str:
    return parse_markdown((ARTICLES / name).read_text(encoding="utf-8"), name)[1].strip()


def row(sid: str, text: str, turns: list[tuple[str, str]], split: str) -> dict:
    answers = []
    for n, (_, span) in enumerate(turns, start=1):
        at = text.find(span)
        answers.append({"turn_id": n, "input_text": span, "span_text": span, "span_start": at,
                        "span_end": at + len(span) if at >= 0 else -1})
    return {"id": sid, "source": "cnn", "story": text,
            "questions": [{"turn_id": n, "input_text": q} for n, (q, _) in enumerate(turns, start=1)],
            "answers": answers,
            "abg_items": [{"abg_id": f"{sid}|{len(turns)}|{len(turns) - 1}", "abg_split": split,
                           "target_turn_id": len(turns), "history_turn_ids": list(range(1, len(turns))),
                           "ambiguity": "non_ambiguous", "clarification_turn": {}}]}


def write_set(folder: Path) -> Path:
    sony, volvo = story("sony-sensor-bet.md"), story("volvo-truck-orders.md")
    rows = [
        row("s1", sony, [("Who is Hiroki Totoki?", "its chief executive Hiroki Totoki"),
                         ("What did he say on the earnings call?", "demand from smartphone makers had recovered")],
            "val"),
        row("v1", volvo, [("How many trucks did Volvo deliver in the third quarter?", "51,000 trucks"),
                          ("What does the company expect?", "deliveries in Europe to pick up in the spring")],
            "val"),
        row("v2", volvo, [("Who is the chief executive?", "chief executive Martin Lundstedt"),
                          ("Where had the order books stabilised?", "North America")], "test"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "coqa_abg.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    return folder


def test_coqa_items_of_a_split(tmp_path: Path) -> None:
    data = write_set(tmp_path / "data")
    sources, items, split = load_coqa(data, None)
    assert split == "val" and len(sources) == 3
    assert [(i.history, i.target) for i in items] == [
        (("Who is Hiroki Totoki?",), "What did he say on the earnings call?"),
        (("How many trucks did Volvo deliver in the third quarter?",), "What does the company expect?")]
    assert [i.article_id for i in load_coqa(data, "test")[1]] == ["coqa-v2"]


def test_eval_dataset_coqa_scores_targets_after_history_and_alone(tmp_path: Path) -> None:
    data = write_set(tmp_path / "data")
    env = {"NEWSQA_INDEX_DIR": str(tmp_path / "index"), "NEWSQA_CORPUS_DIR": str(tmp_path / "corpus")}
    r = CliRunner().invoke(cli, ["eval", "--dataset", "coqa", "--data-dir", str(data), "--json"], env=env)
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["dataset"] == "coqa" and result["split"] == "val" and result["n"] == 2
    after = result["rows"]["target after history"]
    assert after["hit@3"] == 1.0 and after["read_with_context"] == 1.0
    assert result["rows"]["target alone"]["read_with_context"] == 0.0
    assert result["target_in_its_story"] == 1.0
    table = CliRunner().invoke(cli, ["eval", "--dataset", "coqa", "--data-dir", str(data)], env=env)
    assert table.exit_code == 0 and "target after history" in table.stdout and "goal >= 2" in table.stdout
