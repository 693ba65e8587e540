"""Errors of the pure analysis layer (kept free of the other packages)."""

import re

# An absolute path of two or more parts, not inside a URL ("https://host/a/b") or a ratio.
_SERVER_PATH = re.compile(r"(?<![\w:/.\]])(?:file:)?/(?:[^\s/'\"]+/)+[^\s/'\",;:]*")


def without_server_paths(text: str) -> str:
    """``text`` with every absolute file path replaced by "the file": errors reach clients."""
    return _SERVER_PATH.sub("the file", text)


class MediaError(Exception):
    """The media cannot be read: corrupt, truncated, empty or not media at all.

    The message is shown to clients, so server paths (ffmpeg and PyAV quote the file they
    failed on) are removed from it here, once for every source of the error.
    """

    def __init__(self, message: str) -> None:
        super().__init__(without_server_paths(message))


class ModelError(Exception):
    """A model file is missing, corrupt or unknown; the message names the file and the fix."""
