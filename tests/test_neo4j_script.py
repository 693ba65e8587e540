"""`scripts/neo4j.sh`: a cached fetch downloads nothing; a missing Java is one clear line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from graph.embedded.neo4j_server import NEO4J_VERSION, default_lib_dir

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "neo4j.sh"
# what the script needs besides java and mvn
TOOLS = ("bash", "dirname", "id", "mkdir", "mktemp", "sed", "head", "ls", "rm", "mv", "touch")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=600
    )


def test_fetch_is_idempotent_and_lib_names_the_cache() -> None:
    first = run("fetch", env=dict(os.environ))  # `make test` fetched already; if not, now
    assert first.returncode == 0, first.stderr
    again = run("lib", env=dict(os.environ))
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # nothing fetched, nothing said
    lib = Path(again.stdout.strip())
    assert lib == default_lib_dir() and lib.parent.name == NEO4J_VERSION
    assert any(lib.glob("neo4j-server-*.jar")) and (lib / ".complete").is_file()


def test_missing_java_is_one_clear_line(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path),
        "REELGRAPH_NEO4J_CACHE": str(tmp_path / "cache"),
        "REELGRAPH_NO_APT": "1",
    }
    result = subprocess.run(
        [str(bin_dir / "bash"), str(SCRIPT), "fetch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "neo4j: java is missing; install Java 17 (Debian: apt-get install openjdk-17-jre-headless)"
    ]
    assert not (tmp_path / "cache" / NEO4J_VERSION / "lib").exists()
