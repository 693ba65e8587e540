"""Session audio through GraphQL and the real worker: audio-only sessions, the post-ingest
series and loudness, activity and match requests, reference media, and the typed errors."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from tests.support.analyses import analysis_view
from tests.support.audio_material import music
from tests.support.client import LABEL_FIELDS, ApiClient
from tests.support.media import ffmpeg

RATE = 48_000
LOUDNESS = """query($s: ID!) {
  audioLoudness(sessionId: $s) { sessionId integratedLoudnessLufs loudnessRangeLu truePeakDbtp }
}"""
CREATE_MEDIA = """mutation($i: CreateMediaInput!) {
  createMedia(input: $i) { id name kind durationMs hasAudio createdAt }
}"""
STATUS = """query($s: ID!, $track: [String!]) {
  analysisStatus(sessionId: $s, timeout: 0, track: $track) { status message } }"""
MEDIA = "query($id: ID!) { media(id: $id) { id kind } }"
DELETE_MEDIA = "mutation($id: ID!) { deleteMedia(id: $id) }"
ADD = """mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"""
LABELS = f"""query($id: ID!) {{ session(id: $id) {{
  labels(first: 100) {{ edges {{ node {{ {LABEL_FIELDS} }} }} }} }} }}"""
UNDETERMINED = (
    "The integrated loudness cannot be meaningfully determined on audio that consists only of "
    "silence or extremely low noise levels."
)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """16-bit PCM of ``(samples, channels)`` floats."""
    frames = samples.reshape(len(samples), -1)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(frames.shape[1])
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(np.round(np.clip(frames, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def stereo_bursts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """6 s stereo: a tone in the left channel at 1000-2000 ms, noise in the right at
    3000-3500 ms, silence elsewhere."""
    samples = np.zeros((6 * RATE, 2))
    t = np.arange(RATE) / RATE
    samples[RATE : 2 * RATE, 0] = 0.3 * np.sin(2 * np.pi * 440 * t)
    samples[3 * RATE : 3 * RATE + RATE // 2, 1] = 0.1 * np.random.default_rng(0).standard_normal(
        RATE // 2
    )
    path = write_wav(tmp_path_factory.mktemp("audio") / "bursts.wav", samples)
    return path, samples


async def labels_of(api: ApiClient, session_id: str, label_type: str) -> list[dict[str, Any]]:
    edges = (await api.gql(LABELS, id=session_id))["session"]["labels"]["edges"]
    return [e["node"] for e in edges if e["node"]["labelType"] == label_type]


async def ingest(api: ApiClient, run_worker: Any, path: Path) -> dict[str, Any]:
    created = await api.create_session_from_file(path)
    await run_worker()
    return await api.session(created["id"])


async def test_wav_session_series_loudness_and_activity(
    api: ApiClient, run_worker: Any, stereo_bursts: tuple[Path, np.ndarray]
) -> None:
    path, samples = stereo_bursts
    session = await ingest(api, run_worker, path)
    assert (session["kind"], session["hasAudio"], session["audioChannels"]) == ("audio", True, 2)
    sid = session["id"]
    view = await analysis_view(api, sid)
    for key in ("audio-volume", "audio-momentary-lufs", "audio-loudness-issue"):
        assert view["analyses"][key]["state"] == "DONE", view["analyses"]
    units = {key: s["units"] for key, s in view["series"].items()}
    assert units == {
        "audio_volume_left": "fraction of full scale (0..1)",
        "audio_volume_right": "fraction of full scale (0..1)",
        "audio_momentary_lufs": "LUFS",
        "audio_short_term_lufs": "LUFS",
    }
    found = (await api.gql(LOUDNESS, s=sid))["audioLoudness"]
    pcm = np.round(samples * 32767) / 32767
    expected = pyloudnorm.Meter(RATE).integrated_loudness(pcm)
    assert found["integratedLoudnessLufs"] == pytest.approx(expected, abs=0.1)
    sample_peak_db = 20 * np.log10(np.abs(pcm).max())
    assert sample_peak_db - 0.01 <= found["truePeakDbtp"] <= sample_peak_db + 1.0

    err = await api.gql_error(
        ADD, s=sid, l=[{"labelType": "screen-analysis-request", "startTime": 0, "endTime": 1000}]
    )
    assert err["extensions"]["code"] == "NO_VIDEO"
    err = await api.gql_error(
        ADD,
        s=sid,
        l=[{"labelType": "audio-activity-request", "startTime": 0, "endTime": 1000,
            "data": {"thresholds": {"volume": 2}}}],
    )  # fmt: skip
    assert err["extensions"]["code"] == "INVALID_THRESHOLDS"

    default, custom, silent = await api.add_labels(
        sid,
        [
            {"labelType": "audio-activity-request", "name": "defaults", "startTime": 0,
             "endTime": 6000},
            {"labelType": "audio-activity-request", "name": "custom", "startTime": 0,
             "endTime": 6000, "data": {"thresholds": {"volume": 0.1, "merge_ms": 150}}},
            {"labelType": "audio-activity-request", "name": "quiet", "startTime": 4200,
             "endTime": 5800},
        ],
    )  # fmt: skip
    await run_worker()
    status = await api.gql(STATUS, s=sid, track=["audio-activity", "audio-loudness-issue"])
    assert status["analysisStatus"]["status"] == "done"
    view = await analysis_view(api, sid)
    assert view["analyses"]["audio-activity"]["state"] == "DONE"
    results = await labels_of(api, sid, "audio-activity-result")
    by_group: dict[str, list[dict[str, Any]]] = {}
    for lab in results:
        by_group.setdefault(lab["labelGroupId"], []).append(lab)
    assert silent["labelGroupId"] not in by_group
    found_default = sorted(by_group[default["labelGroupId"]], key=lambda lab: lab["startTime"])
    assert len(found_default) == 2
    for lab, (start, end) in zip(found_default, [(1000, 2000), (3000, 3500)], strict=True):
        assert abs(lab["startTime"] - start) <= 10 and abs(lab["endTime"] - end) <= 10
    left, right = found_default
    assert (left["category"], right["category"]) == (
        "audio activity (left)",
        "audio activity (right)",
    )
    assert left["name"] == "defaults"
    assert left["data"]["thresholds"] == {"volume": 0.02, "duration_ms": 15, "merge_ms": 200}
    assert left["data"]["start_volume"] > 0.02
    [custom_left] = [
        lab for lab in by_group[custom["labelGroupId"]] if lab["category"].endswith("(left)")
    ]
    assert custom_left["data"]["thresholds"] == {"volume": 0.1, "duration_ms": 15, "merge_ms": 150}

    # a rerun replaces the request's results; deleting the request takes them with it
    await api.gql("mutation($id: ID!) { rerunLabel(id: $id) { id } }", id=default["id"])
    await run_worker()
    again = await labels_of(api, sid, "audio-activity-result")
    assert len([r for r in again if r["labelGroupId"] == default["labelGroupId"]]) == 2
    await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=custom["id"])
    remaining = await labels_of(api, sid, "audio-activity-result")
    assert {r["labelGroupId"] for r in remaining} == {default["labelGroupId"]}


async def test_mp3_silence_and_no_audio_errors(
    api: ApiClient, run_worker: Any, tmp_path: Path, media: Any
) -> None:
    silent = tmp_path / "silent.mp3"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "2", "-c:a", "libmp3lame",
           str(silent))  # fmt: skip
    session = await ingest(api, run_worker, silent)
    assert (session["kind"], session["hasAudio"]) == ("audio", True)
    err = await api.gql_error(LOUDNESS, s=session["id"])
    assert (err["message"], err["extensions"]["code"]) == (UNDETERMINED, "LOUDNESS_UNDETERMINED")

    video = tmp_path / "mute.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=1", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(video))  # fmt: skip
    mute = await ingest(api, run_worker, video)
    assert mute["hasAudio"] is False
    err = await api.gql_error(LOUDNESS, s=mute["id"])
    assert (err["message"], err["extensions"]["code"]) == (
        "The session video has no audio.",
        "NO_AUDIO",
    )


@pytest.fixture(scope="module")
def match_media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """40 s of music with a 6 s reference (other music) planted at 17.3 s, and the reference
    alone at half the gain, as a FLAC file."""
    folder = tmp_path_factory.mktemp("match")
    background = resample_poly(music(40, seed=3, level=0.2).astype(np.float64), 3, 1)
    reference = resample_poly(music(6, seed=5, level=0.5).astype(np.float64), 3, 1)
    reference += 0.01 * np.random.default_rng(2).standard_normal(len(reference))
    offset_s = 17.3
    start = round(offset_s * RATE)
    background[start : start + len(reference)] = reference
    test_path = write_wav(folder / "test.wav", background)
    wav = write_wav(folder / "reference.wav", 0.5 * reference)
    flac = folder / "reference.flac"
    ffmpeg("-i", str(wav), str(flac))
    return test_path, flac, offset_s * 1000


async def test_audio_match_with_reference_media_and_label(
    api: ApiClient,
    other_api: ApiClient,
    run_worker: Any,
    match_media: tuple[Path, Path, float],
) -> None:
    test_path, reference_path, offset_ms = match_media
    created = await api.create_session_from_file(test_path)
    media = (
        await api.gql(CREATE_MEDIA, i={"uploadId": await api.upload(reference_path), "name": "ref"})
    )["createMedia"]
    assert (media["kind"], media["hasAudio"], media["name"]) == ("audio", True, "ref")
    assert media["durationMs"] == pytest.approx(6000, abs=50)
    node = "query($id: ID!) { node(id: $id) { id ... on Media { name } } }"
    assert (await api.gql(node, id=media["id"]))["node"] == {"id": media["id"], "name": "ref"}
    assert (await other_api.gql(node, id=media["id"]))["node"] is None
    await run_worker()
    sid = created["id"]

    def request(data: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"labelType": "audio-match-request", "name": "alarm", "startTime": 0,
                 "endTime": 40000, "data": data}]  # fmt: skip

    three = {"full": {"match_score": 0.8, "prominence_ratio": 1.1}, "partial": {"match_score": 0.5}}
    cases = [
        ({"ref_audio_media_id": media["id"], "match_status_thresholds": three},
         "INVALID_THRESHOLDS"),
        ({"ref_audio_media_id": media["id"], "ref_audio_label_id": "x"}, "INVALID_REFERENCE"),
        ({}, "INVALID_REFERENCE"),
        ({"ref_audio_media_id": media["id"], "match_status_thresholds": {
            "full": {"match_score": 0.5, "prominence_ratio": 1.0},
            "partial": {"match_score": 0.6, "prominence_ratio": 1.5}}}, "INVALID_THRESHOLDS"),
        ({"ref_audio_media_id": media["id"], "match_status_thresholds": {
            "full": {"match_score": 1.5, "prominence_ratio": 1.0},
            "partial": {"match_score": 0.4, "prominence_ratio": 1.5}}}, "INVALID_THRESHOLDS"),
        ({"ref_audio_media_id": media["id"], "match_status_thresholds": {
            "full": {"match_score": 0.9, "prominence_ratio": 0.5},
            "partial": {"match_score": 0.4, "prominence_ratio": 1.5}}}, "INVALID_THRESHOLDS"),
        ({"ref_audio_media_id": "no-such-media"}, "REFERENCE_NOT_FOUND"),
    ]  # fmt: skip
    for data, code in cases:
        err = await api.gql_error(ADD, s=sid, l=request(data))
        assert err["extensions"]["code"] == code, (data, err)
    foreign = await other_api.gql_error(ADD, s=sid, l=request({"ref_audio_media_id": media["id"]}))
    assert foreign["extensions"]["code"] == "SESSION_NOT_FOUND"
    other_session = await other_api.create_session_from_file(test_path)
    await run_worker()
    foreign = await other_api.gql_error(
        ADD, s=other_session["id"], l=request({"ref_audio_media_id": media["id"]})
    )
    assert foreign["extensions"]["code"] == "REFERENCE_NOT_FOUND"

    [by_media] = await api.add_labels(sid, request({"ref_audio_media_id": media["id"]}))
    [ref_label] = await api.add_labels(
        sid, [{"labelType": "marker", "startTime": offset_ms, "endTime": offset_ms + 5000}]
    )
    [by_label] = await api.add_labels(sid, request({"ref_audio_label_id": ref_label["id"]}))
    await run_worker()
    view = await analysis_view(api, sid)
    assert view["analyses"]["audio-match"]["state"] == "DONE"
    found = await labels_of(api, sid, "audio-match-result")
    results = {lab["labelGroupId"]: lab for lab in found}
    media_result = results[by_media["labelGroupId"]]
    assert abs(media_result["startTime"] - offset_ms) <= 10
    assert media_result["endTime"] - media_result["startTime"] == pytest.approx(6000, abs=2)
    data = media_result["data"]
    assert list(data) == [
        "match_status", "parameters", "precision_status", "match_score", "prominence_ratio",
        "ref_audio_media_id", "error_msg",
    ]  # fmt: skip
    assert data["match_status"] == "full" and data["precision_status"] == "high"
    assert data["parameters"] == {"match_status_thresholds": {
        "full": {"match_score": 0.9, "prominence_ratio": 1.0},
        "partial": {"match_score": 0.4, "prominence_ratio": 1.5}}}  # fmt: skip
    assert data["match_score"] > 0.9 and data["prominence_ratio"] >= 1.0
    assert data["error_msg"] is None and media_result["name"] == "alarm"
    label_result = results[by_label["labelGroupId"]]
    assert abs(label_result["startTime"] - offset_ms) <= 10
    assert label_result["data"]["ref_audio_label_id"] == ref_label["id"]

    assert (await api.gql(DELETE_MEDIA, id=media["id"]))["deleteMedia"] is True
    assert (await api.gql(MEDIA, id=media["id"]))["media"] is None
    err = await api.gql_error(DELETE_MEDIA, id=media["id"])
    assert err["extensions"]["code"] == "REFERENCE_MEDIA_NOT_FOUND"
