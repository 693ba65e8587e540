"""Reference-free picture-quality metrics of one frame (pure numpy/OpenCV).

Every function takes one frame as the decoder gives it and returns one float. Luma is the
video's own Y plane in limited ("TV") range, 16 (black) to 235 (white), as H.264 screen
recordings and ffmpeg encodes carry it (``ScannedFrame.luma()``); a full-range source reads a
little brighter and more contrasted than it is, and nothing else changes.

brightness
    Mean luma as a percentage of the nominal range: ``100 · mean((Y - 16) / 219)``, clipped to
    0-100 (0 black, 100 white). Y is gamma-encoded luma at the 8-bit video levels of ITU-R
    BT.601 and BT.709 (black 16, nominal white 235).

contrast
    RMS contrast (Peli, "Contrast in complex images", JOSA A 7(10), 1990): the standard
    deviation of the normalised luma ``(Y - 16) / 219``, as a percentage (0 for a flat picture,
    50 for half the pixels black and half white). Unlike ``std / mean`` it does not change
    when only the brightness does.

colorfulness
    Hasler & Süsstrunk, "Measuring colourfulness in natural images", Proc. SPIE 5007, 2003,
    metric M(3): on 8-bit sRGB, ``rg = R - G`` and ``yb = (R + G) / 2 - B``, then
    ``M = sqrt(sd_rg² + sd_yb²) + 0.3 · sqrt(mean_rg² + mean_yb²)``. 0 for a grey picture;
    the paper calls about 15 "slightly", 33 "moderately", 45 "averagely", 59 "quite", 82
    "highly" and 109 "extremely" colourful. Computed on the frame halved in each direction (area
    averaging): 4:2:0 video carries colour at half resolution already, so this loses nothing
    of it and quarters the work.

blurriness
    The "blur effect" of Crété-Roffet, Dolmière, Ladret & Nicolas, "The blur effect:
    perception and estimation with a new no-reference perceptual blur metric", Proc. SPIE
    6492, 2007 (hal-00232709), as the paper gives it: the luma is re-blurred with a 1x9
    averaging filter along each axis, and the share of the neighbour-to-neighbour variation
    that the re-blur removes is measured; a sharp picture loses much of it, a blurred one
    little. ``blur = max over the two axes of (ΣD_F - ΣV) / ΣD_F`` with ``D_F = |ΔF|`` and
    ``V = max(0, |ΔF| - |ΔB|)``: 0 (sharp) to 1 (blurred), so more blur reads higher. A flat
    picture (no variation at all) reads 0. scikit-image's ``blur_effect`` is the same idea
    with Sobel gradients and an 11-tap filter. Full resolution: shrinking a picture sharpens it.

blockiness
    After Wang, Sheikh & Bovik, "No-reference perceptual quality assessment of JPEG
    compressed images", Proc. IEEE ICIP 2002: block-transform coding at high compression
    leaves steps at the 8x8 block edges while the inside of each block is smoothed. The metric
    is the mean absolute luma difference across block edges divided by the mean absolute
    difference between neighbours inside blocks, both axes pooled:
    ``(B + 1) / (A + 1)`` (the 1 keeps flat pictures at 1). About 1 for a picture without
    blocks, higher the more the block grid shows. The grid is the frame's: block edges lie
    between pixels ``8k - 1`` and ``8k`` of the full frame, so a crop passes its ``origin``.
    Full resolution: the blocks are 8 pixels.

downsampling_index
    How much of the finest octave of detail is missing, as after a downscale and an upscale.
    With a Laplacian pyramid (Burt & Adelson, "The Laplacian pyramid as a compact image code",
    IEEE Trans. Commun. 31(4), 1983; OpenCV's ``pyrDown``/``pyrUp``), ``e0`` is the mean
    energy of the finest band (detail above half the Nyquist frequency, which a 0.5x resample
    removes) and ``e1`` that of the octave below it, each per pixel of the full frame. Natural
    pictures have roughly equal energy per octave (their power spectra fall as 1/f²: Field,
    JOSA A 4(12), 1987), so ``index = e1 / (e0 + e1)``, 0 to 1, sits at or under about 0.5 for
    a picture at its native resolution and rises as the finest octave goes missing. On
    scikit-image's photographs a 0.5x-then-2x bicubic resample moves it from 0.26-0.55 to
    0.55-0.71; a Gaussian blur of sigma 3 to about 0.9 (blur also removes that octave: the
    two metrics are related by construction). A flat picture reads 0. Full resolution: it
    measures the finest octave.
"""

from __future__ import annotations

import cv2
import numpy as np

LUMA_BLACK = 16.0
LUMA_RANGE = 219.0  # 235 - 16: limited-range 8-bit luma
BLUR_FILTER_TAPS = 9  # Crété-Roffet et al. 2007
BLOCK_SIZE = 8  # JPEG, MPEG-2/4 and H.264's 8x8 transform
BLOCK_EPSILON = 1.0  # in luma levels: keeps a flat picture's blockiness at 1


def brightness(luma: np.ndarray) -> float:
    """Mean luma, 0 (black) to 100 (white), from limited-range Y."""
    mean = float(cv2.mean(luma)[0])
    return float(np.clip(100.0 * (mean - LUMA_BLACK) / LUMA_RANGE, 0.0, 100.0))


def contrast(luma: np.ndarray) -> float:
    """RMS contrast: the standard deviation of normalised luma, in percent."""
    _, std = cv2.meanStdDev(luma)
    return float(100.0 * std[0, 0] / LUMA_RANGE)


def colorfulness(bgr: np.ndarray) -> float:
    """Hasler & Süsstrunk's M(3) of an 8-bit BGR picture (0 for grey)."""
    height, width = bgr.shape[:2]
    if height >= 2 and width >= 2:
        bgr = cv2.resize(bgr, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    b, g, r = cv2.split(bgr)
    rg = cv2.subtract(r, g, dtype=cv2.CV_16S)
    # 2·yb = R + G - 2B, exact in 16 bits; halved in the statistics below
    yb2 = cv2.subtract(cv2.add(r, g, dtype=cv2.CV_16S), cv2.add(b, b, dtype=cv2.CV_16S))
    mean_rg, sd_rg = (float(v[0, 0]) for v in cv2.meanStdDev(rg))
    mean_yb2, sd_yb2 = (float(v[0, 0]) for v in cv2.meanStdDev(yb2))
    return float(np.hypot(sd_rg, sd_yb2 / 2.0) + 0.3 * np.hypot(mean_rg, mean_yb2 / 2.0))


def _reblur_share(picture: np.ndarray, reblurred: np.ndarray, axis: int) -> float:
    """The share of neighbour-to-neighbour variation along ``axis`` that re-blurring keeps."""
    if axis == 1:
        sharp = cv2.absdiff(picture[:, 1:], picture[:, :-1])
        soft = cv2.absdiff(reblurred[:, 1:], reblurred[:, :-1])
    else:
        sharp = cv2.absdiff(picture[1:], picture[:-1])
        soft = cv2.absdiff(reblurred[1:], reblurred[:-1])
    total = float(cv2.sumElems(sharp)[0])
    if total <= 0.0:
        return 0.0
    lost = float(cv2.sumElems(cv2.subtract(sharp, soft))[0])  # unsigned: max(0, sharp - soft)
    return (total - lost) / total


def blurriness(luma: np.ndarray, taps: int = BLUR_FILTER_TAPS) -> float:
    """Crété-Roffet et al.'s blur effect: 0 (sharp) to 1 (blurred)."""
    if min(luma.shape[:2]) < 2:
        return 0.0
    # 16-bit fixed point (6 fraction bits) keeps the box filter's averages to 1/64 of a level
    picture = luma.astype(np.uint16) << 6
    shares = (
        _reblur_share(picture, cv2.blur(picture, size, borderType=cv2.BORDER_REFLECT), axis)
        for axis, size in ((1, (taps, 1)), (0, (1, taps)))
    )
    return max(shares)


def _edge_and_inner_means(luma: np.ndarray, origin: int, axis: int) -> tuple[float, float]:
    """Mean |difference| of neighbours across block edges and inside blocks, along an axis."""
    if axis == 1:
        steps = cv2.absdiff(luma[:, 1:], luma[:, :-1])
    else:
        steps = cv2.absdiff(luma[1:], luma[:-1])
    per_gap = cv2.reduce(steps, 1 - axis, cv2.REDUCE_SUM, dtype=cv2.CV_64F).ravel()
    # gap i lies between pixels i and i + 1 of the crop: origin + i and origin + i + 1 in the frame
    on_edge = (origin + np.arange(len(per_gap)) + 1) % BLOCK_SIZE == 0
    edge_gaps, inner_gaps = int(on_edge.sum()), len(per_gap) - int(on_edge.sum())
    if edge_gaps == 0 or inner_gaps == 0:
        return 0.0, 0.0
    lines = luma.shape[1 - axis]
    edge = float(per_gap[on_edge].sum()) / (edge_gaps * lines)
    inner = float(per_gap[~on_edge].sum()) / (inner_gaps * lines)
    return edge, inner


def blockiness(luma: np.ndarray, origin: tuple[int, int] = (0, 0)) -> float:
    """Edge-to-inside ratio of the 8x8 block grid: about 1 without blocks, higher with.

    ``origin`` is the crop's top-left pixel ``(x, y)`` in the full frame, which places the grid.
    """
    edge_x, inner_x = _edge_and_inner_means(luma, origin[0], axis=1)
    edge_y, inner_y = _edge_and_inner_means(luma, origin[1], axis=0)
    edge, inner = (edge_x + edge_y) / 2.0, (inner_x + inner_y) / 2.0
    return (edge + BLOCK_EPSILON) / (inner + BLOCK_EPSILON)


def _finest_band(picture: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean energy of the detail a 2x pyramid step removes, and the half-size picture."""
    half = cv2.pyrDown(picture)
    restored = cv2.pyrUp(half, dstsize=(picture.shape[1], picture.shape[0]))
    return float(cv2.norm(picture, restored, cv2.NORM_L2SQR)) / picture.size, half


def downsampling_index(luma: np.ndarray) -> float:
    """The second-finest octave's share of the two finest octaves' energy (0-1)."""
    if min(luma.shape[:2]) < 8:
        return 0.0
    finest, half = _finest_band(luma.astype(np.float32))
    below, _ = _finest_band(half)  # a band's variance does not depend on the sampling rate
    total = finest + below
    return below / total if total > 0.0 else 0.0
