"""``ocr-request`` labels: the text in the label's box, as ``ocr-result`` labels.

Parameters sit at the top of ``data`` as the reference service has them (analysis/ocr/params.py);
a request without a ``video_box`` is refused when added. Each segment of frames showing the
same kept text (analysis/ocr/scan.py) becomes one ``ocr-result`` label in the request's group:
``name`` the text, ``category`` "ocr result", ``data`` the per-word confidences and the
parameters echoed, ``video_box`` the request's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from analysis.media.frame_scan import Box
from analysis.ocr.params import OcrParams, read_ocr_params
from analysis.ocr.scan import OcrResult, run_ocr
from graph.errors import ErrorCode, InvalidInput
from graph.labels import Label
from graph.sessions import Session
from graph.state import AppState
from workers.parameter_errors import data_reader
from workers.registry import AnalysisSpec, Outcome, register
from workers.request_job import ReadyRequest, result_label

OCR_KEY = "ocr"
RESULT_TYPE = "ocr-result"


async def _admit(state: AppState, session: Session, labels: Sequence[Label]) -> None:
    for label in labels:
        if not label.video_box:
            raise InvalidInput(
                "an ocr-request label needs a video_box [[x0, y0, x1, y1]] around the text",
                code=ErrorCode.VIDEO_BOX_REQUIRED,
                field="videoBox",
            )


def read_text(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box | None,
    params: OcrParams,
    *,
    progress: Callable[[float], None] | None = None,
) -> OcrResult:
    """:func:`run_ocr`, refusing a stored request that has lost its box (edited since)."""
    if box is None:
        raise ValueError("an ocr-request label needs a video_box")
    return run_ocr(path, fps, start_ms, end_ms, box, params, progress=progress)


def _work(ready: ReadyRequest) -> Callable[..., OcrResult]:
    label = ready.label
    return partial(
        read_text,
        Path(ready.media_path),
        ready.fps,
        label.start_ms,
        label.end_ms,
        ready.plan.box,
        ready.plan.params,
    )


def _outcome(ready: ReadyRequest, result: OcrResult) -> Outcome:
    params: OcrParams = ready.plan.params
    echoed: dict[str, Any] = params.echoed()
    labels = [
        result_label(
            ready,
            RESULT_TYPE,
            segment.start_ms,
            segment.end_ms,
            name=segment.text,
            data={"confidence": list(segment.confidences), **echoed},
        )
        for segment in result.segments
    ]
    message = (
        f"{len(labels)} text segments; {result.calls} Tesseract reads for {result.frames} frames."
    )
    return Outcome(labels=labels, messages={OCR_KEY: message})


SPEC = register(
    AnalysisSpec(
        job="ocr",
        request_types=("ocr-request",),
        result_types=(RESULT_TYPE,),
        analyses={"ocr": (OCR_KEY,)},
        work=_work,
        outcome=_outcome,
        selectable=False,
        read_data=data_reader(read_ocr_params),
        admit=_admit,
        described_as="OCR",
        runs_doc="Tesseract 5 (eng, jpn) on the `video_box`; `data`: `ocr_config`, "
        "`confidence_threshold`, `landscape`, `target_height`",
        results_doc="one `ocr-result` label per run of frames showing the same text (`name` the "
        "text, `data.confidence` per word, the parameters echoed)",
    )
)
