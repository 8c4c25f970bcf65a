"""The layers' import rules (pyproject.toml, [tool.importlinter]) hold.

The screens are installed as crm_tui.screens from screens/; the checker reads
packages from disk, so the tree is laid out the installed way in a scratch
folder first and checked there (nothing is imported or run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _installed_layout(into: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "crm_tui", into / "crm_tui", ignore=ignore)
    shutil.copytree(ROOT / "screens", into / "crm_tui" / "screens", ignore=ignore)
    shutil.copytree(ROOT / "styles", into / "crm_tui" / "styles", ignore=ignore)
    return into


def test_import_rules_hold(tmp_path):
    tree = _installed_layout(tmp_path)
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run(
        [str(lint), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def test_the_rules_see_the_screens(tmp_path):
    """A rule about crm_tui.screens must have modules to check: a layout
    change that hid the screens from the checker would make it vacuous."""
    tree = _installed_layout(tmp_path)
    screens = list((tree / "crm_tui" / "screens").rglob("*.py"))
    assert len(screens) > 40


def _circles(graph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), imports inside
    functions included; a package's face importing its own parts is not a
    circle of the design, so edges from a package to its children are left out."""
    edges = {
        module: {
            other
            for other in graph.find_modules_directly_imported_by(module)
            if not other.startswith(module + ".")
        }
        for module in graph.modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_import_circles(tmp_path, monkeypatch):
    import grimp

    tree = _installed_layout(tmp_path)
    monkeypatch.syspath_prepend(str(tree))
    for name in [m for m in sys.modules if m == "crm_tui" or m.startswith("crm_tui.")]:
        monkeypatch.delitem(sys.modules, name)
    graph = grimp.build_graph("crm_tui", cache_dir=None)
    assert len(graph.modules) > 150
    assert _circles(graph) == []
