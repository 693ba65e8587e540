"""Run the service: the API on uvicorn against given servers (``reelgraph api``), or everything
in one command (``reelgraph up``: embedded stack, a ``reelgraph worker`` process and the API)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import uvicorn

from api.access_log import omit_graphql_query_strings
from api.app import create_app
from graph.embedded import processes
from graph.embedded.stack import EmbeddedStack, start_stack
from graph.errors import StackError
from graph.settings import Settings

WORKER_STOP_TIMEOUT_S = 20.0


class _Server(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM after shutdown, which would skip our clean-up of
    the worker and the servers; we handle the signals ourselves instead."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._request_exit)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    def _request_exit(self) -> None:
        if self.should_exit:  # a second Ctrl-C stops waiting for open connections
            self.force_exit = True
        self.should_exit = True


def check_port_free(host: str, port: int) -> None:
    """A one-line StackError when the API port is taken (before anything is started)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StackError(
                    f"port {port} on {host} is already in use; choose another with --port "
                    "or REELGRAPH_PORT"
                ) from None
            raise StackError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def worker_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        REDIS_URL=settings.redis_url or "",
        DATABASE_URL=settings.database_url or "",
        REELGRAPH_DATA_DIR=str(settings.data_dir),
    )
    if settings.media_root is not None:
        env["REELGRAPH_MEDIA_ROOT"] = str(settings.media_root)
    if settings.neo4j_uri:
        env.update(
            NEO4J_URI=settings.neo4j_uri,
            NEO4J_USER=settings.neo4j_user,
            NEO4J_PASSWORD=settings.neo4j_password,
        )
    return env


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """``reelgraph worker`` as a child process that dies with us."""
    return processes.spawn(
        [sys.executable, "-m", "api.cli", "worker"],
        component="worker",
        log_path=settings.data_dir / "logs" / "worker.log",
        cwd=Path(__file__).resolve().parent.parent,
        env=worker_env(settings),
    )


def api_server(settings: Settings) -> uvicorn.Server:
    """uvicorn serving the app on ``settings``' host and port; stops on SIGINT/SIGTERM."""
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        lifespan="on",
        # the protocol's own per-message limit; the view refuses larger ones too
        ws_max_size=settings.graphql_max_body_bytes,
    )
    omit_graphql_query_strings()  # after uvicorn.Config has configured logging
    return _Server(config)


async def serve_api(settings: Settings) -> None:
    """Serve the API alone, on the servers the settings name, until Ctrl-C/SIGTERM."""
    check_port_free(settings.host, settings.port)
    try:
        await api_server(settings).serve()
    except SystemExit as exc:  # uvicorn exits this way when the app fails to start
        raise StackError("the API failed to start; see the messages above") from exc


async def serve(
    settings: Settings, after_start: Callable[[Settings], Awaitable[bool]] | None = None
) -> None:
    """Start everything, serve until Ctrl-C/SIGTERM (or ``after_start`` returns True), stop all."""
    check_port_free(settings.host, settings.port)
    stack: EmbeddedStack = await asyncio.to_thread(start_stack, settings)
    worker: subprocess.Popen[bytes] | None = None
    try:
        settings = stack.settings
        worker = start_worker(settings)
        server = api_server(settings)
        serving = asyncio.create_task(server.serve())
        if after_start is not None:
            while not server.started:
                if serving.done():
                    break
                await asyncio.sleep(0.05)
            if server.started and await after_start(settings):
                server.should_exit = True
        try:
            await serving
        except SystemExit as exc:  # uvicorn exits this way when the app fails to start
            raise StackError("the API failed to start; see the messages above") from exc
    finally:
        if worker is not None:
            processes.stop(worker, signal.SIGTERM, WORKER_STOP_TIMEOUT_S)
        await asyncio.to_thread(stack.stop)
