"""``audio-activity-request`` labels: intervals of audio activity, per channel.

The label's interval is decoded per channel and its volume (analysis/session_audio/volume.py,
the same series stored after ingest) is cut into active regions by the label's thresholds
(``data.thresholds``: ``volume``, ``duration_ms``, ``merge_ms``; missing ones keep their
defaults). Each region becomes an ``audio-activity-result`` label in the request's group, named
as the request, in category ``audio activity (<channel>)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from analysis.session_audio.activity import ActivityThresholds
from analysis.session_audio.requests import ChannelActivity, activity_in
from workers.audio_request_data import read_activity
from workers.registry import AnalysisSpec, Outcome, register
from workers.request_job import ReadyRequest, result_label

ACTIVITY_KEY = "audio-activity"
RESULT_TYPE = "audio-activity-result"


def _work(ready: ReadyRequest) -> Callable[[], list[ChannelActivity]]:
    label = ready.label
    thresholds: ActivityThresholds = ready.plan.params
    media = Path(ready.session.media_path or ready.media_path)
    return partial(activity_in, media, label.start_ms, label.end_ms, thresholds)


def _outcome(ready: ReadyRequest, found: list[ChannelActivity]) -> Outcome:
    thresholds: ActivityThresholds = ready.plan.params
    labels = []
    for channel in found:
        for region in channel.regions:
            data: dict[str, object] = {
                "thresholds": thresholds.as_data(),
                "start_volume": round(region.start_volume, 4),
                "end_volume": round(region.end_volume, 4),
            }
            result = result_label(
                ready,
                RESULT_TYPE,
                region.start_ms,
                region.end_ms,
                name=ready.label.name or "",
                data=data,
            )
            labels.append(replace(result, category=f"audio activity ({channel.channel})"))
    count = len(labels)
    message = f"{count} audio activity region(s) found." if count else "No audio activity found."
    return Outcome(labels=labels, messages={ACTIVITY_KEY: message})


SPEC = register(
    AnalysisSpec(
        job="audio_activity",
        request_types=("audio-activity-request",),
        result_types=(RESULT_TYPE,),
        analyses={"audio_activity": (ACTIVITY_KEY,)},
        parameters=ActivityThresholds(),
        work=_work,
        outcome=_outcome,
        media="audio",
        selectable=False,
        progress=False,
        read_data=read_activity,
        described_as="the audio activity analysis",
        runs_doc="audio activity (`data.thresholds`: `volume`, `duration_ms`, `merge_ms`)",
        results_doc=(
            "`audio-activity-result` labels per channel on each active region, "
            "`data.thresholds`, `data.start_volume`, `data.end_volume`"
        ),
    )
)
