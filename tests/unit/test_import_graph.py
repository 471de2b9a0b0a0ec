"""The package's layering: nothing under bridge/ imports the app but the command line, and no
module imports, however indirectly, one that imports it back. Every import counts — at the
top, inside a function, under ``TYPE_CHECKING`` — so a function-local import cannot hide a
cycle. No database needed: the graph is read from the source with ``ast``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import ROOT

PACKAGE = ROOT / "bridge"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The module names one import statement names (``from a import b`` names ``a.b`` or ``a``)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        yield source
        yield from (f"{source}.{alias.name}" for alias in node.names)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the package's modules it imports anywhere in its source."""
    files = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        names = {n for node in ast.walk(tree) for n in _imported(node, module, path.name == "__init__.py")}
        graph[module] = {n for n in names if n in files and n != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_only_the_command_line_imports_the_app() -> None:
    graph = import_graph()
    importers = sorted(m for m, targets in graph.items() if "bridge.app" in targets)
    assert importers == ["bridge.cli"]


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_no_route_module_imports_another() -> None:
    """Route modules only register handlers; what two of them share (REST machinery, domain
    writes) lives below them (bridge/rest/, bridge/writes/), never in a route module."""
    graph = import_graph()
    routes = {m for m in graph if m.startswith("bridge.routes.")}
    assert {m: sorted(graph[m] & routes) for m in sorted(routes) if graph[m] & routes} == {}


def test_the_graph_sees_function_local_and_type_checking_imports(tmp_path: Path) -> None:
    """The checker itself: a cycle closed only inside a function or under TYPE_CHECKING is found."""
    package = tmp_path / "bridge"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from bridge.b import g\n    return g\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bridge import c\ndef g(): ...\n"
    )
    (package / "c.py").write_text("from . import a\n")
    assert cycles(import_graph(package)) == [["bridge.a", "bridge.b", "bridge.c"]]
