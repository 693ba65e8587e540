"""Who the traces of a session are: gallery identities, then strangers (graph writes)."""

from __future__ import annotations

from analysis.faces.grouping import cluster_strangers, match_identities
from graph.faces import Stranger, trace_key
from graph.state import AppState

ALL_TRACES = 1_000_000


async def assign_people(state: AppState, session_id: str, org_id: str) -> tuple[int, int]:
    """Re-match the session's traces to the org's gallery and re-cluster the rest.

    Manual links (``assignTrace``, ``promoteStranger``) are kept as they are. Returns
    (identified traces, strangers).
    """
    settings = state.settings
    embeddings = await state.face_detections.trace_embeddings(session_id)
    manual = await state.faces.manual_links(session_id)
    candidates = {t: e for t, e in embeddings.items() if t not in manual}
    gallery = await state.gallery.of_org(org_id)
    matches = match_identities(candidates, gallery, settings.face_match_threshold)
    await state.faces.replace_identity_links(
        session_id, {t: (m.identity_id, m.similarity) for t, m in matches.items()}
    )
    traces = await state.faces.trace_page(session_id, after=0, limit=ALL_TRACES)
    by_id = {t.trace_id: t for t in traces}
    unmatched = {t: e for t, e in candidates.items() if t not in matches and t in by_id}
    edges = await state.faces.co_occurs([trace_key(session_id, t) for t in unmatched])
    cannot_link = {  # traces on screen together are two people
        (min(t, e.other.trace_id), max(t, e.other.trace_id))
        for t in unmatched
        for e in edges[trace_key(session_id, t)]
    }
    clusters = cluster_strangers(
        unmatched,
        {t: by_id[t].start_frame for t in unmatched},
        cannot_link,
        settings.face_cluster_threshold,
    )
    reps = await state.face_detections.representatives(session_id, clusters)
    strangers = [
        Stranger(
            session_id=session_id,
            stranger_id=number,
            face_count=sum(by_id[t].face_count for t in members),
            trace_ids=tuple(members),
            representative=reps.get(number),
        )
        for number, members in clusters.items()
    ]
    await state.faces.replace_strangers(session_id, org_id, strangers)
    return len(matches) + sum(1 for i in manual.values() if i), len(strangers)
