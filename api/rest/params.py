"""Query-string parameters of the REST routes: parsed strictly, errors typed (400)."""

from __future__ import annotations

import math

from starlette.requests import Request

from analysis.media.frames import Crop
from api.services.state import AppState, Principal
from graph.errors import InvalidInput


def request_context(request: Request) -> tuple[AppState, Principal]:
    """The app's stores and the authenticated caller (set by the auth middleware)."""
    return request.app.state.reelgraph, request.state.principal


def int_param(request: Request, name: str, *, code: str = "INVALID_PARAM") -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput(f"{name} must be a non-negative integer, got {raw!r}", code=code)
    return int(raw)


def frame_param(request: Request, name: str) -> int | None:
    """A zero-based frame number."""
    return int_param(request, name, code="INVALID_FRAME")


def float_param(request: Request, name: str, *, positive: bool = False) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "a positive number" if positive else "a number ≥ 0"
        raise InvalidInput(f"{name} must be {kind}, got {raw!r}", code="INVALID_PARAM")
    return value


def choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``; the first is the default."""
    value = request.query_params.get(name) or allowed[0]
    if value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}", code="INVALID_PARAM")
    return value


def audio_on(request: Request) -> bool:
    return choice(request, "audio", ("on", "off")) == "on"


def debug_mode(request: Request) -> bool:
    return choice(request, "mode", ("normal", "debug")) == "debug"


def crop_params(request: Request) -> Crop | None:
    """``x, y, w, h`` together or not at all (seed 004)."""
    values = {k: int_param(request, k, code="INVALID_CROP") for k in ("x", "y", "w", "h")}
    given = [k for k, v in values.items() if v is not None]
    if not given:
        return None
    if len(given) != 4:
        missing = ", ".join(k for k in values if values[k] is None)
        raise InvalidInput(
            f"crop needs all of x, y, w and h (missing {missing})", code="INVALID_CROP"
        )
    x, y, w, h = (int(values[k] or 0) for k in ("x", "y", "w", "h"))
    if w == 0 or h == 0:
        raise InvalidInput("crop width and height must be positive", code="INVALID_CROP")
    return Crop(x, y, w, h)


def int_path(request: Request, name: str, code: str) -> int:
    raw = str(request.path_params[name])
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput(f"{name} must be an integer, got {raw!r}", code=code)
    return int(raw)
