"""Conversations through the answer contract (`newsqa ask --json -`), `newsqa chat` and
`newsqa eval`, on the seed article and its shared conversations."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli.main import cli
from index.config import IndexConfig
from measure.conversations import load_conversations
from measure.seed_eval import passes
from qa.answer import Answer
from tests.conftest import ROOT

CONVERSATIONS = ROOT.parent / "shared" / "eval" / "seed_conversations.jsonl"


def env(cfg: IndexConfig) -> dict[str, str]:
    return {"NEWSQA_CORPUS_DIR": str(cfg.corpus_dir), "NEWSQA_INDEX_DIR": str(cfg.index_dir)}


def ask_lines(cfg: IndexConfig, lines: list[str]) -> list[dict]:
    r = CliRunner().invoke(cli, ["ask", "--json", "-"], input="".join(x + "\n" for x in lines), env=env(cfg))
    assert r.exit_code == 0, r.output
    out = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    assert len(out) == len(lines)
    return out


def test_seed_conversations_pass_whole_through_json_lines(seed_cfg: IndexConfig) -> None:
    """Every turn of every shared conversation, sent as the stop hook sends them (all the
    conversations in one stream, each turn a JSON line with its conversation's id)."""
    conversations = load_conversations(CONVERSATIONS)
    turns = [(c.id, q) for c in conversations for q in c.turns]
    answers = ask_lines(seed_cfg, [json.dumps({"conversation": cid, "question": q.question}) for cid, q in turns])
    failed = [q.id for (_, q), a in zip(turns, answers, strict=True) if not passes(q, Answer(**a))]
    assert len(turns) == 22 and failed == []
    read = {q.id: a["resolved_question"] for (_, q), a in zip(turns, answers, strict=True)}
    assert read["sc02.2"] == "What was Alibaba's net income before it halved?"
    assert read["sc07.2"] == "What is involution?"  # a new topic stands alone


def test_plain_lines_stay_independent_between_conversation_lines(seed_cfg: IndexConfig) -> None:
    follow_up = "How much is that per year?"
    lines = [json.dumps({"conversation": "a", "question": "How much did Alibaba pledge to invest in AI?"}),
             follow_up,
             json.dumps({"question": follow_up}),
             json.dumps({"conversation": "b", "question": follow_up}),
             json.dumps({"conversation": "a", "question": follow_up})]
    first, plain, plain_json, other, in_a = ask_lines(seed_cfg, lines)
    assert not first["abstained"]
    assert plain == plain_json and plain["resolved_question"] == follow_up
    assert other == plain  # conversation b has no turns before: the question alone
    assert in_a["question"] == follow_up
    assert in_a["resolved_question"] == "How much did Alibaba pledge to invest in AI per year?"
    assert any(abs(f["value"] - 126.667e9) < 0.01e9 for f in in_a["figures"])
    assert in_a["answer"] != plain["answer"]


def test_chat_is_one_conversation(seed_cfg: IndexConfig) -> None:
    questions = ["How much did Alibaba pledge to invest in AI?", "How much is that per year?", "And in dollars?"]
    r = CliRunner().invoke(cli, ["chat"], input="\n".join(questions) + "\n", env=env(seed_cfg))
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "Reading this as: How much did Alibaba pledge to invest in AI per year?" in out
    assert "Reading this as: How much did Alibaba pledge to invest in AI per year in dollars?" in out
    assert "$17.9 billion" in out
    assert out.count("Reading this as:") == 2  # not for the first question


def test_eval_scores_a_conversation_file_beside_a_question_file(seed_cfg: IndexConfig, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({"id": "x1", "kind": "quote", "question": "Who is Jiang Fan?",
                                     "quote_any": ["chief executive of the e-commerce group"]}) + "\n")
    r = CliRunner().invoke(cli, ["eval", str(CONVERSATIONS), str(questions), "--mode", "hybrid", "--json"],
                           env=env(seed_cfg))
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert sum(k["total"] for k in result["kinds"].values()) == 23
    assert result["kinds"]["figure"]["total"] == 5 and result["kinds"]["abstain"]["total"] == 1


def test_a_broken_conversation_file_is_one_line(seed_cfg: IndexConfig, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "c1", "turns": [{"kind": "quote"}]}\n')
    r = CliRunner().invoke(cli, ["eval", str(bad)], env=env(seed_cfg))
    assert r.exit_code == 1
    assert r.stderr.strip().startswith("newsqa: error:") and len(r.stderr.strip().splitlines()) == 1
