"""The `newsqa` command through click's test runner, on a real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from index.config import IndexConfig
from tests.conftest import SHARED_EVAL, seed_questions


def env(cfg: IndexConfig) -> dict[str, str]:
    return {"NEWSQA_CORPUS_DIR": str(cfg.corpus_dir), "NEWSQA_INDEX_DIR": str(cfg.index_dir)}


def test_ask_json_one_question(seed_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["ask", "--json", "Who is Jiang Fan?"], env=env(seed_cfg))
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout.strip())
    assert data["quotes"] and not data["abstained"]


def test_ask_json_stdin_one_object_a_line(seed_cfg: IndexConfig) -> None:
    questions = [*[q["question"] for q in seed_questions()][:5], "", "Who is Jiang Fan?"]
    r = CliRunner().invoke(cli, ["ask", "--json", "-"], input="\n".join(questions) + "\n",
                           env=env(seed_cfg))
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["question"] for x in lines] == [q for q in questions if q]


def test_ask_readable_output(seed_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["ask", "What happened to Alibaba's net income?"],
                           env=env(seed_cfg))
    assert r.exit_code == 0
    assert "Net income halved" in r.stdout and "Juliana Liu" in r.stdout


def test_too_long_question_is_one_line_and_fails(seed_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["ask", "why " * 2500], env=env(seed_cfg))
    assert r.exit_code == 1
    assert r.stderr.strip().startswith("newsqa: error:") and len(r.stderr.strip().splitlines()) == 1


def test_index_status_and_update(seed_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["index", "status", "--json"], env=env(seed_cfg))
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["articles"][0]["author"] == "Juliana Liu" and data["chunks"] > 0
    assert data["segments"] == 1 and data["dropped_chunks"] == 0
    r = CliRunner().invoke(cli, ["index", "update"], env=env(seed_cfg))
    assert r.exit_code == 0 and "up to date" in r.stdout


def test_missing_corpus_is_one_line(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["index", "update"], env={
        "NEWSQA_CORPUS_DIR": str(tmp_path / "none"), "NEWSQA_INDEX_DIR": str(tmp_path / "i")})
    assert r.exit_code == 1
    assert r.stderr.strip() == f"newsqa: error: corpus directory {tmp_path / 'none'} does not exist"


def test_bad_setting_is_one_line(seed_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["index", "status"], env={**env(seed_cfg), "NEWSQA_TOP_K": "many"})
    assert r.exit_code == 1 and r.stderr.startswith("newsqa: error: bad setting top_k")


@pytest.mark.parametrize(("value", "wanted"), [
    ("Who won? | What changed?", ["Who won?", "What changed?"]),
    ('["Was it A | B?", "C?"]', ["Was it A | B?", "C?"]),
    ("", []),
])
def test_examples_setting_takes_a_bar_separated_or_json_list(value: str, wanted: list[str]) -> None:
    from bot.settings import Settings
    assert Settings(_env_file=None, examples=value).examples == wanted  # type: ignore[call-arg]


@pytest.mark.parametrize(("name", "value"), [("NEWSQA_ADMIN_IDS", "[1,"), ("NEWSQA_EXAMPLES", '["open')])
def test_a_broken_json_list_setting_is_one_line(seed_cfg: IndexConfig, name: str, value: str) -> None:
    r = CliRunner().invoke(cli, ["index", "status"], env={**env(seed_cfg), name: value})
    assert r.exit_code == 1
    assert r.stderr.startswith(f"newsqa: error: bad setting {name.removeprefix('NEWSQA_').lower()}")


def test_eval_seed_file(seed_cfg: IndexConfig) -> None:
    r = CliRunner().invoke(cli, ["eval", "--json", str(SHARED_EVAL)], env=env(seed_cfg))
    assert r.exit_code == 0, r.output
    modes = [json.loads(x) for x in r.stdout.splitlines()]
    assert [m["mode"] for m in modes] == ["hybrid", "dense"]
    hybrid = modes[0]["kinds"]
    assert hybrid["quote"]["passed"] == hybrid["quote"]["total"]
    assert hybrid["abstain"]["passed"] == hybrid["abstain"]["total"]


def test_eval_missing_or_malformed_file_fails(seed_cfg: IndexConfig, tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["eval", str(tmp_path / "missing.jsonl")], env=env(seed_cfg))
    assert r.exit_code == 1 and "cannot read question file" in r.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    r = CliRunner().invoke(cli, ["eval", str(bad)], env=env(seed_cfg))
    assert r.exit_code == 1 and "not a question line" in r.stderr
