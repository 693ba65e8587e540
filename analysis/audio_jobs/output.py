"""The result document of a file job, DeepTone-compatible field for field.

Per channel (keyed by the channel number as a string):

- ``time_series``: one entry per ``output_period`` ms, ``{"timestamp": ms, "results": {model:
  {"result", "confidence"}}}`` plus ``"raw": {model: {class: probability}}`` when raw values are
  asked for. An entry covers the period that starts at its timestamp: the mean of its 64 ms
  steps' raw values decides it, with the same gates and rules as a step
  (:mod:`analysis.audio_jobs.decisions`; the period is silent when its mean power is under the
  volume threshold, gender is ``unknown`` when fewer than half its steps had enough speech), so
  with ``output_period=64`` the entries are the steps themselves;
- ``summary``: ``{model: {"<result>_fraction": share}}``, the share of the channel's 64 ms steps
  with each result (every result of the model, 0.0 included);
- ``transitions``: ``{model: [{"timestamp_start", "timestamp_end", "result", "confidence"}]}``,
  runs of equal step results (64 ms resolution), with the mean of their steps' confidences.

Timestamps are integers in ms from the start of the audio; probabilities, confidences and
fractions are rounded to 4 decimals.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.audio_jobs.decisions import Decided, decide_speech, decide_voice
from analysis.audio_jobs.parameters import check_output_period
from analysis.audio_jobs.steps import ChannelAnalysis, StepResult
from analysis.audio_jobs.vocabulary import GENDER, SPEECH, STEP_MS

DECIMALS = 4


def file_result(
    channels: Mapping[int, ChannelAnalysis],
    output_period_ms: int,
    *,
    include_summary: bool = False,
    include_transitions: bool = False,
    include_raw_values: bool = False,
) -> dict[str, Any]:
    """``{"channels": {"0": {...}, ...}}`` for the analysed channels, by channel number."""
    return {
        "channels": {
            str(number): channel_result(
                analysis,
                output_period_ms,
                include_summary=include_summary,
                include_transitions=include_transitions,
                include_raw_values=include_raw_values,
            )
            for number, analysis in channels.items()
        }
    }


def channel_result(
    analysis: ChannelAnalysis,
    output_period_ms: int,
    *,
    include_summary: bool = False,
    include_transitions: bool = False,
    include_raw_values: bool = False,
) -> dict[str, Any]:
    """One channel's ``time_series`` and, when asked for, ``summary`` and ``transitions``."""
    result: dict[str, Any] = {
        "time_series": time_series(analysis, output_period_ms, include_raw_values)
    }
    if include_summary:
        result["summary"] = summary(analysis)
    if include_transitions:
        result["transitions"] = transitions(analysis)
    return result


def time_series(
    analysis: ChannelAnalysis, output_period_ms: int, include_raw_values: bool = False
) -> list[dict[str, Any]]:
    """One entry per ``output_period_ms`` (a multiple of 64), decided from its steps' mean."""
    per_period = check_output_period(output_period_ms) // STEP_MS
    if analysis.steps == 0:
        return []
    starts = np.arange(0, analysis.steps, per_period)
    counts = np.diff(np.append(starts, analysis.steps))[:, None]

    def mean(values: np.ndarray) -> np.ndarray:
        return np.asarray(np.add.reduceat(values.astype(np.float64), starts, axis=0) / counts)

    silent = mean(analysis.mean_square[:, None])[:, 0] < analysis.volume_threshold**2
    speech = decide_speech(mean(analysis.speech_raw), silent)
    decided: dict[str, Decided] = {}
    raw: dict[str, np.ndarray] = {}
    for name, track in analysis.tracks.items():
        raw[name] = mean(track.raw)
        if track.model == SPEECH:  # equal, not identical: analyses come back pickled from the pool
            decided[name] = speech
            continue
        reliable = None
        if track.model == GENDER and track.reliable is not None:
            reliable = mean(track.reliable[:, None])[:, 0] >= 0.5
        decided[name] = decide_voice(track.model, raw[name], silent, speech, reliable)
    entries = []
    for row, start in enumerate(starts):
        entry: dict[str, Any] = {
            "timestamp": int(start) * STEP_MS,
            "results": {
                name: _result(d.model.results[d.result[row]], d.confidence[row])
                for name, d in decided.items()
            },
        }
        if include_raw_values:
            entry["raw"] = {
                name: _raw(analysis.tracks[name].model.classes, raw[name][row]) for name in raw
            }
        entries.append(entry)
    return entries


def summary(analysis: ChannelAnalysis) -> dict[str, dict[str, float]]:
    """Each model's share of 64 ms steps per result, ``{"<result>_fraction": share}``."""
    out = {}
    for name, track in analysis.tracks.items():
        counts = np.bincount(track.decided.result, minlength=len(track.model.results))
        total = max(analysis.steps, 1)
        out[name] = {
            f"{result}_fraction": round(float(counts[i]) / total, DECIMALS)
            for i, result in enumerate(track.model.results)
        }
    return out


def transitions(analysis: ChannelAnalysis) -> dict[str, list[dict[str, Any]]]:
    """Each model's runs of equal step results with their mean confidence."""
    out = {}
    for name, track in analysis.tracks.items():
        results = track.decided.result
        confidence = track.decided.confidence.astype(np.float64)
        change = np.flatnonzero(np.diff(results)) + 1
        bounds = np.concatenate([[0], change, [len(results)]]) if len(results) else np.zeros(0)
        runs = []
        for start, stop in itertools.pairwise(bounds):
            runs.append(
                {
                    "timestamp_start": int(start) * STEP_MS,
                    "timestamp_end": int(stop) * STEP_MS,
                    "result": track.model.results[results[start]],
                    "confidence": round(float(confidence[start:stop].mean()), DECIMALS),
                }
            )
        out[name] = runs
    return out


def step_message(step: StepResult, include_raw_values: bool = False) -> dict[str, Any]:
    """One step in the single-time-step format (the streaming message)."""
    message: dict[str, Any] = {
        "timestamp": step.timestamp_ms,
        "results": {name: _result(s.result, s.confidence) for name, s in step.models.items()},
    }
    if include_raw_values:
        message["raw"] = {
            name: {c: round(p, DECIMALS) for c, p in s.raw.items()}
            for name, s in step.models.items()
        }
    return message


def _result(result: str, confidence: float) -> dict[str, Any]:
    return {"result": result, "confidence": round(float(confidence), DECIMALS)}


def _raw(classes: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {c: round(float(v), DECIMALS) for c, v in zip(classes, values, strict=True)}
