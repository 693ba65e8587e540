"""Query-string parameters of the REST routes: parsed strictly, errors typed (400)."""

from __future__ import annotations

import math
import re

from starlette.requests import Request

from analysis.media.frames import Crop
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput


def request_context(request: Request) -> tuple[AppState, Principal]:
    """The app's stores and the authenticated caller (set by the auth middleware)."""
    return request.app.state.reelgraph, request.state.principal


# frame numbers, crop pixels, trace and stranger ids: far above any real video, far below
# the sizes that would overflow a C integer in a decoder or a frame-rate conversion
MAX_INT_PARAM = 2**31 - 1
# seconds (start_time, end_time) and frames per second: bounded so products stay finite
MAX_SECONDS = 1e7
MIN_FPS, MAX_FPS = 0.001, 1000.0
_UINT = re.compile(r"[0-9]{1,10}")  # ASCII only: str.isdigit() would take "²" and "٣"
_DECIMAL = re.compile(r"[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12}")


def parse_uint(raw: str, name: str, *, code: ErrorCode, maximum: int = MAX_INT_PARAM) -> int:
    """A non-negative integer in ASCII digits, at most ``maximum``; else a typed 400.

    The status stays 400 whatever the code: a trace id that is no number answers with the
    not-found code of its kind, but as a bad request.
    """
    value = int(raw) if _UINT.fullmatch(raw) else -1
    if not 0 <= value <= maximum:
        raise InvalidInput(
            f"{name} must be an integer from 0 to {maximum}, got {raw[:40]!r}",
            code=code,
            status=ErrorCode.BAD_USER_INPUT.status,
        )
    return value


def int_param(
    request: Request, name: str, *, code: ErrorCode = ErrorCode.INVALID_PARAM
) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    return parse_uint(raw, name, code=code)


def frame_param(request: Request, name: str) -> int | None:
    """A zero-based frame number."""
    return int_param(request, name, code=ErrorCode.INVALID_FRAME)


def float_param(
    request: Request, name: str, *, minimum: float = 0.0, maximum: float = MAX_SECONDS
) -> float | None:
    """A plain decimal (ASCII digits, no exponent) within ``[minimum, maximum]``."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    value = float(raw) if _DECIMAL.fullmatch(raw) else math.nan
    if not minimum <= value <= maximum:
        raise InvalidInput(
            f"{name} must be a number from {minimum:g} to {maximum:g}, got {raw[:40]!r}",
            code=ErrorCode.INVALID_PARAM,
        )
    return value


def fps_param(request: Request) -> float | None:
    return float_param(request, "fps", minimum=MIN_FPS, maximum=MAX_FPS)


def choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``; the first is the default."""
    value = request.query_params.get(name) or allowed[0]
    if value not in allowed:
        raise InvalidInput(
            f"{name} must be one of {', '.join(allowed)}", code=ErrorCode.INVALID_PARAM
        )
    return value


def audio_on(request: Request) -> bool:
    return choice(request, "audio", ("on", "off")) == "on"


def debug_mode(request: Request) -> bool:
    return choice(request, "mode", ("normal", "debug")) == "debug"


def crop_params(request: Request) -> Crop | None:
    """``x, y, w, h`` together or not at all (seed 004)."""
    values = {k: int_param(request, k, code=ErrorCode.INVALID_CROP) for k in ("x", "y", "w", "h")}
    given = [k for k, v in values.items() if v is not None]
    if not given:
        return None
    if len(given) != 4:
        missing = ", ".join(k for k in values if values[k] is None)
        raise InvalidInput(
            f"crop needs all of x, y, w and h (missing {missing})", code=ErrorCode.INVALID_CROP
        )
    x, y, w, h = (int(values[k] or 0) for k in ("x", "y", "w", "h"))
    if w == 0 or h == 0:
        raise InvalidInput("crop width and height must be positive", code=ErrorCode.INVALID_CROP)
    return Crop(x, y, w, h)


def int_path(request: Request, name: str, code: ErrorCode) -> int:
    return parse_uint(str(request.path_params[name]), name, code=code)
