"""The layers: core knows no face, the store no face, no modules import in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# What each layer may import from the rest of `app` (besides itself).
ALLOWED = {
    "core": {"core"},
    "store": {"core", "store"},
    "cli": {"core", "store", "cli", "tui", "web"},
    "tui": {"core", "store", "tui"},
    "web": {"core", "store", "web"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under `if TYPE_CHECKING:` (annotations only, never run)."""
    nodes: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
                continue
            todo.append(child)
    return nodes


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("app.")}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in APP.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        # `from app.x import y` names either module app.x.y or a symbol of app.x.
        graph[name] = {n if n in modules else n.rsplit(".", 1)[0] for n in _imports(path)}
        graph[name] = {n for n in graph[name] if n in modules and n != name}
    return graph


GRAPH = _graph()


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.count(".") >= 1))
def test_layers_import_only_downwards(module: str) -> None:
    layer = module.split(".")[1]
    allowed = ALLOWED.get(layer)
    if allowed is None:
        return
    # `app` itself only holds the version.
    bad = sorted(m for m in GRAPH[module] if m != "app" and m.split(".")[1] not in allowed)
    assert not bad, f"{module} may not import {bad}"


def test_no_import_cycles() -> None:
    # Imports inside functions count too: they are still a dependency between the two modules.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not cycles, f"modules that import each other: {cycles}"
