"""Median throughput of ``api.rest.file_response`` over real uvicorn vs ``cat FILE > /dev/null``.

Usage: ``python benchmarks/bench_range_streaming.py [--size-mb 200] [--chunks-kib 64,256]``.
Point it at an already running server (e.g. the real video route) with ``--url URL --file PATH``
where PATH is the file that URL serves (used for the ``cat`` baseline and the length check).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

MIB = 1024 * 1024


def serve(path: Path, port: int, chunk_size: int) -> None:
    """Child-process mode: serve ``path`` at ``/file`` with the responder under uvicorn."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from api.rest.file_response import file_response

    async def endpoint(request: Request) -> Response:
        return await file_response(request, path, "video/mp4", chunk_size=chunk_size)

    app = Starlette(routes=[Route("/file", endpoint)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none")


def free_port() -> int:
    """Ask the kernel for an unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def median_of(repeat: int, run: Callable[[], int], size: int) -> float:
    """Median MB/s (10**6 bytes) of ``repeat`` runs of ``run``, which returns bytes received."""
    speeds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        got = run()
        elapsed = time.perf_counter() - t0
        assert got == size, f"received {got} bytes, expected {size}"
        speeds.append(size / elapsed / 1e6)
    return statistics.median(speeds)


def sendfile_server(path: Path) -> str:
    """Reference ceiling: a bare ``socket.sendfile`` HTTP/1.0 server in a daemon thread."""
    listener = socket.create_server(("127.0.0.1", 0))
    head = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % path.stat().st_size

    def loop() -> None:
        while True:
            conn, _ = listener.accept()
            with conn, path.open("rb") as f:
                conn.recv(65536)
                conn.sendall(head)
                conn.sendfile(f)

    threading.Thread(target=loop, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/"


def cat_run(path: Path) -> Callable[[], int]:
    """Baseline: ``cat FILE > /dev/null`` from the page cache."""

    def run() -> int:
        subprocess.run(f"cat '{path}' > /dev/null", shell=True, check=True)
        return path.stat().st_size

    return run


# Sent with every request: `--api-key` sets X-API-Key for the real, authenticated route.
AUTH_HEADERS: dict[str, str] = {}


def httpx_run(url: str, headers: dict[str, str] | None = None) -> Callable[[], int]:
    """Full streaming download with httpx, discarding the bytes."""

    def run() -> int:
        got = 0
        with httpx.Client(trust_env=False, timeout=120, headers=AUTH_HEADERS) as client:
            with client.stream("GET", url, headers=headers) as r:
                r.raise_for_status()
                for chunk in r.iter_raw(MIB):
                    got += len(chunk)
        return got

    return run


def curl_run(url: str) -> Callable[[], int]:
    """Full download with ``curl -s -o /dev/null``."""

    def run() -> int:
        auth = [arg for k, v in AUTH_HEADERS.items() for arg in ("-H", f"{k}: {v}")]
        out = subprocess.run(
            ["curl", "-sf", *auth, "-o", "/dev/null", "-w", "%{size_download}", url],
            check=True,
            capture_output=True,
            text=True,
        )
        return int(out.stdout)

    return run


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(url: str, path: Path, repeat: int, cat: float) -> dict[str, float]:
    """Run every client against ``url`` and print one line of MB/s and ratios to ``cat``."""
    size = path.stat().st_size
    res = {"httpx": median_of(repeat, httpx_run(url), size)}
    res["httpx 206"] = median_of(repeat, httpx_run(url, {"range": "bytes=1-"}), size - 1)
    if shutil.which("curl"):
        res["curl"] = median_of(repeat, curl_run(url), size)
    print("  ".join(f"{k}: {v:7.0f} MB/s (x{v / cat:.2f})" for k, v in res.items()), flush=True)
    return res


def main() -> None:
    """Create the file, start a server per chunk size, download, print MB/s vs ``cat``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--chunks-kib", default="64,128,256,512,1024")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--url", help="benchmark an already running server instead")
    ap.add_argument("--file", type=Path, help="with --url: the file the URL serves")
    ap.add_argument("--api-key", help="with --url: sent as X-API-Key")
    ap.add_argument("--serve", nargs=3, metavar=("PATH", "PORT", "CHUNK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.api_key:
        AUTH_HEADERS["X-API-Key"] = args.api_key
    if args.serve:
        return serve(Path(args.serve[0]), int(args.serve[1]), int(args.serve[2]))
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench.bin"
        if not args.file:
            with path.open("wb") as f:
                for _ in range(args.size_mb):
                    f.write(os.urandom(MIB))
        cat = median_of(args.repeat + 1, cat_run(path), path.stat().st_size)
        print(f"file {path.stat().st_size / MIB:.0f} MiB   cat > /dev/null: {cat:.0f} MB/s")
        if shutil.which("curl"):
            ref = median_of(args.repeat, curl_run(sendfile_server(path)), path.stat().st_size)
            print(f"ceiling: bare sendfile server + curl: {ref:.0f} MB/s (x{ref / cat:.2f})")
        if args.url:
            measure(args.url, path, args.repeat, cat)
            return
        results: dict[int, float] = {}
        for kib in (int(k) for k in args.chunks_kib.split(",")):
            port = free_port()
            cmd = [sys.executable, __file__, "--serve", str(path), str(port), str(kib * 1024)]
            proc = subprocess.Popen(cmd)
            try:
                for _ in range(200):
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        time.sleep(0.05)
                rss0 = peak_rss_mib(proc.pid)
                print(f"chunk {kib:5d} KiB  ", end="")
                res = measure(f"http://127.0.0.1:{port}/file", path, args.repeat, cat)
                print(f"{'':18}server peak RSS {rss0:.0f} -> {peak_rss_mib(proc.pid):.0f} MiB")
                results[kib] = res.get("curl", res["httpx"])
            finally:
                proc.terminate()
                proc.wait(10)
        best = max(results, key=results.__getitem__)
        print(
            f"fastest chunk size: {best} KiB ({results[best]:.0f} MB/s, x{results[best] / cat:.2f})"
        )


if __name__ == "__main__":
    main()
