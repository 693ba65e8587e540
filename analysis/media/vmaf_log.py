"""Read libvmaf's JSON log into reelgraph's six VMAF time series.

libvmaf (``log_fmt=json``) writes one object per scored frame, ``{"frameNum": n, "metrics":
{name: value}}``, and ``pooled_metrics`` with each metric's min, max, mean and harmonic mean
over the frames (https://github.com/Netflix/vmaf/blob/master/libvmaf/src/output.c). The metric
names depend on the libvmaf build: libvmaf 2 and later log the model's fixed-point features as
``integer_adm2`` and ``integer_vif_scale0..3``; libvmaf 1 logged them as ``adm2`` and
``vif_scale0..3``. Both spellings are accepted. The six series:

- ``vmaf``: the model's score (``vmaf_v0.6.1``, 0-100), Li et al., "Toward a practical
  perceptual video quality metric", Netflix Tech Blog, 2016.
- ``adm2``: the Detail Loss Metric (Li et al., "Image quality assessment by separately evaluating
  detail losses and additive impairments", IEEE Trans. Multimedia 13(5), 2011) as VMAF computes
  it, 0-1.
- ``ms_ssim``: ``float_ms_ssim``, Wang, Simoncelli & Bovik, "Multiscale structural similarity
  for image quality assessment", Asilomar 2003, 0-1.
- ``psnr``: ``psnr_y``, the luma PSNR in dB (libvmaf caps it at 60 dB for 8-bit video, so
  identical frames read 60, not infinity).
- ``ssim``: ``float_ssim``, Wang et al., "Image quality assessment: from error visibility to
  structural similarity", IEEE Trans. Image Processing 13(4), 2004, 0-1.
- ``vif``: the mean of VMAF's four elementary VIF scores ``vif_scale0..3`` (Sheikh & Bovik,
  "Image information and visual quality", IEEE Trans. Image Processing 15(2), 2006; VMAF feeds
  the four scales to its model separately). An unweighted mean, so every scale counts alike; it
  is not the single pixel-domain VIF of the paper, which sums information over the scales.

Pooled values are libvmaf's own means over the scored frames (for ``vif`` the mean of the four
scales' means, which equals the mean of the per-frame ``vif``); they differ from the mean of the
logged values only by the log's rounding to six decimals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import MediaError

VIF_SCALES = 4
# Our series key → the libvmaf metric names that may hold it, newest spelling first.
LOG_METRICS: dict[str, tuple[str, ...]] = {
    "vmaf": ("vmaf",),
    "adm2": ("integer_adm2", "adm2"),
    "ms_ssim": ("float_ms_ssim",),
    "psnr": ("psnr_y",),
    "ssim": ("float_ssim",),
}
VIF_METRICS: tuple[tuple[str, ...], ...] = tuple(
    (f"integer_vif_scale{scale}", f"vif_scale{scale}") for scale in range(VIF_SCALES)
)
SERIES_KEYS = (*LOG_METRICS, "vif")


@dataclass(frozen=True)
class VmafLog:
    """The scored frames (numbered from the first frame libvmaf saw) and the six series."""

    frame_numbers: np.ndarray  # int64, ascending
    series: dict[str, np.ndarray]  # key → float64, one value a scored frame
    pooled: dict[str, float]  # key → mean over the scored frames


def read_vmaf_log(path: Path) -> VmafLog:
    """Parse a libvmaf JSON log; MediaError when it is missing, unreadable or scored no frame."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise MediaError(f"libvmaf wrote no readable log: {exc}") from exc
    frames = data.get("frames") if isinstance(data, dict) else None
    if not frames:
        raise MediaError("libvmaf scored no frame: the videos have no frames in common")
    try:
        metrics = [frame["metrics"] for frame in frames]
        frame_numbers = np.fromiter((frame["frameNum"] for frame in frames), np.int64, len(frames))
    except (KeyError, TypeError) as exc:
        raise MediaError("the libvmaf log has frames without numbers or metrics") from exc
    series = {key: _column(metrics, names) for key, names in LOG_METRICS.items()}
    series["vif"] = np.mean([_column(metrics, names) for names in VIF_METRICS], axis=0)
    pooled_log = data.get("pooled_metrics") or {}
    pooled = {
        key: _pooled_mean(pooled_log, (names,), series[key]) for key, names in LOG_METRICS.items()
    }
    pooled["vif"] = _pooled_mean(pooled_log, VIF_METRICS, series["vif"])
    return VmafLog(frame_numbers=frame_numbers, series=series, pooled=pooled)


def _name_in(row: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        if name in row:
            return name
    raise MediaError(f"the libvmaf log has no {' or '.join(names)} metric")


def _column(metrics: list[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    name = _name_in(metrics[0], names)
    try:
        return np.fromiter((row[name] for row in metrics), np.float64, len(metrics))
    except KeyError as exc:
        raise MediaError(f"the libvmaf log misses {name} for some frames") from exc


def _pooled_mean(
    pooled_log: dict[str, dict[str, float]],
    metrics: tuple[tuple[str, ...], ...],
    values: np.ndarray,
) -> float:
    """The mean of libvmaf's pooled means of ``metrics`` (each given by its possible names),
    which libvmaf takes before rounding the per-frame values to six decimals for the log; the
    mean of the logged per-frame ``values`` where the log pools none."""
    means: list[float] = []
    for names in metrics:
        name = next((name for name in names if "mean" in pooled_log.get(name, {})), None)
        if name is None:
            return float(np.mean(values))
        means.append(float(pooled_log[name]["mean"]))
    return float(np.mean(means))
