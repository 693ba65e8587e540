"""The one error of the OCR and image-match parameters: what was wrong and where.

The pure layer knows no API error codes, so each error carries the *name* of its code
(``INVALID_OCR_CONFIG``, ``INVALID_PARAMETER``...) and the field it is about; the worker maps
the name onto the API's enum.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A request parameter outside what is accepted; ``code`` names the API error code."""

    def __init__(self, message: str, *, code: str = "INVALID_PARAMETER", field: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
