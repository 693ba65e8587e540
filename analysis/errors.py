"""Errors of the pure analysis layer (kept free of the other packages)."""


class MediaError(Exception):
    """The media cannot be read: corrupt, truncated, empty or not media at all."""


class ModelError(Exception):
    """A model file is missing, corrupt or unknown; the message names the file and the fix."""
