"""The audio jobs' expected failures, each with the stable code clients see.

Media that cannot be read raises :class:`analysis.errors.MediaError` (and its subclasses in
:mod:`analysis.audio_jobs.decode` and :mod:`analysis.media.untrusted`); a pinned model file
that is missing or corrupt raises :class:`analysis.errors.ModelError`.
"""

from __future__ import annotations

from analysis.errors import ModelError


class ModelUnavailable(ModelError):
    """A model was asked for that this installation does not have (emotions without a file)."""

    code = "MODEL_UNAVAILABLE"


class InvalidParameter(ValueError):
    """A job parameter is out of range; ``field`` names it as clients spell it."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
