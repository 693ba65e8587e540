"""Child-process helpers shared by the embedded servers: spawn, wait for ready, stop."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graph.errors import StackError
from graph.file_modes import PRIVATE_UMASK, make_private_dir, open_log

# sun_path is 108 bytes on Linux (104 on macOS); stay well under either.
MAX_SOCKET_PATH_BYTES = 100
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/._+@~-]+")
_PR_SET_PDEATHSIG = 1
_spawner: tuple[int, ThreadPoolExecutor] | None = None
_spawner_lock = threading.Lock()
_prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only


def _die_with_parent(death_signal: int, parent_pid: int) -> Callable[[], None]:
    def preexec() -> None:
        # Runs in the child after setuid (CPython order), which would otherwise clear the setting.
        if _prctl is not None:
            _prctl(_PR_SET_PDEATHSIG, int(death_signal), 0, 0, 0)
        if os.getppid() != parent_pid:  # parent died before prctl took effect
            os._exit(1)

    return preexec


def _spawner_executor() -> ThreadPoolExecutor:
    global _spawner
    with _spawner_lock:
        if _spawner is None or _spawner[0] != os.getpid():  # a forked child has no thread
            _spawner = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="rg-spawner"))
        return _spawner[1]


def spawn(
    argv: Sequence[str | Path],
    *,
    component: str,
    log_path: Path,
    death_signal: int = signal.SIGTERM,
    user: str | None = None,
    group: int | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` with output appended to ``log_path``; it gets ``death_signal`` if we die."""
    try:
        log = open_log(log_path)
    except OSError as exc:
        raise StackError(f"{component}: cannot write log file {log_path}: {exc.strerror}") from exc

    def popen() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(a) for a in argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            user=user,
            group=group,
            extra_groups=[] if user is not None else None,
            # own session: a Ctrl-C in the terminal reaches us, and we stop the servers in order
            start_new_session=True,
            # the servers' data and logs (FalkorDB's AOF, the worker's media) are private
            umask=PRIVATE_UMASK,
            preexec_fn=_die_with_parent(death_signal, os.getpid()),
        )

    try:
        # PDEATHSIG fires when the *thread* that forked exits, not the process: fork from a
        # thread that lives until interpreter shutdown, so start() is safe from to_thread().
        return _spawner_executor().submit(popen).result()
    except (OSError, subprocess.SubprocessError) as exc:
        raise StackError(
            f"{component}: could not run {argv[0]}: {getattr(exc, 'strerror', None) or exc}"
        ) from exc
    finally:
        log.close()


def wait_ready(
    proc: subprocess.Popen[bytes],
    is_ready: Callable[[], bool],
    *,
    component: str,
    log_path: Path,
    timeout: float,
    interval: float = 0.05,
) -> None:
    """Poll ``is_ready`` until True; StackError if the child exits or time is up (caller stops)."""
    deadline = time.monotonic() + timeout
    while True:
        code = proc.poll()
        if code is not None:
            raise StackError(f"{component} exited with code {code} during startup; see {log_path}")
        if is_ready():
            return
        if time.monotonic() >= deadline:
            raise StackError(f"{component} did not start within {timeout:g} s; see {log_path}")
        time.sleep(interval)


def stop(proc: subprocess.Popen[bytes], sig: int, timeout: float) -> int:
    """Send ``sig``, wait up to ``timeout`` seconds, then SIGKILL; returns the exit code."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
    return proc.wait()


def short_socket_dir(preferred: Path, name: str = ".s.PGSQL.5432") -> Path:
    """``preferred`` if ``preferred/name`` fits in a unix socket path, else a fresh temp dir."""
    path = str(preferred.absolute() / name)
    # the path also ends up in URLs/DSNs and postgres' comma-separated -k list: keep it plain
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH_BYTES and _PLAIN_PATH.fullmatch(path):
        return preferred
    return Path(tempfile.mkdtemp(prefix="rg-"))


def socket_in_use(path: Path) -> bool:
    """Whether something accepts connections on the unix socket at ``path``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(path))
        except OSError:
            return False
        return True


def lock_dir(directory: Path, component: str) -> int:
    """Take an exclusive flock on ``directory/.lock``; StackError if another process holds it."""
    path = directory / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StackError(f"{component}: cannot write {path}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise StackError(
            f"{component}: data directory {directory} is in use by another process"
        ) from exc
    return fd


def make_dir(path: Path, component: str) -> Path:
    """``mkdir -p`` (new directories 0700) that reports failures as a one-line StackError."""
    try:
        make_private_dir(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StackError(f"{component}: cannot create directory {path}: {reason}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise StackError(f"{component}: directory {path} is not writable")
    return path
