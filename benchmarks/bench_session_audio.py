"""Session audio: loudness against ffmpeg's ebur128 and pyloudnorm, audio match, and the
post-ingest pass on a podcast-length file.

    python benchmarks/bench_session_audio.py [--quick]

1. Loudness of 10 min of stereo 48 kHz (pink noise whose level swings): integrated, momentary
   and short-term by this service (with the volume series and true peak on the same pass), by
   ``ffmpeg -af ebur128`` (which also prints M and S every 100 ms) and by pyloudnorm (integrated
   and LRA; it needs the whole signal in memory), on the same file, with the LUFS each finds.
2. Audio match: a 40 s reference (gain 0.5) planted in 5 min and in 30 min of synthesised music
   with white noise 10 dB down: wall time (decode included) and offset error.
3. The post-ingest pass on 60 min of stereo 44.1 kHz MP3, in a fresh process: wall time and
   peak resident memory (the decoded file would be 1.3 GB as float32).

``--quick`` uses 2 min, 1 min / 3 min and 5 min instead.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyloudnorm

from analysis.session_audio.decode import read_audio
from analysis.session_audio.issues import LoudnessLimits
from analysis.session_audio.requests import AudioSource, match_in
from analysis.session_audio.session import analyse_session_audio
from tests.support.audio_material import RATE as MUSIC_RATE
from tests.support.audio_material import music, write_wav


def ffmpeg(*args: str) -> str:
    proc = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", *args], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return proc.stderr


def swinging_noise(path: Path, seconds: float, rate: int, codec: list[str]) -> Path:
    source = (f"anoisesrc=d={seconds}:c=pink:r={rate}:a=0.25,"
              "volume='0.15+0.6*abs(sin(2*PI*t/17))':eval=frame")  # fmt: skip
    ffmpeg("-y", "-f", "lavfi", "-i", source, "-ac", "2", *codec, str(path))
    return path


def loudness(minutes: float, folder: Path) -> None:
    wav = swinging_noise(folder / "loud.wav", minutes * 60, 48_000, ["-c:a", "pcm_s16le"])
    began = time.perf_counter()
    ours = analyse_session_audio(wav, LoudnessLimits())
    ours_s = time.perf_counter() - began
    began = time.perf_counter()
    log = ffmpeg("-i", str(wav), "-af", "ebur128", "-f", "null", "-")
    ffmpeg_s = time.perf_counter() - began
    began = time.perf_counter()
    log_tp = ffmpeg("-i", str(wav), "-af", "ebur128=peak=true", "-f", "null", "-")
    ffmpeg_tp_s = time.perf_counter() - began
    ffmpeg_i = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])
    ffmpeg_lra = float(re.findall(r"LRA:\s+(-?[\d.]+) LU", log)[-1])
    ffmpeg_tp = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", log_tp)[-1])
    samples = read_audio(wav, rate=48_000).astype(np.float64)
    began = time.perf_counter()
    meter = pyloudnorm.Meter(48_000)
    py_i = meter.integrated_loudness(samples)
    py_i_s = time.perf_counter() - began
    py_lra = meter.loudness_range(samples)
    py_s = time.perf_counter() - began
    print(f"1. loudness of {minutes:g} min stereo 48 kHz")
    print(f"   this service (I, M, S, LRA, true peak, volume; one pass): {ours_s:.2f} s")
    print(f"   ffmpeg ebur128 (I, M, S, LRA): {ffmpeg_s:.2f} s; peak=true: {ffmpeg_tp_s:.2f} s")
    print(f"   pyloudnorm (I: {py_i_s:.2f} s, I + LRA: {py_s:.2f} s; decoded array in memory)")
    print(f"   ratio service/ffmpeg: {ours_s / ffmpeg_s:.2f} (true peak on both: "
          f"{ours_s / ffmpeg_tp_s:.2f}); service/pyloudnorm: {ours_s / py_s:.2f}")  # fmt: skip
    assert ours.integrated_lufs is not None
    print(f"   integrated LUFS: service {ours.integrated_lufs:.2f}, ffmpeg {ffmpeg_i:.1f}, "
          f"pyloudnorm {py_i:.2f}")  # fmt: skip
    print(f"   LRA LU: service {ours.loudness_range_lu:.2f}, ffmpeg {ffmpeg_lra:.1f}, "
          f"pyloudnorm {py_lra:.2f}")  # fmt: skip
    print(f"   true peak dBTP: service {ours.true_peak_dbtp:.2f}, ffmpeg {ffmpeg_tp:.1f}")


def match(test_minutes: float, folder: Path) -> None:
    rng = np.random.default_rng(1)
    test = music(test_minutes * 60, seed=11, level=0.2).astype(np.float64)
    reference = music(40, seed=12, level=0.5).astype(np.float64)
    reference += 0.01 * rng.standard_normal(len(reference))
    offset_s = min(test_minutes * 60 * 0.37, test_minutes * 60 - 45)
    start = round(offset_s * MUSIC_RATE)
    test[start : start + len(reference)] = 0.5 * reference
    test += np.sqrt(np.mean(test**2) / 10) * rng.standard_normal(len(test))
    test_wav = write_wav(folder / "test.wav", [np.clip(test, -1, 1).astype(np.float32)])
    ref_wav = write_wav(folder / "ref.wav", [reference.astype(np.float32)])
    began = time.perf_counter()
    found = match_in(AudioSource(str(test_wav)), AudioSource(str(ref_wav)),
                     test_minutes * 60_000, 40_000)  # fmt: skip
    wall = time.perf_counter() - began
    best = found.correlation
    assert best is not None
    print(f"2. match 40 s in {test_minutes:g} min: {wall:.2f} s, offset error "
          f"{abs(best.offset_ms - offset_s * 1000):.2f} ms, score {best.match_score:.3f}, "
          f"prominence {best.prominence_ratio:.2f}, precision {found.precision.status} "
          f"({found.precision.rate} Hz)")  # fmt: skip


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM (``ru_maxrss`` would carry the forking
    parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def podcast_pass(path: str) -> dict[str, float]:
    began = time.perf_counter()
    found = analyse_session_audio(Path(path), LoudnessLimits())
    return {
        "wall_s": time.perf_counter() - began,
        "peak_rss_mb": peak_rss_mb(),
        "volume_points": float(found.volume.size),
        "integrated": float(found.integrated_lufs or 0.0),
    }


def podcast(minutes: float, folder: Path) -> None:
    mp3 = swinging_noise(folder / "podcast.mp3", minutes * 60, 44_100,
                         ["-c:a", "libmp3lame", "-b:a", "128k"])  # fmt: skip
    run = [sys.executable, __file__, "--pass", str(mp3)]
    figures = json.loads(subprocess.run(run, capture_output=True, check=True, text=True).stdout)
    print(
        f"3. post-ingest pass on {minutes:g} min stereo MP3: {figures['wall_s']:.1f} s "
        f"({minutes * 60 / figures['wall_s']:.0f}x real time), peak memory "
        f"{figures['peak_rss_mb']:.0f} MB, {figures['volume_points']:.0f} volume values"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pass", dest="pass_path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pass_path:
        print(json.dumps(podcast_pass(args.pass_path)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        loudness(2 if args.quick else 10, folder)
        for minutes in (1, 3) if args.quick else (5, 30):
            match(minutes, folder)
        podcast(5 if args.quick else 60, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
