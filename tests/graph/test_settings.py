"""Settings: each declared once (variable, type, default, doc); the README table comes from them."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

import pytest

from graph.errors import InvalidInput
from graph.setting_fields import SECTIONS, declared
from graph.settings import Settings, load_settings
from scripts.readme_tables import README, current, render_settings

ROOT = Path(__file__).resolve().parents[2]
_ROW = re.compile(r"^\| `([A-Z0-9_]+)` \|", re.M)


def test_every_field_is_declared_once() -> None:
    items = declared(Settings)
    assert [item.name for item in items] == [f.name for f in fields(Settings)]
    envs = [item.env for item in items]
    assert len(envs) == len(set(envs))
    for item in items:
        assert item.doc and item.section in SECTIONS
        assert item.env.startswith("REELGRAPH_") or item.section == "stores"


def test_readme_settings_table_lists_exactly_the_declarations() -> None:
    table = current(README.read_text(), "settings")
    listed = _ROW.findall(table)
    envs = [item.env for item in declared(Settings)]
    missing, unknown = set(envs) - set(listed), set(listed) - set(envs)
    assert not missing, f"README's settings table lacks {sorted(missing)}"
    assert not unknown, f"README's settings table lists unknown variables {sorted(unknown)}"
    assert table == render_settings(), "run scripts/readme_tables.py"


def test_load_settings_parses_each_type_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for item in declared(Settings):
        monkeypatch.delenv(item.env, raising=False)
    defaults = load_settings()
    assert defaults.data_dir == Path(".reelgraph") and defaults.port == 8080
    assert defaults.main_identity_sources == ("tmdb",) and defaults.redis_url is None
    monkeypatch.setenv("REELGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REELGRAPH_PORT", "9090")
    monkeypatch.setenv("REELGRAPH_FACE_MIN_SIZE_PX", "20")
    monkeypatch.setenv("REELGRAPH_URL_ALLOW_PRIVATE", "Yes")
    monkeypatch.setenv("REELGRAPH_MAIN_IDENTITY_SOURCES", "")  # an empty list, not the default
    monkeypatch.setenv("REELGRAPH_MEDIA_PROXY_ALLOWED_HOSTS", " A.example, b.example ,")
    monkeypatch.setenv("REELGRAPH_HOST", "")  # empty: the default
    monkeypatch.setenv("REDIS_URL", "redis://r:6379")
    settings = load_settings(port=1)
    assert settings.data_dir == tmp_path and settings.port == 1  # overrides win
    assert settings.face_min_size_px == 20.0 and settings.url_allow_private is True
    assert settings.main_identity_sources == ()
    assert settings.media_proxy_allowed_hosts == ("a.example", "b.example")
    assert settings.host == "127.0.0.1" and settings.redis_url == "redis://r:6379"
    monkeypatch.setenv("REELGRAPH_FACE_STRIDE", "three")
    with pytest.raises(InvalidInput, match="REELGRAPH_FACE_STRIDE must be an integer"):
        load_settings()


def _reads_environment_at_import(path: Path) -> list[int]:
    """Lines outside any function that touch ``os.environ`` or ``os.getenv``."""
    tree = ast.parse(path.read_text())
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside.update(id(child) for child in ast.walk(node))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"environ", "getenv"}
        and id(node) not in inside
    ]


def test_no_module_reads_the_environment_at_import() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in ("api", "graph", "workers", "analysis")
        for path in (ROOT / package).rglob("*.py")
        for line in _reads_environment_at_import(path)
    ]
    assert not hits, f"read the environment in load_settings, not at import: {hits}"
