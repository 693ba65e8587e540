"""Where tests keep data the embedded servers must reach (under the repo, not pytest's tmp)."""

from __future__ import annotations

from pathlib import Path

# pytest keeps its tmp root 0700, and the embedded PostgreSQL runs as an unprivileged user
TEST_DATA_ROOT = Path(__file__).resolve().parents[2] / ".reelgraph-test"
