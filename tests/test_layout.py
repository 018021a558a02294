"""The layout is the architecture: each room imports only the rooms it may (README, "How the
code is laid out"), no module imports itself back in a circle, none grows far past 400 lines,
and every package is found for the wheel."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("events", "projections", "tracker")

# room -> the rooms it may import (its own always)
ALLOWED: dict[str, set[str]] = {
    "events": set(),
    "projections": {"events"},
    "tracker.store": {"events", "projections.engine", "projections.view_files"},
    "tracker.answers": {"events", "projections"},
    "tracker.importers": {"events"},
    "tracker.app": {
        "events",
        "projections",
        "tracker.store",
        "tracker.importers",
        "tracker.answers",
    },
    "tracker.faces": {"events", "projections", "tracker.answers", "tracker.app"},
    "tracker.cli": {"events", "projections", "tracker"},
    "tracker": {"events", "tracker.app", "tracker.answers"},  # tracker/__init__: the API
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def room(module: str) -> str:
    return max((r for r in ALLOWED if module == r or module.startswith(r + ".")), key=len)


def imports(path: Path, *, runtime_only: bool) -> set[str]:
    """The product modules a file imports (``from a.b import c`` gives a.b and a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in PRODUCT}


@pytest.mark.parametrize("module", sorted(modules()))
def test_each_room_imports_only_the_rooms_it_may(module: str) -> None:
    mine = room(module)
    allowed = ALLOWED[mine] | {mine}
    bad = sorted(
        name
        for name in imports(modules()[module], runtime_only=False)
        if name in modules() and not any(name == a or name.startswith(a + ".") for a in allowed)
    )
    assert not bad, f"{module} (room {mine}) imports {bad}"


def test_no_module_imports_itself_back_in_a_circle() -> None:
    known = modules()
    graph = {
        m: {n for n in imports(p, runtime_only=True) if n in known and n != m}
        for m, p in known.items()
    }
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
                return True
            if nxt not in state and visit(nxt, [*path, nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if start not in state and visit(start, [start]):
            break
    assert not cycle, " -> ".join(cycle)


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_module_grows_far_past_400_lines(module: str) -> None:
    lines = len(modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= 420, f"{module}: {lines} lines - split it by concern"


def test_every_package_is_found_for_the_wheel() -> None:
    """setuptools finds the packages from an include list, so a new subpackage is in the
    wheel without anyone remembering to list it (tracker.importers once was not)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(str(ROOT), include=include))
    packages = {m for m, p in modules().items() if p.name == "__init__.py"}
    assert packages <= found, sorted(packages - found)
