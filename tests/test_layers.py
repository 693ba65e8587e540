"""Layer rules checked on the source: dependencies point one way (ARCHITECTURE.md §1 and §8).

``api/`` → services → ``graph/`` and ``workers/``; ``workers/`` → ``analysis/`` + ``graph/``;
``analysis/`` imports nothing of the project. Every import counts, including those inside
functions and under ``TYPE_CHECKING``: a type-only import still ties the layers together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Rule:
    """Modules under ``importer`` (a dotted package) may not import any of ``forbidden``."""

    importer: str
    forbidden: tuple[str, ...]
    why: str


RULES = (
    Rule("analysis", ("api", "graph", "workers"), "analysis/ is pure: media in, results out"),
    Rule("graph", ("api", "workers"), "graph/ is storage: it serves api/ and workers/"),
    Rule("workers", ("api",), "workers/ run analysis/ and write through graph/"),
    Rule(
        "api.services",
        ("strawberry", "starlette", "api.graphql", "api.rest"),
        "services know no transport: resolvers and routes call them",
    ),
)


def module_name(path: Path, root: Path) -> str:
    """The dotted name of a source file under ``root`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(
    source: str, module: str, *, is_package: bool = False
) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of everything ``source`` imports; relative imports made absolute.

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c``: ``c`` may be a module.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base_parts = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*base_parts, *([node.module] if node.module else [])])
            if node.module:
                yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if base else alias.name


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(root: Path, rules: tuple[Rule, ...] = RULES) -> list[str]:
    """Every import under ``root`` that breaks a rule, as ``path:line: name (why)``."""
    found: list[str] = []
    for rule in rules:
        folder = root.joinpath(*rule.importer.split("."))
        for path in sorted(folder.rglob("*.py")):
            module = module_name(path, root)
            names = imported_names(path.read_text(), module, is_package=path.name == "__init__.py")
            reported: set[int] = set()
            for line, name in names:
                if line not in reported and any(_within(name, f) for f in rule.forbidden):
                    reported.add(line)
                    found.append(f"{path.relative_to(root)}:{line}: imports {name} ({rule.why})")
    return sorted(found)


def test_analysis_imports_nothing_of_the_project() -> None:
    assert violations(ROOT, RULES[:1]) == []


def test_graph_imports_neither_api_nor_workers() -> None:
    assert violations(ROOT, RULES[1:2]) == []


def test_workers_do_not_import_api() -> None:
    assert violations(ROOT, RULES[2:3]) == []


def test_services_import_no_transport() -> None:
    assert violations(ROOT, RULES[3:]) == []


def test_no_test_module_imports_another() -> None:
    """What tests share lives in ``tests/support``: a test module is never imported."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        module = module_name(path, ROOT)
        for line, name in imported_names(path.read_text(), module):
            last = name.rsplit(".", 1)[-1]
            if name.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                found.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    assert found == []


def test_every_rule_names_a_package_that_exists() -> None:
    for rule in RULES:
        assert (ROOT.joinpath(*rule.importer.split(".")) / "__init__.py").is_file(), rule


def _write(root: Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)


def test_the_checker_reports_forbidden_imports(tmp_path: Path) -> None:
    """A synthetic tree with one forbidden import of each form, and allowed ones beside them."""
    for package in ("analysis", "graph", "workers", "api", "api/services", "api/graphql"):
        _write(tmp_path, f"{package}/__init__.py", "")
    _write(tmp_path, "analysis/ok.py", "import numpy as np\nfrom analysis.series import Series\n")
    _write(tmp_path, "analysis/bad.py", "import numpy\n\nfrom graph.state import AppState\n")
    _write(tmp_path, "graph/ok.py", "from analysis.series import SeriesInfo\n")
    _write(tmp_path, "graph/bad.py", "def later():\n    import workers.settings\n")
    _write(tmp_path, "workers/bad.py", "from api import services\n")
    _write(
        tmp_path,
        "api/services/bad.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from starlette.requests import Request\n"
        "from ..graphql import schema\n"
        "from . import sessions\n",
    )
    _write(tmp_path, "api/graphql/ok.py", "import strawberry\nfrom api.services import bad\n")

    found = violations(tmp_path)

    assert [line.split(" (")[0] for line in found] == [
        "analysis/bad.py:3: imports graph.state",
        "api/services/bad.py:3: imports starlette.requests",
        "api/services/bad.py:4: imports api.graphql",
        "graph/bad.py:2: imports workers.settings",
        "workers/bad.py:1: imports api",
    ]


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import a.b, c", "x.y", ["a.b", "c"]),
        ("from a import b", "x.y", ["a", "a.b"]),
        ("from . import b", "x.y", ["x.b"]),
        ("from .. import b", "x.y.z", ["x.b"]),
        ("from .m import b", "x.y", ["x.m", "x.m.b"]),
    ],
)
def test_imported_names_resolve_relative_imports(
    source: str, module: str, expected: list[str]
) -> None:
    assert [name for _, name in imported_names(source, module)] == expected
