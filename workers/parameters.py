"""A spec's parameters with a request's overrides: names, types and ranges checked.

Parameters are frozen dataclasses of defaults (a spec may group several in a tuple, searched in
order); ``data.parameters`` overrides them by name, a nested group by a nested object. Values
keep their default's type, and a group's own ``__post_init__`` checks still apply.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from graph.errors import ErrorCode, InvalidInput

P = TypeVar("P")


def with_parameters(defaults: P, given: Any, path: str = "data.parameters") -> P:
    """``defaults`` (a parameter dataclass, or a tuple of them searched in order) with the
    overrides of ``given``; a nested group takes a nested object."""
    if given is None:
        return defaults
    if not isinstance(given, Mapping):
        raise InvalidInput(f"{path} must be an object", code=ErrorCode.INVALID_PARAMETER)
    if isinstance(defaults, tuple):
        groups = list(defaults)
        for name, value in given.items():
            owner = next((i for i, g in enumerate(groups) if _has_field(g, name)), None)
            if owner is None:
                raise _unknown(path, name, groups)
            groups[owner] = with_parameters(groups[owner], {name: value}, path)
        return tuple(groups)  # type: ignore[return-value]
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if not _has_field(defaults, name):
            raise _unknown(path, name, [defaults])
        current = getattr(defaults, name)
        where = f"{path}.{name}"
        if dataclasses.is_dataclass(current):
            changes[name] = with_parameters(current, value, where)
        else:
            changes[name] = _number_like(current, value, where)
    try:
        return dataclasses.replace(defaults, **changes)  # type: ignore[type-var]
    except ValueError as exc:  # a parameter group's own check (e.g. a rate of 0)
        raise InvalidInput(f"{path}: {exc}", code=ErrorCode.INVALID_PARAMETER) from None


def _has_field(group: Any, name: str) -> bool:
    return dataclasses.is_dataclass(group) and name in {f.name for f in dataclasses.fields(group)}


def _unknown(path: str, name: str, groups: Sequence[Any]) -> InvalidInput:
    known = sorted({f.name for g in groups for f in dataclasses.fields(g)})
    return InvalidInput(
        f"unknown parameter {path}.{name}; known: {', '.join(known)}",
        code=ErrorCode.INVALID_PARAMETER,
        field=f"{path}.{name}",
    )


def _number_like(current: Any, value: Any, where: str) -> Any:
    """A value of the default's type: bools stay bools, ints ints, floats finite floats."""
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(current, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    elif isinstance(current, float):
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        ):
            return float(value)
    raise InvalidInput(
        f"{where} must be a {type(current).__name__} like its default {current!r}",
        code=ErrorCode.INVALID_PARAMETER,
        field=where,
    )
