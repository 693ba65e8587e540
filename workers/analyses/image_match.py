"""``image-match-request`` labels: where an org's query image appears, as result labels.

``data`` carries ``method`` (template or keypoint), ``image_id``, ``threshold`` and the template's
``use_multiscale``/``scaling_factors`` (analysis/image_match/params.py). When the label is added,
the image must be one of the org's and, for keypoint matching, yield at least 10 keypoints;
otherwise nothing is written. The job reads the image's bytes from the store (so it has its own
``run``), matches in the process pool, and writes one ``image-match-result`` per interval where
the image is found, in the request's group, ``data`` the request's. Template results carry the
best match's box as ``video_box``, keypoint results the request's box. Keypoint matching without
a threshold writes the intervals of up to five suggested thresholds, named
``"<label name> : <threshold>"`` with the threshold in ``data``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from analysis.image_match.keypoint import query_keypoints
from analysis.image_match.params import MatchParams, read_match_params
from analysis.image_match.scan import ImageMatchResult, ThresholdResult, run_image_match
from analysis.media.image_input import decode_image
from analysis.parameter_error import ParameterError
from graph.errors import ErrorCode, NotFound
from graph.labels import Label
from graph.query_images import QueryImageStore
from graph.sessions import Session
from graph.state import AppState
from workers.parameter_errors import as_invalid_input, data_reader
from workers.progress import report_run_progress
from workers.registry import AnalysisSpec, Outcome, register
from workers.request_job import (
    REQUEST_ERRORS,
    ReadyRequest,
    fail_request,
    finish_request,
    result_label,
    start_request,
)
from workers.runner import Failed, run_in_pool

IMAGE_MATCH_KEY = "image-match"
RESULT_TYPE = "image-match-result"
JOB = "image_match"
read_params = data_reader(read_match_params)


def _missing() -> NotFound:
    return NotFound(
        "query image not found in this org",
        code=ErrorCode.QUERY_IMAGE_NOT_FOUND,
        field="data.image_id",
    )


async def _admit(state: AppState, session: Session, labels: Sequence[Label]) -> None:
    """The query image must be the org's; a keypoint query must have enough keypoints."""
    images = QueryImageStore(state.pool)
    for label in labels:
        params = read_params(label.data or {})
        found = await images.data(params.image_id, label.org_id)
        if found is None:
            raise _missing()
        if params.method == "keypoint":
            pixels = state.settings.max_image_pixels
            try:
                await asyncio.to_thread(_check_keypoints, found[1], pixels)
            except ParameterError as exc:
                raise as_invalid_input(exc) from None


def _check_keypoints(data: bytes, max_pixels: int) -> None:
    query_keypoints(decode_image(data, max_pixels=max_pixels))


async def _run(ctx: dict[str, Any], label_id: str) -> str:
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, SPEC)
    if isinstance(ready, str):
        return ready
    label, params = ready.label, ready.plan.params
    found = await QueryImageStore(state.pool).data(params.image_id, label.org_id)
    if found is None:
        return await fail_request(state, ready, "the query image was deleted")
    work = partial(
        run_image_match,
        Path(ready.media_path),
        ready.fps,
        label.start_ms,
        label.end_ms,
        ready.plan.box,
        params,
        found[1],
        state.settings.max_image_pixels,
    )

    async def progress(fraction: float) -> None:
        await report_run_progress(state, label.session_id, label.id, ready.plan.tracked, fraction)

    async def fail(message: str) -> None:
        await fail_request(state, ready, message)

    result = await run_in_pool(
        ctx,
        work,
        fail=fail,
        internal="internal error in image match; see the worker log",
        context=f"{JOB} of label {label_id}",
        expected=REQUEST_ERRORS,
        on_progress=progress,
    )
    if isinstance(result, Failed):
        return str(result)
    return await finish_request(state, ready, _outcome(ready, result))


def _labels(ready: ReadyRequest, found: ThresholdResult, suggested: bool) -> list[Label]:
    request = ready.label
    params: MatchParams = ready.plan.params
    data: dict[str, Any] = dict(request.data or {})
    name: str | None = None
    if suggested:
        data["threshold"] = found.threshold
        data["suggested_range"] = [found.lower, found.upper]
        name = f"{request.name or 'image match'} : {found.threshold:g}"
    labels = []
    for interval in found.intervals:
        result = result_label(
            ready, RESULT_TYPE, interval.start_ms, interval.end_ms, name="", data=data
        )
        box = request.video_box
        if params.method == "template" and interval.box is not None:
            box = [list(interval.box)]
        labels.append(replace(result, name=name, category=None, video_box=box))
    return labels


def _outcome(ready: ReadyRequest, result: ImageMatchResult) -> Outcome:
    labels = [
        label for found in result.results for label in _labels(ready, found, result.suggested)
    ]
    if result.suggested:
        thresholds = ", ".join(f"{r.threshold:g}" for r in result.results) or "none"
        message = f"Suggested thresholds: {thresholds}; {len(labels)} intervals in all."
    else:
        message = f"{len(labels)} intervals where the image is found."
    return Outcome(labels=labels, messages={IMAGE_MATCH_KEY: message})


SPEC = register(
    AnalysisSpec(
        job=JOB,
        request_types=("image-match-request",),
        result_types=(RESULT_TYPE,),
        analyses={"image_match": (IMAGE_MATCH_KEY,)},
        outcome=_outcome,
        selectable=False,
        read_data=read_params,
        admit=_admit,
        run=_run,
        described_as="image match",
        runs_doc="`template` (OpenCV matchTemplate, optionally multiscale) or `keypoint` (BRISK, "
        "ratio test, RANSAC homography) with the query image `data.image_id`",
        results_doc="one `image-match-result` label per interval where the image is found "
        "(template: `video_box` = the best match); keypoint without `threshold`: up to five "
        "suggested thresholds, labels named `<name> : <threshold>`",
    )
)
