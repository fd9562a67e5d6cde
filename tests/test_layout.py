"""The folders show the architecture: data flows one way and no module imports in a circle.

corpus/ -> index/ -> qa/ -> measure/ -> bot/: each stage imports only from the stages
before it, and within a stage no chain of imports (deferred imports included) comes
back to where it started.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("index", "qa", "measure", "bot")


def _modules() -> dict[str, Path]:
    out = {}
    for stage in STAGES:
        for path in (ROOT / stage).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            out[name] = path
    return out


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules `path` imports anywhere in its body, deferred imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in STAGES:
                continue
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in STAGES}
    return found


def test_every_import_names_a_module_that_exists() -> None:
    mods = _modules()
    missing = {(m, t) for m, p in mods.items() for t in _imports(p, mods) if t not in mods}
    assert not missing


def test_each_stage_imports_only_the_stages_before_it() -> None:
    mods = _modules()
    backwards = set()
    for name, path in mods.items():
        rank = STAGES.index(name.split(".")[0])
        for target in _imports(path, mods):
            if STAGES.index(target.split(".")[0]) > rank:
                backwards.add((name, target))
    assert not backwards


def test_no_import_cycle() -> None:
    mods = _modules()
    graph = {m: {t for t in _imports(p, mods) if t in mods and t != m} for m, p in mods.items()}
    # a package's __init__ is imported with any of its modules; its own imports count too
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert not cycles


def test_folders_stay_small_enough_to_read_at_a_glance() -> None:
    for stage in STAGES:
        for folder in [ROOT / stage, *(p for p in (ROOT / stage).rglob("*") if p.is_dir())]:
            if folder.name == "__pycache__":
                continue
            assert len(list(folder.glob("*.py"))) <= 22, folder
