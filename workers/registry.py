"""The registry of label-driven analyses: one declarative ``AnalysisSpec`` per analysis type.

A spec says which label types request the analysis and which it writes, the trackable keys it
moves, its parameters (a frozen dataclass of defaults, or a tuple of them), the media it needs,
how to build its process-pool call and turn the result into series and labels, and the job's
timeout and tries. Everything around a request label (validation at ``addLabels``, queueing,
``analysisStatus`` keys, re-runs, deletion, the start after ingest, the worker's job list and
the README table) is computed from the registry, never listed by hand.

Specs are discovered: every module of the ``workers.analyses`` package is imported once, on
first use, and calls ``register``; a test registers its own the same way.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from graph.labels import Label
from graph.sessions import Session
from graph.settings import Settings
from graph.timeseries import TimeSeriesPoints

if TYPE_CHECKING:
    from graph.state import AppState
    from workers.request_job import ReadyRequest

Media = Literal["video", "audio", "any"]
SPEC_PACKAGE = "workers.analyses"

# Keys of the session-level jobs (workers/ingest.py, chunks.py, face_trace.py, vmaf.py).
INGEST_KEY = "ingest"
CHUNKS_KEY = "chunks"
FACE_TRACE_KEY = "face-trace"
VMAF_KEY = "vmaf"
# The post-ingest audio pass (workers/session_audio.py) moves these three keys.
SESSION_AUDIO_KEYS = ("audio-volume", "audio-momentary-lufs", "audio-loudness-issue")
SESSION_JOB_KEYS = (INGEST_KEY, CHUNKS_KEY, FACE_TRACE_KEY, VMAF_KEY, *SESSION_AUDIO_KEYS)
# Seed 000's trackable keys that no spec produces yet: tracking one is valid and waits for it.
RESERVED_KEYS: tuple[str, ...] = ()


def tracked_key(name: str) -> str:
    """``downsampling_index`` → ``downsampling-index`` (the seed's trackable spelling)."""
    return name.replace("_", "-")


def each_tracked(names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """An ``analyses`` mapping where each name moves the key of its own name."""
    return {name: (tracked_key(name),) for name in names}


@dataclass(frozen=True)
class Outcome:
    """What one run wrote: series and result labels (replacing the run's previous ones), and
    the message of each tracked key it finished."""

    series: Sequence[TimeSeriesPoints] = ()
    labels: Sequence[Label] = ()
    messages: Mapping[str, str | None] = field(default_factory=dict)


def video_analysis_timeout(settings: Settings) -> float:
    """The default job timeout of a spec: ``REELGRAPH_VIDEO_ANALYSIS_TIMEOUT_S``."""
    return float(settings.video_analysis_timeout_s)


@dataclass(frozen=True)
class AnalysisSpec:
    """One label-driven analysis, declared once.

    ``analyses`` maps each analysis name a label may pick in ``data.analysis_keys`` (all when
    absent) to the trackable keys it moves; with ``selectable`` False the label picks nothing
    and every name runs. ``work`` builds the picklable call the process pool runs (it is called
    with ``progress=`` when ``progress`` is True); ``outcome`` turns its result into what is
    stored. ``choose`` may narrow or refuse the picked names for a session (raising
    ``InvalidInput``).
    """

    job: str
    request_types: tuple[str, ...]
    result_types: tuple[str, ...]
    analyses: Mapping[str, tuple[str, ...]]
    # the process-pool shape: both, unless ``run`` (below) is the job itself
    work: Callable[[ReadyRequest], Callable[..., Any]] | None = None
    outcome: Callable[[ReadyRequest, Any], Outcome] | None = None
    parameters: Any = ()  # a frozen dataclass of defaults, a tuple of them, or () for none
    media: Media = "video"
    selectable: bool = True
    choose: Callable[[tuple[str, ...], bool, Session], tuple[str, ...]] | None = None
    progress: bool = True
    timeout_s: Callable[[Settings], float] = video_analysis_timeout
    max_tries: int = 2  # each run replaces its own results, so a retry is safe
    described_as: str = "an analysis"  # in "internal error in <described_as>"
    runs_doc: str | None = None  # README "runs" column; the picked names when None
    results_doc: str = ""  # README "results" column
    # Hooks for a request that does not fit the process-pool shape (time-series requests read
    # the stores and share results across a label group); each is None for the usual spec.
    # ``read_data``: the label's ``data`` → the plan's params, instead of ``parameters``;
    # ``admit``: checks that need the stores, before ``addLabels`` or an update writes anything;
    # ``run``: the job itself, given ``ctx`` and the label id, instead of ``work``/``outcome``;
    # ``forget``: what else goes when a request label is deleted.
    read_data: Callable[[Mapping[str, Any]], Any] | None = None
    admit: Callable[[AppState, Session, Sequence[Label]], Awaitable[None]] | None = None
    run: Callable[[dict[str, Any], str], Awaitable[str]] | None = None
    forget: Callable[[AppState, Label], Awaitable[None]] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """Every trackable key the spec can move, in declaration order."""
        return tuple(dict.fromkeys(k for keys in self.analyses.values() for k in keys))


_specs: dict[str, AnalysisSpec] = {}
_lock = threading.Lock()
_discovered = False


def register(spec: AnalysisSpec) -> AnalysisSpec:
    """Add ``spec`` (a spec module calls this at import); a job name or request type that
    another spec already has is a ValueError."""
    if spec.run is None and (spec.work is None or spec.outcome is None):
        raise ValueError(f"analysis {spec.job!r} needs work and outcome, or run")
    with _lock:
        if _specs.get(spec.job) == spec:
            return spec
        if spec.job in _specs:
            raise ValueError(f"an analysis job named {spec.job!r} is already registered")
        taken = {t for s in _specs.values() for t in s.request_types}
        clash = sorted(taken.intersection(spec.request_types))
        if clash:
            raise ValueError(f"label type {clash[0]!r} already requests another analysis")
        _specs[spec.job] = spec
    return spec


def unregister(job: str) -> None:
    """Remove the spec of ``job`` (tests that registered their own)."""
    with _lock:
        _specs.pop(job, None)


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    package = importlib.import_module(SPEC_PACKAGE)
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{SPEC_PACKAGE}.{module.name}")
    _discovered = True


def specs() -> tuple[AnalysisSpec, ...]:
    """Every registered spec: the package's, in module order, then those added later."""
    _discover()
    with _lock:
        return tuple(_specs.values())


def spec_named(job: str) -> AnalysisSpec:
    """The spec of ``job``; KeyError when there is none."""
    for spec in specs():
        if spec.job == job:
            return spec
    raise KeyError(f"no analysis job named {job!r}")


def spec_for(label_type: str) -> AnalysisSpec | None:
    """The spec a label of ``label_type`` requests, None for a label that requests nothing."""
    return next((s for s in specs() if label_type in s.request_types), None)


def request_types() -> tuple[str, ...]:
    """Every label type that requests an analysis."""
    return tuple(t for s in specs() for t in s.request_types)


def trackable_keys() -> frozenset[str]:
    """What ``analysisStatus(track:)`` accepts: every spec's keys, the session-level jobs'
    and the reserved ones."""
    return frozenset([*SESSION_JOB_KEYS, *RESERVED_KEYS, *(k for s in specs() for k in s.keys)])


def analyses_table() -> str:
    """The README's table of request label types, one row per type."""
    rows = [
        "| label type | runs (`data.analysis_keys`, all when absent) | results |",
        "| --- | --- | --- |",
    ]
    for spec in specs():
        runs = spec.runs_doc or ", ".join(f"`{name}`" for name in spec.analyses)
        rows += [f"| `{t}` | {runs} | {spec.results_doc} |" for t in spec.request_types]
    return "\n".join(rows)
