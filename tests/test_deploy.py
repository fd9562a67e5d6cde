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
    services = {name: svc for name, svc in compose["services"].items() if not svc.get("profiles")}
    assert set(services) == {"bot", "indexer"}  # what a plain `docker compose up` starts
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


def test_scale_profile_runs_milvus_redis_two_webhook_replicas_and_a_milvus_indexer() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    scale = {name for name, svc in services.items() if "scale" in svc.get("profiles", [])}
    assert scale == {"etcd", "minio", "milvus", "redis", "indexer-scale", "bot-a", "bot-b", "proxy"}
    assert not services["bot"].get("profiles") and not services["indexer"].get("profiles")  # `up` unchanged
    milvus = services["milvus"]
    assert milvus["command"] == ["milvus", "run", "standalone"]
    assert milvus["environment"] == {"ETCD_ENDPOINTS": "etcd:2379", "MINIO_ADDRESS": "minio:9000"}
    assert set(milvus["depends_on"]) == {"etcd", "minio"}
    for name in ("indexer-scale", "bot-a", "bot-b"):
        svc = services[name]
        env = svc["environment"]
        assert env["NEWSQA_STORE"] == "milvus" and env["NEWSQA_MILVUS_URI"] == "http://milvus:19530", name
        assert env["NEWSQA_REDIS_URL"].startswith("redis://redis:"), name
        assert env["NEWSQA_INDEX_DIR"] == "/app/data/index"
        assert any(v.startswith("scale-index:") for v in svc["volumes"])
        resolve(svc["command"])
        resolve(svc["healthcheck"]["test"][1:])
    assert services["indexer-scale"]["command"] == ["newsqa", "index", "watch"]
    assert services["indexer-scale"]["depends_on"]["milvus"]["condition"] == "service_healthy"
    for name in ("bot-a", "bot-b"):
        env = services[name]["environment"]
        assert env["NEWSQA_WEBHOOK_LISTEN"] == "0.0.0.0" and env["NEWSQA_WEBHOOK_PORT"] == "8443"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert any(e["path"] == ".env" for e in services[name]["env_file"])  # the shared webhook secret
    conf = compose["configs"][services["proxy"]["configs"][0]["source"]]["content"]
    assert "server bot-a:8443" in conf and "server bot-b:8443" in conf and "proxy_pass http://newsqa_bots" in conf
    assert "$$host" in conf  # compose turns $$ into the $ nginx reads
    assert services["proxy"]["ports"] == ["8443:8443"]
    assert set(compose["volumes"]) >= {"scale-index", "etcd-data", "minio-data", "milvus-data", "redis-data"}


def test_the_image_brings_the_milvus_client() -> None:
    assert '".[milvus]"' in (ROOT / "Dockerfile").read_text()
