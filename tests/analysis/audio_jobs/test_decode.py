"""Decoding: any ffmpeg-readable audio to 16 kHz int16 per channel, typed errors otherwise."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from analysis.audio_jobs import NoAudio, audio_info, decode_audio
from analysis.audio_jobs.decode import NoSuchChannel
from analysis.errors import MediaError
from analysis.media.untrusted import UnsupportedFormat
from tests.support.audio_material import write_wav

RATE = 16_000


def tones(seconds: float) -> list[np.ndarray]:
    """Left: 440 Hz; right: 1000 Hz at half the level."""
    t = np.arange(int(seconds * RATE)) / RATE
    return [0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 1000 * t)]


def encode(source: Path, target: Path, *options: str) -> Path:
    """``source`` re-encoded by ffmpeg (a trusted file of the test's own)."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *options, str(target)]
    subprocess.run(cmd, check=True)
    return target


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * RATE / len(samples))


def test_a_stereo_wav_decodes_to_one_int16_array_per_channel(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "stereo.wav", [c.astype(np.float32) for c in tones(2.0)])
    decoded = decode_audio(path)
    assert decoded.channel_ids == [0, 1] and decoded.duration_ms == pytest.approx(2000, abs=1)
    left, right = decoded.channels
    assert left.dtype == np.int16 and len(left) == len(right) == 2 * RATE
    assert dominant_hz(left) == pytest.approx(440, abs=2)
    assert dominant_hz(right) == pytest.approx(1000, abs=2)
    assert np.abs(right).max() == pytest.approx(0.25 * 32767, rel=0.01)
    info = audio_info(path)
    assert info.channels == 2 and info.duration_ms == pytest.approx(2000, abs=1)


@pytest.mark.parametrize(("suffix", "codec"), [(".flac", "flac"), (".mp3", "libmp3lame")])
def test_flac_and_mp3_at_other_rates_are_resampled_to_16_khz(
    tmp_path: Path, suffix: str, codec: str
) -> None:
    wav = write_wav(tmp_path / "source.wav", [c.astype(np.float32) for c in tones(3.0)])
    encoded = encode(wav, tmp_path / f"audio{suffix}", "-ar", "44100", "-c:a", codec)
    decoded = decode_audio(encoded)
    assert len(decoded.channels) == 2
    assert len(decoded.channels[0]) == pytest.approx(3 * RATE, abs=0.05 * RATE)
    assert dominant_hz(decoded.channels[1][RATE:]) == pytest.approx(1000, abs=3)


def test_one_channel_can_be_decoded_alone(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "stereo.wav", [c.astype(np.float32) for c in tones(1.0)])
    decoded = decode_audio(path, channel=1)
    assert decoded.channel_ids == [1] and len(decoded.channels) == 1
    assert dominant_hz(decoded.channels[0]) == pytest.approx(1000, abs=2)
    with pytest.raises(NoSuchChannel, match="channel 2 does not exist: the audio has 2"):
        decode_audio(path, channel=2)


def test_a_video_without_sound_is_no_audio(tmp_path: Path) -> None:
    video = tmp_path / "silent.mp4"
    lavfi = ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi"]
    subprocess.run([*lavfi, "-i", "testsrc2=size=64x64:rate=5:duration=1", str(video)], check=True)
    with pytest.raises(NoAudio, match="no audio stream"):
        decode_audio(video)


def test_files_that_are_not_accepted_audio_are_refused(tmp_path: Path) -> None:
    playlist = tmp_path / "list.m3u8"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:/etc/passwd\n")
    with pytest.raises(UnsupportedFormat, match="HLS playlist"):
        decode_audio(playlist)
    text = tmp_path / "notes.wav"
    text.write_text("these are not samples\n" * 20)
    with pytest.raises(MediaError) as raised:
        decode_audio(text)
    assert str(tmp_path) not in str(raised.value)
