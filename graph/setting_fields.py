"""Declaring a setting once: its environment variable, default, section and one-line doc.

:func:`setting` makes a dataclass field that carries that declaration in its metadata;
:func:`read_env` parses a field's variable by the field's type, and :func:`declared` lists the
declarations in order (the README's settings table is rendered from it). No environment is
read at import time: only :func:`read_env` reads it, when settings are loaded.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from graph.errors import InvalidInput

SECTIONS = ("server", "stores", "security", "limits", "jobs", "faces", "media", "analyses")


@dataclass(frozen=True)
class Declared:
    """One setting as declared: what the README table shows for it."""

    name: str
    env: str
    type: Any
    default: Any
    doc: str
    section: str
    shown: str | None  # the default as documented, where the value alone would mislead


def setting(
    env: str,
    default: Any,
    doc: str,
    section: str,
    *,
    shown: str | None = None,
    required: bool = False,
) -> Any:
    """A settings field read from ``env``; ``required``: no dataclass default (``default`` is
    still what :func:`read_env` falls back to when the variable is unset)."""
    if section not in SECTIONS:
        raise ValueError(f"unknown settings section {section!r}")
    metadata = {"env": env, "doc": doc, "section": section, "shown": shown, "default": default}
    if required:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


@functools.cache
def declared(cls: type) -> tuple[Declared, ...]:
    """The declared settings of dataclass ``cls``, in declaration order."""
    hints = get_type_hints(cls)
    return tuple(
        Declared(
            name=f.name,
            env=f.metadata["env"],
            type=hints[f.name],
            default=f.metadata["default"],
            doc=f.metadata["doc"],
            section=f.metadata["section"],
            shown=f.metadata["shown"],
        )
        for f in fields(cls)
        if "env" in f.metadata
    )


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be an integer, got {raw!r}") from exc


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be a number, got {raw!r}") from exc


def read_env(item: Declared) -> Any:
    """The setting's value from the environment, parsed by its type; its default when unset.

    An empty value counts as unset, except for lists, where it means an empty list. Lists
    are comma-separated and lower-cased; booleans accept 1, true, yes and on.
    """
    raw = os.environ.get(item.env)
    kind = item.type
    if kind == tuple[str, ...]:
        if raw is None:
            return item.default
        return tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    if raw is None or raw == "":
        return item.default
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return _int(item.env, raw)
    if kind is float:
        return _float(item.env, raw)
    if kind in (Path, Path | None):
        return Path(raw)
    if kind in (str, str | None):
        return raw
    raise TypeError(f"no parser for setting {item.name} of type {kind}")
