"""The analysis layer's ParameterError as the API's InvalidInput, with its code and field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from analysis.parameter_error import ParameterError
from graph.errors import ErrorCode, InvalidInput

P = TypeVar("P")


def as_invalid_input(exc: ParameterError) -> InvalidInput:
    code = ErrorCode.known(exc.code) or ErrorCode.INVALID_PARAMETER
    return InvalidInput(str(exc), code=code, field=exc.field)


def data_reader(read: Callable[[Mapping[str, Any]], P]) -> Callable[[Mapping[str, Any]], P]:
    """``read`` with its ParameterError raised as InvalidInput (a spec's ``read_data``)."""

    def read_data(data: Mapping[str, Any]) -> P:
        try:
            return read(data)
        except ParameterError as exc:
            raise as_invalid_input(exc) from None

    return read_data
