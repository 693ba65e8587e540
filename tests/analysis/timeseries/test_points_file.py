"""CSV points files for large imports: header, blank lines, limits, and what is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.timeseries.points_file import PointsFileError, read_points_csv


def _file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "points.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize("header", ["", "t,value\n", "t_ms,value\n"])
def test_points_with_or_without_a_header(tmp_path: Path, header: str) -> None:
    t, v = read_points_csv(_file(tmp_path, header + "0,1\n10,2.5\n\n20,-3e2\n"), 10)
    assert t.tolist() == [0, 10, 20] and v.tolist() == [1, 2.5, -300]


def test_a_million_points(tmp_path: Path) -> None:
    n = 1_000_000
    lines = "\n".join(f"{i * 10},{i % 7}" for i in range(n))
    t, v = read_points_csv(_file(tmp_path, lines), n)
    assert len(t) == n and t[-1] == (n - 1) * 10 and np.array_equal(v[:7], np.arange(7))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no points"),
        ("t,value\n", "no points"),
        ("0,1\n10,x\n", "not CSV"),
        ("0,1,2\n", "3 columns"),
        ("0\n1\n", "1 columns"),
        (b"\xff\xfe\x00garbage", "not CSV"),
        ("0,1\n1,1\n2,1\n", "more than 2"),
    ],
)
def test_bad_files_say_why(tmp_path: Path, text: str | bytes, words: str) -> None:
    with pytest.raises(PointsFileError, match=words):
        read_points_csv(_file(tmp_path, text), 2)
