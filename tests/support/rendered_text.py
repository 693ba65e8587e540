"""Text rendered with Pillow for the OCR tests: known words, fonts, sizes and colours.

Latin fonts come from matplotlib's wheel (DejaVu, always installed with the dev extras);
Japanese from Debian's fonts-noto-cjk (scripts/setup.sh installs it for the tests).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

_MPL_FONTS = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
SANS = str(_MPL_FONTS / "DejaVuSans.ttf")
SERIF = str(_MPL_FONTS / "DejaVuSerif.ttf")
MONO = str(_MPL_FONTS / "DejaVuSansMono-Bold.ttf")
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def text_image(
    text: str,
    *,
    font: str = SANS,
    size: int = 28,
    fg: tuple[int, int, int] = (0, 0, 0),
    bg: tuple[int, int, int] = (255, 255, 255),
    width: int | None = None,
    height: int | None = None,
    margin: int = 12,
) -> np.ndarray:
    """BGR picture of one line of ``text`` with a margin (sized to fit unless given)."""
    face = ImageFont.truetype(font, size)
    left, top, right, bottom = face.getbbox(text)
    w = width or int(right - left) + 2 * margin
    h = height or int(bottom - top) + 2 * margin
    image = Image.new("RGB", (w, h), bg[::-1])
    ImageDraw.Draw(image).text((margin - left, (h - (bottom - top)) // 2 - top), text, font=face,
                               fill=fg[::-1])  # fmt: skip
    return np.asarray(image)[:, :, ::-1].copy()


def place(frame: np.ndarray, picture: np.ndarray, x: int, y: int) -> None:
    """Paste ``picture`` into ``frame`` with its top-left corner at ``(x, y)``."""
    frame[y : y + picture.shape[0], x : x + picture.shape[1]] = picture
