"""The README's error-code and settings tables, rendered from the code that declares them.

    python scripts/readme_tables.py          # rewrite the tables in README.md
    python scripts/readme_tables.py --check  # exit 1 if README.md is out of date

Each table sits between ``<!-- begin: NAME -->`` and ``<!-- end: NAME -->`` markers; the text
around them is the README's own. ``tests/graph/test_readme_tables.py`` runs the same check.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.error_codes import ErrorCode  # noqa: E402
from graph.setting_fields import SECTIONS, Declared, declared  # noqa: E402
from graph.settings import Settings  # noqa: E402

README = ROOT / "README.md"
_UNITS = ((1024**3, "GiB"), (1024**2, "MiB"), (1024, "KiB"))


def render_errors() -> str:
    """``| code | HTTP | meaning |``, one row per :class:`ErrorCode` member, in its order."""
    rows = ["| code | HTTP | meaning |", "| --- | --- | --- |"]
    for code in ErrorCode:
        meaning = code.meaning
        if code.alias_of:
            meaning += f"; older spelling of `{code.alias_of}`, still sent here"
        rows.append(f"| `{code.value}` | {code.status} | {meaning} |")
    return "\n".join(rows)


def _shown(item: Declared) -> str:
    """The default as the README shows it."""
    value: Any = item.default
    if item.shown is not None:
        return item.shown
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value) or "(none)"
    if isinstance(value, int) and item.name.endswith("_bytes"):
        for size, unit in _UNITS:
            if value % size == 0:
                return f"{value // size} {unit}"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, str | Path):
        return f"`{value}`"
    return str(value)


def render_settings() -> str:
    """One ``| variable | default | meaning |`` table per section, in declaration order."""
    items = declared(Settings)
    parts = []
    for section in SECTIONS:
        rows = [f"| {section} | default | meaning |", "| --- | --- | --- |"]
        rows += [
            f"| `{item.env}` | {_shown(item)} | {item.doc} |"
            for item in items
            if item.section == section
        ]
        if len(rows) > 2:
            parts.append("\n".join(rows))
    return "\n\n".join(parts)


TABLES: dict[str, Callable[[], str]] = {"errors": render_errors, "settings": render_settings}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- begin: {name} [^\n]*-->\n)(.*?)(<!-- end: {name} -->)", re.S)


def _find(text: str, name: str) -> re.Match[str]:
    found = _block(name).search(text)
    if found is None:
        raise LookupError(f"README.md has no `<!-- begin: {name} ... -->` block")
    return found


def current(text: str, name: str) -> str:
    """The table now between the markers of ``name`` in ``text``."""
    return _find(text, name).group(2).rstrip("\n")


def updated(text: str) -> str:
    """``text`` with every table re-rendered."""
    for name, render in TABLES.items():
        found = _find(text, name)
        text = text[: found.start(2)] + render() + "\n" + text[found.end(2) :]
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    args = parser.parse_args()
    text = README.read_text()
    fresh = updated(text)
    if fresh == text:
        return 0
    if args.check:
        print("README.md tables are out of date: run scripts/readme_tables.py", file=sys.stderr)
        return 1
    README.write_text(fresh)
    print("README.md tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
