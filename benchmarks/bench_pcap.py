"""Benchmark: PCAP stats of a ~100 MB capture, wall time and peak memory (streamed, not loaded).

Writes a capture of `--mb` MB (Ethernet frames of 60-1514 bytes between 8 hosts, TCP and UDP
both ways) to `.reelgraph-bench/<random>` (removed at the end), then in a fresh child process
each (so peak memory is the process's own):
  check     the structural walk ``attachPcap`` runs (every record, truncation detection);
  summary   the job's pool call: every packet decoded and summed up (pairs, directions,
            protocols, inter-packet histograms, per-second traffic);
and the peak resident memory of each child beside the same interpreter with the same imports
that reads nothing (the baseline).
Run: `.venv/bin/python benchmarks/bench_pcap.py [--mb 100] [--format pcap|pcapng]`.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dpkt
from bench_support import remove, table

ROOT = Path(__file__).resolve().parent.parent
HOSTS = [f"10.0.0.{i}" for i in range(1, 5)] + [f"93.184.216.{i}" for i in range(1, 5)]
CHILD = """
import json, resource, sys, time
from pathlib import Path
from analysis.pcap.reader import check_capture
from analysis.pcap.summary import summarise_capture
mode, path = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
if mode == "check":
    packets = check_capture(path)
elif mode == "summary":
    packets = summarise_capture(path).packets
else:
    packets = 0
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "packets": packets,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def frames() -> list[bytes]:
    """A few hundred distinct frames to cycle through."""
    out = []
    for i in range(256):
        src, dst = HOSTS[i % 4], HOSTS[4 + (i // 4) % 4]
        if i % 2:
            src, dst = dst, src
        size = 60 + (i * 97) % 1455
        if i % 3:
            l4: dpkt.Packet = dpkt.tcp.TCP(
                sport=40000 + i, dport=443, data=bytes(max(0, size - 54))
            )
            proto = dpkt.ip.IP_PROTO_TCP
        else:
            l4 = dpkt.udp.UDP(sport=50000 + i, dport=53, data=bytes(max(0, size - 42)))
            l4.ulen = len(bytes(l4))
            proto = dpkt.ip.IP_PROTO_UDP
        ip = dpkt.ip.IP(src=socket.inet_aton(src), dst=socket.inet_aton(dst), p=proto, data=l4)
        ip.len = len(bytes(ip))
        eth = dpkt.ethernet.Ethernet(src=b"\x02" * 6, dst=b"\x04" * 6, data=ip)
        out.append(bytes(eth))
    return out


def write(path: Path, megabytes: int, pcapng: bool) -> int:
    templates = frames()
    target, written, count, ts = megabytes * 1024 * 1024, 0, 0, 1_700_000_000.0
    with path.open("wb") as f:
        writer = dpkt.pcapng.Writer(f) if pcapng else dpkt.pcap.Writer(f)
        while written < target:
            frame = templates[count % len(templates)]
            ts += 0.0005 + (count % 7) * 0.001
            writer.writepkt(frame, ts=ts)
            written += len(frame) + 16
            count += 1
    return count


def child(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(args: argparse.Namespace) -> None:
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    data_dir.mkdir(parents=True)
    try:
        path = data_dir / f"capture.{args.format}"
        t0 = time.perf_counter()
        count = write(path, args.mb, args.format == "pcapng")
        size_mib = path.stat().st_size / 1024 / 1024
        print(f"{args.format}: {size_mib:.0f} MiB, {count} packets "
              f"(written in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
        base = child("baseline", path)
        rows = []
        for mode in ("check", "summary"):
            got = child(mode, path)
            rows.append(
                {
                    "step": mode,
                    "wall s": f"{got['wall']:.1f}",
                    "MiB/s": f"{size_mib / got['wall']:.0f}",
                    "packets": str(int(got["packets"])),
                    "peak RSS MiB": f"{got['rss_mib']:.0f}",
                    "over baseline MiB": f"{got['rss_mib'] - base['rss_mib']:.0f}",
                }
            )
        table(rows)
        print(f"baseline (same imports, reads nothing): {base['rss_mib']:.0f} MiB")
    finally:
        remove(data_dir)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--format", choices=("pcap", "pcapng"), default="pcap")
    main(parser.parse_args())
