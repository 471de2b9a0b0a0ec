"""The tests' own layout: test modules share helpers through ``tests/support/`` and never import a
test module or a conftest, whose fixtures and names pytest owns (a conftest imported as a module is a
second copy with its own session state). Read from the source with ``ast``: every import counts,
at the top or inside a function."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import ROOT


def imported_modules(path: Path, project: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in one file, relative ones resolved."""
    package = list(path.relative_to(project).with_suffix("").parts)[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, source
            yield from ((node.lineno, f"{source}.{alias.name}") for alias in node.names)


def forbidden(module: str) -> bool:
    """A test module (``test_*``) or a conftest under tests/."""
    parts = module.split(".")
    return parts[0] == "tests" and any(p.startswith("test_") or p == "conftest" for p in parts[1:])


def offences(project: Path = ROOT) -> list[str]:
    """Every forbidden import under ``project``'s tests/ folder."""
    return [
        f"{path.relative_to(project)}:{line} imports {module}"
        for path in sorted((project / "tests").rglob("*.py"))
        for line, module in imported_modules(path, project)
        if forbidden(module)
    ]


def test_no_test_module_or_conftest_is_imported() -> None:
    """Helpers live in tests/support/; a test importing another test's module would run its tests' setup twice."""
    assert offences() == []


def test_the_check_sees_absolute_relative_and_local_imports(tmp_path: Path) -> None:
    """The rule itself: each way of importing a test module is caught, importing tests.support is not."""
    folder = tmp_path / "tests" / "probe"
    folder.mkdir(parents=True)
    (folder / "test_a.py").write_text("from tests.test_cache import REDIS_URL\n")
    (folder / "test_b.py").write_text("def f():\n    from .test_a import x\n")
    (folder / "test_c.py").write_text("import tests.conftest\nfrom tests.support import server\n")
    (folder / "test_d.py").write_text("from tests.support.server import SECRET\nfrom bridge import params\n")
    assert [line.split(" imports ")[1] for line in offences(tmp_path)] == [
        "tests.test_cache",
        "tests.test_cache.REDIS_URL",
        "tests.probe.test_a",
        "tests.probe.test_a.x",
        "tests.conftest",
    ]
