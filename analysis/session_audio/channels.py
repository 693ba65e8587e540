"""Channel names as series keys and label categories use them.

One channel is ``mono``; in a file of two or more channels the first two are ``left`` and
``right`` and the others are counted from 1 (``channel 3``, ``channel 4``...), following the
WAV/ffmpeg channel order.
"""

from __future__ import annotations


def channel_name(index: int, count: int) -> str:
    """The readable name of channel ``index`` (from 0) of ``count`` channels."""
    if count <= 1:
        return "mono"
    if index == 0:
        return "left"
    if index == 1:
        return "right"
    return f"channel {index + 1}"


def channel_suffix(index: int, count: int) -> str:
    """The series-key suffix of a channel: ``mono`` has none, the others ``_left``,
    ``_right``, ``_channel_3``..."""
    if count <= 1:
        return ""
    return "_" + channel_name(index, count).replace(" ", "_")
