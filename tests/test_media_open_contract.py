"""Untrusted media is opened in one place: a source scan keeps it so.

Every ffmpeg/ffprobe input of a recording goes through ``analysis.media.untrusted.ffmpeg_input``
(file protocol, allow-listed demuxers), every PyAV open passes its ``PYAV_OPTIONS``, and every
image is decoded by ``analysis.media.image_input`` (header checked, pixels capped). A new
``"-i", path`` or ``av.open(path)`` elsewhere fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "graph", "workers", "analysis")
# "-i" is allowed only for our own synthetic or piped inputs: lavfi sources and stdin.
RAW_INPUT = re.compile(r'"-i",\s*+(?!"pipe:0")(?!"(testsrc2|sine)=)')
OPENERS = {
    "av.open(": {"analysis/media/frames.py"},
    "cv2.imdecode(": {"analysis/media/image_input.py"},
    "cv2.imread(": set(),
    "cv2.VideoCapture(": set(),
    "Image.open(": {"analysis/media/image_input.py"},
}


def _sources() -> dict[str, str]:
    files = (path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))
    return {str(path.relative_to(ROOT)): path.read_text() for path in files}


def test_ffmpeg_inputs_go_through_the_allow_list() -> None:
    offenders = [
        name
        for name, text in _sources().items()
        if name != "analysis/media/untrusted.py" and RAW_INPUT.search(text)
    ]
    assert offenders == [], "use analysis.media.untrusted.ffmpeg_input for these inputs"


def test_media_and_image_openers_live_in_their_one_module() -> None:
    sources = _sources()
    for opener, allowed in OPENERS.items():
        users = {name for name, text in sources.items() if opener in text}
        assert users <= allowed, f"{opener} used outside {allowed or 'nowhere'}: {users}"
    assert "options=PYAV_OPTIONS" in sources["analysis/media/frames.py"]


def test_the_scan_catches_a_raw_input() -> None:
    assert RAW_INPUT.search('cmd = ["ffmpeg", "-i", str(path)]')
    assert not RAW_INPUT.search('cmd += ["-f", "rawvideo", "-i", "pipe:0"]')
