"""Error codes: one enum holds each code once, with its HTTP status; the README lists exactly it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from graph.error_codes import ErrorCode
from graph.errors import InvalidInput, NotFound, ReelgraphError
from scripts.readme_tables import README, current, render_errors

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "graph", "workers")
_ROW = re.compile(r"^\| `([A-Z_]+)` \| (\d{3}) \|", re.M)


def test_each_code_is_spelled_as_its_member_name() -> None:
    for code in ErrorCode:
        assert code.value == code.name
        assert 400 <= code.status <= 599 and code.meaning


def test_aliases_point_at_a_canonical_code_with_the_same_status() -> None:
    aliases = {code: code.canonical for code in ErrorCode if code.alias_of}
    assert {a.value: c.value for a, c in aliases.items()} == {
        "INVALID_PARAM": "INVALID_PARAMETER",
        "NO_FACES": "NO_FACE",
        "SESSION_NOT_READY": "NOT_READY",
    }
    for alias, canonical in aliases.items():
        assert canonical.alias_of is None and canonical.status == alias.status


def test_an_error_takes_its_status_from_its_code() -> None:
    assert InvalidInput("x").status == 400 and InvalidInput("x").code == "BAD_USER_INPUT"
    assert InvalidInput("x", code=ErrorCode.NOT_READY).status == 409
    legacy = NotFound("x", code="NO_FACE")  # a string of a known code becomes the member
    assert legacy.code is ErrorCode.NO_FACE and legacy.status == 404
    plugin = NotFound("x", code="THING_NOT_FOUND")  # outside the enum: the class's status
    assert plugin.code == "THING_NOT_FOUND" and plugin.status == 404
    assert ReelgraphError("x").status == 500
    malformed = InvalidInput("x", code=ErrorCode.TRACE_NOT_FOUND, status=400)  # a site's own
    assert malformed.code is ErrorCode.TRACE_NOT_FOUND and malformed.status == 400


def test_readme_error_table_lists_exactly_the_enum() -> None:
    table = current(README.read_text(), "errors")
    listed = {code: int(status) for code, status in _ROW.findall(table)}
    declared = {code.value: code.status for code in ErrorCode}
    missing, unknown = declared.keys() - listed.keys(), listed.keys() - declared.keys()
    assert not missing, f"README's error table lacks {sorted(missing)}"
    assert not unknown, f"README's error table lists unknown codes {sorted(unknown)}"
    assert listed == declared
    assert table == render_errors(), "run scripts/readme_tables.py"


def _string_codes(path: Path) -> list[str]:
    """``code="..."`` arguments and ``code = "..."`` class attributes: codes outside the enum."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        values: list[ast.expr] = []
        if isinstance(node, ast.Call):
            values = [kw.value for kw in node.keywords if kw.arg == "code"]
        elif isinstance(node, ast.ClassDef):
            values = [
                st.value
                for st in node.body
                if isinstance(st, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "code" for t in st.targets)
            ]
        found += [
            f"{path.relative_to(ROOT)}:{v.lineno}"
            for v in values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)
        ]
    return found


def test_raise_sites_name_their_code_from_the_enum() -> None:
    sites = [
        hit for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") for hit in _string_codes(p)
    ]
    assert not sites, f"use ErrorCode members, not strings: {sites}"
