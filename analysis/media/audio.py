"""Extract the analysis audio track: 16 kHz mono 16-bit WAV."""

from __future__ import annotations

import subprocess
from pathlib import Path

from analysis.errors import MediaError
from analysis.media.probe import ffmpeg_error_text
from analysis.media.untrusted import ffmpeg_input

ANALYSIS_SAMPLE_RATE = 16_000


def extract_wav_16k_mono(source: Path, target: Path, timeout: float = 1800) -> Path:
    """Write ``target`` atomically (temp file, then rename); MediaError on failure."""
    tmp = target.with_suffix(".part.wav")
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *ffmpeg_input(source)]
    cmd += ["-vn", "-ac", "1", "-ar", str(ANALYSIS_SAMPLE_RATE), "-c:a", "pcm_s16le", str(tmp)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        tmp.unlink(missing_ok=True)
        raise MediaError(f"extracting audio took longer than {timeout:.0f} s") from exc
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size <= 44:
        tmp.unlink(missing_ok=True)
        detail = ffmpeg_error_text(proc.stderr, source) if proc.stderr else "no audio decoded"
        raise MediaError(f"audio could not be decoded: {detail}")
    tmp.replace(target)
    return target
