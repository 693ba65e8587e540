"""GraphQL areas (``api/graphql/<area>/``): each module imports alone, and areas form no cycle.

Neither test starts the embedded stack: one reads the source, the other imports each module in
a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GRAPHQL = ROOT / "api" / "graphql"
PACKAGE = "api.graphql"


def _area_dirs() -> list[Path]:
    return sorted(p for p in GRAPHQL.iterdir() if (p / "__init__.py").is_file())


def _modules() -> list[str]:
    """Every module of every area folder (``common`` included), as a dotted name."""
    return [
        f"{PACKAGE}.{area.name}" + ("" if path.stem == "__init__" else f".{path.stem}")
        for area in _area_dirs()
        for path in sorted(area.glob("*.py"))
    ]


def _area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == PACKAGE.split(".") else None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _lazy_modules(tree: ast.Module) -> set[str]:
    """Modules named by ``strawberry.lazy("...")`` or by a constant passed to it."""
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "lazy":
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
                elif isinstance(arg, ast.Name) and arg.id in constants:
                    found.add(constants[arg.id])
    return found


def _runtime_imports(node: ast.AST, deferred: bool = False) -> Iterator[tuple[str, bool]]:
    """(module, imported inside a function) for imports outside ``if TYPE_CHECKING:``."""
    if isinstance(node, ast.If) and _is_type_checking(node):
        yield from (item for child in node.orelse for item in _runtime_imports(child, deferred))
        return
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        yield node.module, deferred
    elif isinstance(node, ast.Import):
        yield from ((alias.name, deferred) for alias in node.names)
    inside = deferred or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    for child in ast.iter_child_nodes(node):
        yield from _runtime_imports(child, inside)


def _area_imports() -> tuple[dict[str, set[str]], list[str]]:
    """area → areas it imports at run time, and the cross-area imports that break the rules.

    An import inside a function counts too, unless the same file names that module in
    ``strawberry.lazy``: that is the declared way for a type to point back up the graph.
    """
    graph: dict[str, set[str]] = {area.name: set() for area in _area_dirs()}
    wrong = []
    for module in _modules():
        area = _area_of(module)
        assert area is not None
        path = ROOT / (module.replace(".", "/") + ".py")
        if not path.is_file():
            path = path.with_suffix("") / "__init__.py"
        tree = ast.parse(path.read_text(), str(path))
        lazy = _lazy_modules(tree)
        for target, deferred in _runtime_imports(tree):
            other = _area_of(target)
            if other is None or other == area or other not in graph:
                continue
            if deferred and target in lazy:
                continue
            graph[area].add(other)
            if other != "common" and not target.endswith(".types"):
                wrong.append(f"{module} imports {target} (only another area's types)")
    return graph, wrong


def test_areas_import_each_other_without_a_cycle() -> None:
    graph, wrong = _area_imports()
    assert {"sessions", "labels", "analyses", "faces", "common"} <= graph.keys(), graph
    assert graph["sessions"] >= {"labels", "analyses", "faces"}, "the scan sees no imports"
    assert graph["common"] == set(), "common is below every area"
    assert not wrong, wrong
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle between GraphQL areas: {exc.args[1]}") from exc


def _import_alone(module: str) -> tuple[str, int, str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return module, done.returncode, done.stderr[-2000:]


@pytest.mark.slow  # one interpreter per module: tens of seconds
def test_each_area_module_imports_alone_in_a_fresh_interpreter() -> None:
    """A cycle shows as a partly initialised module when the cycle is entered from one side."""
    modules = _modules()
    assert len(modules) > 20, modules
    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = [r for r in pool.map(_import_alone, modules) if r[1] != 0]
    assert not failed, "\n\n".join(f"{m} (exit {rc}):\n{err}" for m, rc, err in failed)
