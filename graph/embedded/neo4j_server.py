"""An embedded Neo4j 5: the server Neo4j publishes, run from its jars (``scripts/neo4j.sh fetch``).

Its files live in ``DATA_DIR/neo4j`` (``conf/``, ``data/``, ``logs/``, and ``password``, 0600,
generated on the first start); the jars stay in the shared cache. Bolt listens on 127.0.0.1 only,
authentication is on, HTTP is off. The boot class spawns the server JVM and stops it on SIGTERM,
exactly as ``bin/neo4j console`` does.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from graph.embedded import processes
from graph.errors import StackError
from graph.file_modes import write_private_text

COMPONENT = "Neo4j"
USER = "neo4j"
NEO4J_VERSION = "5.26.30"
BOOT_CLASS = "org.neo4j.server.startup.Neo4jBoot"
ADMIN_BOOT_CLASS = "org.neo4j.server.startup.Neo4jAdminBoot"
FETCH_HINT = "run `scripts/neo4j.sh fetch` (or `WITH_NEO4J=1 make install`)"


def default_lib_dir() -> Path:
    """Where ``scripts/neo4j.sh fetch`` puts the jars (same rule as the script)."""
    cache = os.environ.get("REELGRAPH_NEO4J_CACHE")
    if not cache:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        cache = str(Path(base) / "reelgraph" / "neo4j")
    return Path(cache) / NEO4J_VERSION / "lib"


def check_lib_dir(lib_dir: Path) -> Path:
    if not (lib_dir / ".complete").is_file():
        raise StackError(f"{COMPONENT} {NEO4J_VERSION} jars are not in {lib_dir}: {FETCH_HINT}")
    return lib_dir


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise StackError(
            f"{COMPONENT} needs Java 17 or 21 (Debian: apt-get install openjdk-17-jre-headless)"
        )
    return java


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def neo4j_conf(port: int, lib_dir: Path, *, heap_mb: int = 512, pagecache_mb: int = 128) -> str:
    """The server's configuration: strict validation is on, so no unknown keys, no comments."""
    lines = [
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "server.default_listen_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        f"server.directories.lib={lib_dir}",
        f"server.memory.heap.initial_size={heap_mb}m",
        f"server.memory.heap.max_size={heap_mb}m",
        f"server.memory.pagecache.size={pagecache_mb}m",
        # a stop otherwise waits ~10 s for Bolt's worker threads (measured: 10.4 s -> 0.3 s)
        "internal.server.bolt.thread_pool_shutdown_wait_time=0s",
        "server.jvm.additional=-XX:+UseG1GC",
        "server.jvm.additional=--add-opens=java.base/java.nio=ALL-UNNAMED",
        "server.jvm.additional=--add-opens=java.base/java.io=ALL-UNNAMED",
        "server.jvm.additional=--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "server.jvm.additional=-Dio.netty.tryReflectionSetAccessible=true",
    ]
    return "\n".join(lines) + "\n"


def _answers_bolt(uri: str, password: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    try:
        with GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=2.0) as driver:
            driver.verify_connectivity()
    except (ServiceUnavailable, Neo4jError, OSError):
        return False
    return True


class Neo4jServer:
    """A running Neo4j under ``home``; build it with :meth:`start`."""

    def __init__(
        self, proc: subprocess.Popen[bytes], port: int, password: str, log_path: Path, lock_fd: int
    ) -> None:
        self.proc = proc
        self.port = port
        self.password = password
        self.log_path = log_path
        self._lock_fd: int | None = lock_fd

    @classmethod
    def start(
        cls,
        home: Path,
        *,
        lib_dir: Path | None = None,
        port: int | None = None,
        timeout: float = 120.0,
    ) -> Neo4jServer:
        """Start (or restart on existing data) a server keeping its files in ``home``."""
        lib_dir = check_lib_dir(lib_dir or default_lib_dir())
        java = _java()
        home = processes.make_dir(home.absolute(), COMPONENT)
        conf_dir = processes.make_dir(home / "conf", COMPONENT)
        log_path = home / "logs" / "console.log"
        lock_fd = processes.lock_dir(home, COMPONENT)
        proc: subprocess.Popen[bytes] | None = None
        try:
            port = port or free_port()
            (conf_dir / "neo4j.conf").write_text(neo4j_conf(port, lib_dir))
            env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf_dir)}
            env.pop("NEO4J_AUTH", None)
            password = _ensure_password(home, java, lib_dir, env, log_path)
            argv = [java, "-cp", f"{lib_dir}/*", f"-Dbasedir={home}", BOOT_CLASS, "console"]
            proc = processes.spawn(argv, component=COMPONENT, log_path=log_path, cwd=home, env=env)
            uri = f"bolt://127.0.0.1:{port}"
            processes.wait_ready(
                proc,
                lambda: _answers_bolt(uri, password),
                component=COMPONENT,
                log_path=log_path,
                timeout=timeout,
                interval=0.25,
            )
        except BaseException:
            if proc is not None:
                processes.stop(proc, signal.SIGTERM, 30.0)
            os.close(lock_fd)
            raise
        return cls(proc, port, password, log_path, lock_fd)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def user(self) -> str:
        return USER

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM (the boot process stops the server JVM cleanly), SIGKILL after ``timeout``."""
        processes.stop(self.proc, signal.SIGTERM, timeout)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Neo4jServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def new_password() -> str:
    """A generated password: hex, because neo4j-admin reads an argument starting with ``-`` as an
    option (a URL-safe token does one time in 64, and set-initial-password then fails)."""
    return secrets.token_hex(24)


def _ensure_password(
    home: Path, java: str, lib_dir: Path, env: dict[str, str], log_path: Path
) -> str:
    """The password in ``home/password``; generated and set before the very first start."""
    path = home / "password"
    if path.is_file():
        return path.read_text().strip()
    if (home / "data" / "databases").exists():
        raise StackError(f"{COMPONENT}: {home} has data but no password file; remove the data")
    password = new_password()
    argv = [java, "-cp", f"{lib_dir}/*", ADMIN_BOOT_CLASS, "dbms", "set-initial-password"]
    proc = processes.spawn([*argv, password], component=COMPONENT, log_path=log_path, env=env)
    if proc.wait(120) != 0:
        raise StackError(f"{COMPONENT}: could not set the initial password; see {log_path}")
    write_private_text(path, password + "\n")
    return password


def main(argv: list[str] | None = None) -> int:
    """``scripts/neo4j.sh start``: a server in the foreground until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="neo4j.sh start")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--port", type=int, default=7687)
    parser.add_argument("--lib", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        server = Neo4jServer.start(args.home, lib_dir=args.lib, port=args.port)
    except StackError as exc:
        print(f"neo4j: {exc}", file=sys.stderr)
        return 1
    print(f"neo4j: ready at {server.uri} (user {USER}, password in {args.home}/password)")
    # wait for SIGTERM/SIGINT (blocked here, taken synchronously) or the server's own exit
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    while server.proc.poll() is None:
        if signal.sigtimedwait([signal.SIGTERM, signal.SIGINT], 1.0) is not None:
            break
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
