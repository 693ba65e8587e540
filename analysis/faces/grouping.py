"""Who each trace is: gallery identities first, then strangers clustered per session.

- A trace's embedding is the normalised mean of its detections' embeddings.
- Identity match: the best cosine similarity between the trace and any gallery image of an
  identity; at or above the setting ``face_match_threshold`` the trace is ``IDENTIFIED_AS``
  that identity. (SFace's published cosine threshold is 0.363; 0.40 leaves a margin.)
- Strangers: the unmatched traces, clustered by average-linkage agglomeration on cosine
  similarity (merge while ≥ ``face_cluster_threshold``), with one rule from the video itself:
  two traces on screen in the same frame are different people and never share a cluster.
  Strangers are numbered 1, 2, … by their first frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class IdentityMatch:
    trace_id: int
    identity_id: str
    similarity: float


def match_identities(
    trace_embeddings: Mapping[int, np.ndarray],
    gallery: Sequence[tuple[str, np.ndarray]],
    threshold: float,
) -> dict[int, IdentityMatch]:
    """trace_id → best identity at or above the threshold (gallery: (identity_id, vector))."""
    if not gallery or not trace_embeddings:
        return {}
    ids = [identity for identity, _ in gallery]
    matrix = np.stack([vector for _, vector in gallery]).astype(np.float32)
    matches = {}
    for trace_id, vector in trace_embeddings.items():
        sims = matrix @ vector.astype(np.float32)
        best = int(np.argmax(sims))
        if float(sims[best]) >= threshold:
            matches[trace_id] = IdentityMatch(trace_id, ids[best], round(float(sims[best]), 4))
    return matches


def cluster_strangers(
    trace_embeddings: Mapping[int, np.ndarray],
    first_frames: Mapping[int, int],
    cannot_link: set[tuple[int, int]],
    threshold: float,
) -> dict[int, list[int]]:
    """stranger_id → trace ids (each sorted), for the given (unmatched) traces.

    Average linkage with Lance-Williams updates on one similarity matrix: O(n²) memory and
    one vectorised arg-max per merge.
    """
    ids = sorted(trace_embeddings)
    if not ids:
        return {}
    vectors = np.stack([trace_embeddings[t] for t in ids]).astype(np.float64)
    sim = vectors @ vectors.T
    blocked = np.zeros_like(sim, dtype=bool)
    index = {t: i for i, t in enumerate(ids)}
    for a, b in cannot_link:
        if a in index and b in index:
            blocked[index[a], index[b]] = blocked[index[b], index[a]] = True
    np.fill_diagonal(blocked, True)
    sizes = np.ones(len(ids))
    members: list[list[int] | None] = [[t] for t in ids]
    alive = np.ones(len(ids), dtype=bool)
    while True:
        candidate = np.where(blocked | ~alive[:, None] | ~alive[None, :], -np.inf, sim)
        flat = int(np.argmax(candidate))
        i, j = divmod(flat, len(ids))
        if not np.isfinite(candidate[i, j]) or candidate[i, j] < threshold:
            break
        merged = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i, :] = sim[:, i] = merged
        blocked[i, :] = blocked[:, i] = blocked[i] | blocked[j]
        sizes[i] += sizes[j]
        members[i] = sorted((members[i] or []) + (members[j] or []))
        members[j] = None
        alive[j] = False
    clusters = [m for m in members if m]
    clusters.sort(key=lambda c: (min(first_frames[t] for t in c), c[0]))
    return {number: cluster for number, cluster in enumerate(clusters, start=1)}
