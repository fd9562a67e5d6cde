"""docker-compose.yml and the Dockerfile: no engine runs here, so check what can be checked."""

from __future__ import annotations

import re
import shlex

import click
import yaml

from bot.cli.main import cli
from tests.conftest import ROOT


def resolve(argv: list[str]) -> click.Command:
    """The click command an argv names, or an assertion naming the missing word."""
    assert argv[0] == "newsqa", argv
    command: click.Command = cli
    ctx = click.Context(cli)
    for word in argv[1:]:
        if word.startswith("-"):
            opts = {o for p in command.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
            assert word in opts, f"{' '.join(argv)}: no option {word}"
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(ctx, word)
            assert sub is not None, f"{' '.join(argv)}: no command {word}"
            command = sub
    return command


def test_compose_services_run_real_commands() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "indexer"}
    for name, svc in services.items():
        resolve(svc["command"])
        resolve(svc["healthcheck"]["test"][1:])
        assert svc["restart"] == "unless-stopped"
        assert any(v.endswith(":/app/corpus") for v in svc["volumes"])
        assert any(v.endswith(":/app/data") for v in svc["volumes"]), name
    assert services["bot"]["depends_on"]["indexer"]["condition"] == "service_healthy"
    assert any(e["path"] == ".env" for e in services["bot"]["env_file"])


def test_dockerfile_installs_cpu_torch_and_runs_a_real_command() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"whl/cpu", text) and "-c constraints.txt" in text
    cmd = re.search(r'^CMD (\[.*\])$', text, re.M)
    assert cmd is not None
    resolve(yaml.safe_load(cmd.group(1)))
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        sources = [w for w in shlex.split(line) if not w.startswith("--")][:-1]
        for src in sources:
            assert (ROOT / src).exists(), src
