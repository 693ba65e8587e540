"""The compose file's shape without Docker: Debian's PostgreSQL and Redis, Neo4j, and
``reelgraph api`` / ``reelgraph worker`` processes configured only through the environment."""

from __future__ import annotations

import glob
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import redis

from graph.embedded import processes
from graph.embedded.neo4j_server import Neo4jServer
from graph.embedded.postgres_server import child_env, hand_over, is_ready, service_user
from tests.support.cli import free_port

ROOT = Path(__file__).resolve().parents[2]
# What the processes may inherit: nothing that names a server or a reelgraph setting.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME", "VIRTUAL_ENV")
# a worker logs `<secs>s ← <job_id>:<function> ●` when a job completes (arq's own format)
_DONE = re.compile(r"← (\S+):(\w+) ●")
_STARTED = re.compile(r"→ (\S+):(\w+)\(")


def postgres_bin() -> Path:
    """Debian's newest PostgreSQL server binaries (``apt-get install postgresql``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=_major)
    assert found, "Debian's postgresql is not installed: run scripts/setup.sh"
    return Path(found[-1]).parent


def _major(path: str) -> int:
    return int(Path(path).parent.parent.name)


def wait_until(check: Callable[[], bool], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"{what} within {timeout_s:g} s"
        time.sleep(0.1)


@dataclass
class Postgres:
    """Debian's PostgreSQL on 127.0.0.1 with a password (scram), as the unprivileged service
    user the embedded server uses (PostgreSQL refuses root); no unix socket."""

    root: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    user: str = "reelgraph"
    proc: subprocess.Popen[bytes] | None = None

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/reelgraph"

    def create(self) -> None:
        """initdb (the superuser gets the password), start, and create the database."""
        account = service_user()
        processes.make_dir(self.pgdata, "PostgreSQL")
        password_file = self.root / "pgdata.pw"
        password_file.write_text(self.password + "\n")
        if account is not None:
            hand_over(self.pgdata, account, self.root)
            os.chown(password_file, account.pw_uid, account.pw_gid)
        argv: list[str | Path] = [postgres_bin() / "initdb", "-D", self.pgdata, "-U", self.user]
        argv += [f"--pwfile={password_file}", "--auth-local=trust", "--auth-host=scram-sha-256"]
        argv += ["--encoding=UTF8", "--locale=C", "--no-instructions"]
        initdb = processes.spawn(
            argv,
            component="initdb",
            log_path=self.root / "postgres.log",
            user=account.pw_name if account else None,
            group=account.pw_gid if account else None,
            cwd=self.pgdata,
            env=child_env(),
        )
        assert initdb.wait(120) == 0, (self.root / "postgres.log").read_text()
        password_file.unlink()
        self.start()
        self._create_database()

    def start(self) -> None:
        account = service_user()
        argv: list[str | Path] = [postgres_bin() / "postgres", "-D", self.pgdata]
        argv += ["-p", str(self.port)]
        argv += ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]
        self.proc = processes.spawn(
            argv,
            component="PostgreSQL",
            log_path=self.root / "postgres.log",
            death_signal=signal.SIGINT,
            user=account.pw_name if account else None,
            group=account.pw_gid if account else None,
            cwd=self.pgdata,
            env=child_env(),
        )
        proc = self.proc
        processes.wait_ready(
            proc,
            lambda: is_ready(self.pgdata, proc.pid),
            component="PostgreSQL",
            log_path=self.root / "postgres.log",
            timeout=60,
        )

    def stop(self) -> None:
        """Fast shutdown, as ``docker stop`` does for the postgres image."""
        if self.proc is not None:
            processes.stop(self.proc, signal.SIGINT, 30)
            self.proc = None

    def _create_database(self) -> None:
        import asyncio

        async def create() -> None:
            conn = await asyncpg.connect(
                host="127.0.0.1",
                port=self.port,
                user=self.user,
                password=self.password,
                database="postgres",
            )
            try:
                await conn.execute("CREATE DATABASE reelgraph")
            finally:
                await conn.close()

        asyncio.run(create())


@dataclass
class Redis:
    """Debian's redis-server on 127.0.0.1 with an append-only file, as compose runs it."""

    root: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = "/usr/bin/redis-server"
        assert os.access(binary, os.X_OK), "Debian's redis-server is missing: run scripts/setup.sh"
        data = processes.make_dir(self.root / "redis", "Redis")
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(data)]
        argv += ["--appendonly", "yes", "--save", "", "--daemonize", "no", "--protected-mode", "no"]
        self.proc = processes.spawn(
            argv, component="Redis", log_path=self.root / "redis.log", cwd=data
        )
        processes.wait_ready(
            self.proc, self.answers, component="Redis", log_path=self.root / "redis.log", timeout=30
        )

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def answers(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SIGTERM: Redis writes its append-only file and exits, as on ``docker stop``."""
        if self.proc is not None:
            processes.stop(self.proc, signal.SIGTERM, 30)
            self.proc = None


@dataclass
class Reelgraph:
    """One ``reelgraph api`` or ``reelgraph worker`` process with its own log."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Reelgraph:
        self.proc = processes.spawn(
            [sys.executable, "-m", "api.cli", *self.argv],
            component=self.name,
            log_path=self.log_path,
            cwd=ROOT,
            env=self.env,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def completed(self) -> list[tuple[str, str]]:
        """(job id, function) of every job this process completed, in order."""
        return _DONE.findall(self.log())

    def started(self) -> list[tuple[str, str]]:
        return _STARTED.findall(self.log())

    def kill(self) -> None:
        """SIGKILL the process and its process pool (a container killed, or OOM)."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)


@dataclass
class Shape:
    """Every server and process of the production shape, started in compose's order."""

    root: Path
    settings_env: dict[str, str]
    postgres: Postgres = field(init=False)
    redis: Redis = field(init=False)
    neo4j: Neo4jServer | None = None
    api: Reelgraph | None = None
    workers: list[Reelgraph] = field(default_factory=list)
    api_port: int = field(default_factory=free_port)
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    def __post_init__(self) -> None:
        self.postgres = Postgres(self.root)
        self.redis = Redis(self.root)

    @property
    def media_root(self) -> Path:
        return self.root / "media"  # compose's shared volume

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def env(self, data_dir: str) -> dict[str, str]:
        """The environment of a reelgraph process: the server URLs and nothing else inherited."""
        assert self.neo4j is not None
        env = {k: v for k, v in os.environ.items() if k in _INHERITED}
        env.update(
            NEO4J_URI=self.neo4j.uri,
            NEO4J_USER=self.neo4j.user,
            NEO4J_PASSWORD=self.neo4j.password,
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            REELGRAPH_ENV="production",
            REELGRAPH_JWT_SECRET=self.jwt_secret,
            REELGRAPH_MEDIA_ROOT=str(self.media_root),
            REELGRAPH_DATA_DIR=str(self.root / data_dir),
            PYTHONUNBUFFERED="1",
            **self.settings_env,
        )
        return env

    def start(self, workers: int = 2) -> None:
        processes.make_dir(self.media_root, "media")
        self.redis.start()
        self.postgres.create()
        self.neo4j = Neo4jServer.start(self.root / "neo4j")
        self.api = Reelgraph(
            "api",
            ["api", "--port", str(self.api_port)],
            self.env("api"),
            self.root / "api.log",
        ).start()
        self.wait_healthy(require_worker=False)
        for _ in range(workers):
            self.add_worker()
        self.wait_healthy()

    def add_worker(self) -> Reelgraph:
        number = len(self.workers) + 1
        worker = Reelgraph(
            f"worker-{number}",
            ["worker"],
            self.env(f"worker-{number}"),
            self.root / f"worker-{number}.log",
        ).start()
        self.workers.append(worker)
        return worker

    def running(self, job_prefix: str) -> Reelgraph | None:
        """The live worker that started a job whose id starts with ``job_prefix`` and has not
        completed it."""
        for worker in self.workers:
            done = {job_id for job_id, _ in worker.completed()}
            started = {job_id for job_id, _ in worker.started() if job_id.startswith(job_prefix)}
            if worker.alive and started - done:
                return worker
        return None

    def completions(self, job_prefix: str) -> list[tuple[str, str]]:
        """(worker, job id) of every completion of a job whose id starts with ``job_prefix``."""
        return [
            (worker.name, job_id)
            for worker in self.workers
            for job_id, _ in worker.completed()
            if job_id.startswith(job_prefix)
        ]

    def create_api_key(self, org: str) -> str:
        """A key made the operator's way: ``reelgraph apikey create`` against the servers."""
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", "apikey", "create", "--org", org],
            cwd=ROOT,
            env=self.env("cli"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.api_url}/healthz", timeout=10)

    def wait_healthy(self, *, require_worker: bool = True, timeout_s: float = 90) -> None:
        def healthy() -> bool:
            assert self.api is not None and self.api.alive, self.api.log() if self.api else ""
            try:
                components = self.health().json()["components"]
            except (httpx.HTTPError, ValueError, KeyError):
                return False
            return all(ok for name, ok in components.items() if require_worker or name != "worker")

        wait_until(healthy, "the API reports its components healthy", timeout_s)

    def restart_neo4j(self, down: Callable[[], None]) -> None:
        """Stop Neo4j, call ``down`` during the outage, start it again on the same port."""
        assert self.neo4j is not None
        port = self.neo4j.port
        self.neo4j.stop()
        try:
            down()
        finally:
            self.neo4j = Neo4jServer.start(self.root / "neo4j", port=port)

    def stop(self) -> None:
        for process in [*self.workers, *([self.api] if self.api else [])]:
            process.stop()
        if self.neo4j is not None:
            self.neo4j.stop()
        self.postgres.stop()
        self.redis.stop()

    def logs(self) -> str:
        """Every process's log, for assertion messages."""
        parts = [self.api, *self.workers]
        return "\n".join(f"===== {p.name}\n{p.log()[-6000:]}" for p in parts if p is not None)
