"""Graph contract suite: every graph operation through the backend interface.

Every test runs on FalkorDB and on Neo4j (a server of the suite's own, from the jars
``scripts/neo4j.sh fetch`` caches, or the one ``NEO4J_URI`` names); both must give the same
answers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest

from graph.analyses import AnalysisState, AnalysisStore
from graph.backend import GraphBackend
from graph.backend.falkordb_backend import FalkorDBBackend
from graph.embedded.falkordb_server import FalkorDBServer
from graph.embedded.neo4j_server import Neo4jServer
from graph.ids import new_id, now_s
from graph.indexes import GRAPH_INDEXES, apply_graph_indexes
from graph.labels import Label, LabelStore
from graph.orgs import OrgStore
from graph.sessions import SessionStatus, SessionStore
from graph.settings import Settings
from tests.support.paths import TEST_DATA_ROOT

pytestmark = pytest.mark.graph_stores


@pytest.fixture(scope="session")
def contract_falkordb_url(stack_settings: Settings) -> Iterator[str]:
    """The stack's FalkorDB, or one of its own when the stack runs on Neo4j (plain Redis)."""
    if not stack_settings.uses_neo4j:
        assert stack_settings.redis_url
        yield stack_settings.redis_url
        return
    data_dir = TEST_DATA_ROOT / f"contract-falkordb-{uuid.uuid4().hex[:8]}"
    with FalkorDBServer.start(data_dir) as server:
        yield server.url
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def contract_neo4j() -> Iterator[tuple[str, str, str]]:
    """A Neo4j of the suite's own (it deletes everything between tests), or ``NEO4J_URI``'s."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "")
        return
    home = TEST_DATA_ROOT / f"contract-neo4j-{uuid.uuid4().hex[:8]}"
    with Neo4jServer.start(home) as server:
        yield server.uri, server.user, server.password
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["falkordb", "neo4j"])
async def backend(
    request: pytest.FixtureRequest, contract_falkordb_url: str
) -> AsyncIterator[GraphBackend]:
    graph: GraphBackend
    if request.param == "falkordb":
        graph = FalkorDBBackend(contract_falkordb_url, f"contract_{uuid.uuid4().hex[:8]}")
    else:
        from graph.backend.neo4j_backend import Neo4jBackend

        graph = Neo4jBackend(*request.getfixturevalue("contract_neo4j"))
    await graph.drop_all()
    await apply_graph_indexes(graph)
    try:
        yield graph
    finally:
        await graph.drop_all()
        await graph.close()


def _label(session_id: str, group: str, i: int, **extra: object) -> Label:
    base = Label(
        id=new_id(),
        session_id=session_id,
        org_id="org-1",
        label_group_id=group,
        label_type="ocr-request",
        start_ms=float(i),
        end_ms=float(i + 10),
        ts_start=100.0 + i / 1000,
        ts_end=100.0 + (i + 10) / 1000,
        created_at=now_s(),
        category="ocr request",
    )
    return replace(base, **extra)  # type: ignore[arg-type]


async def _session(store: SessionStore, session_id: str, org_id: str = "org-1") -> None:
    await store.create(
        {
            "id": session_id,
            "org_id": org_id,
            "status": "PENDING",
            "ts_start": 100.0,
            "created_at": now_s(),
            "has_audio": False,
            "tags": '{"k":"v"}',
            "name": f"Clip {session_id}",
        }
    )


async def test_indexes_and_ping(backend: GraphBackend) -> None:
    assert await backend.ping()
    assert set(GRAPH_INDEXES) <= await backend.list_indexes()
    await apply_graph_indexes(backend)  # idempotent
    assert set(GRAPH_INDEXES) <= await backend.list_indexes()


async def test_sessions(backend: GraphBackend) -> None:
    store = SessionStore(backend)
    for sid in ("s1", "s2", "s3"):
        await _session(store, sid)
    await _session(store, "other", org_id="org-2")
    got = await store.get("s1", "org-1")
    assert got is not None and got.tags == {"k": "v"} and got.status is SessionStatus.PENDING
    assert await store.get("s1", "org-2") is None
    assert (await store.get("s1", None)) == got
    updated = await store.update("s1", {"status": "READY", "fps": 25.0, "frame_count": 100})
    assert updated is not None and (updated.status, updated.fps, updated.frame_count) == (
        SessionStatus.READY,
        25.0,
        100,
    )
    assert await store.count("org-1") == 3 and await store.count("org-1", name="clip S2") == 1
    first = await store.page("org-1", limit=2)
    rest = await store.page("org-1", limit=2, after=(first[-1].created_at, first[-1].id))
    assert len(first) == 2 and len(rest) == 1
    assert {s.id for s in first + rest} == {"s1", "s2", "s3"}
    assert await store.delete("s2", "org-1") is True
    assert await store.delete("s2", "org-1") is False
    assert await store.count("org-1") == 2


async def test_labels_batch_groups_update_delete(backend: GraphBackend) -> None:
    sessions, labels = SessionStore(backend), LabelStore(backend)
    await _session(sessions, "s1")
    await _session(sessions, "s2")
    group = new_id()
    tricky = 'quote " backslash \\ newline \n ünï 日本 {braces}'
    batch = [
        _label(
            "s1",
            group if i < 600 else new_id(),
            i,
            data={"i": i, "t": tricky},
            name=tricky,
            video_box=[[0, 1, 2, 3]],
        )
        for i in range(1000)
    ]
    before = backend.round_trips
    assert await labels.add_many("s1", batch) == 1000
    assert backend.round_trips - before == 1
    assert await labels.add_many("s1", batch[:10]) == 10, "a retried batch writes nothing new"
    assert await labels.count("s1") == 1000
    assert await labels.count("s1", "user") == 0
    got = await labels.get(batch[5].id, "org-1")
    assert got == batch[5]
    assert await labels.get(batch[5].id, "org-2") is None
    groups = await labels.groups([group, "missing"])
    assert groups == {group: {"session_id": "s1", "org_id": "org-1"}}
    found = await labels.group_labels(group, "org-1")
    assert found is not None and found[0] == "s1" and len(found[1]) == 600
    page = await labels.page("s1", limit=3, after=(4.0, batch[4].id))
    assert [lab.start_ms for lab in page] == [5.0, 6.0, 7.0]
    changed = await labels.update(replace(batch[7], name=None, pinned=True, data=None))
    assert changed.name is None and changed.pinned is True and changed.data is None
    assert await labels.delete(batch[999].id, "org-1") is True
    assert await labels.group_labels(batch[999].label_group_id, "org-1") is None
    assert await labels.delete(batch[999].id, "org-1") is False
    assert await sessions.delete("s1", "org-1")
    assert await labels.count("s1") == 0
    assert await labels.group_labels(group, "org-1") is None


async def test_concurrent_result_replacements_leave_one_set(backend: GraphBackend) -> None:
    """Two runs of one request writing at once (a retry racing a worker presumed dead): the
    results are one run's, never both (Neo4j runs the statements in concurrent transactions)."""
    sessions, labels = SessionStore(backend), LabelStore(backend)
    await _session(sessions, "s1")
    request = _label("s1", new_id(), 0)
    await labels.add_many("s1", [request])

    def results(run: int) -> list[Label]:
        return [
            _label("s1", request.label_group_id, i, source_label_id=request.id, name=f"run {run}")
            for i in range(20)
        ]

    for _ in range(5):
        await asyncio.gather(
            *(labels.replace_results("s1", request.id, results(r)) for r in (1, 2))
        )
        found = await labels.group_labels(request.label_group_id, "org-1")
        assert found is not None
        written = [lab for lab in found[1] if lab.source_label_id == request.id]
        assert len(written) == 20 and len({lab.name for lab in written}) == 1


async def test_analyses(backend: GraphBackend) -> None:
    sessions, analyses = SessionStore(backend), AnalysisStore(backend)
    await _session(sessions, "s1")
    await _session(sessions, "s2")
    created = await analyses.request("s1", "ingest", params={"a": 1})
    assert created is not None and created.state is AnalysisState.PENDING
    assert created.params == {"a": 1}
    await analyses.request("s1", "ocr")
    await analyses.request("s2", "ingest")
    done = await analyses.update("s1", "ingest", state=AnalysisState.DONE, progress=1.0)
    assert done is not None and done.state is AnalysisState.DONE
    assert [a.key for a in await analyses.of_session("s1")] == ["ingest", "ocr"]
    assert [a.key for a in await analyses.of_session("s1", ["ocr"])] == ["ocr"]
    grouped = await analyses.for_sessions(["s1", "s2", "s3"])
    assert sorted(grouped) == ["s1", "s2"] and len(grouped["s1"]) == 2
    again = await analyses.request("s1", "ingest")
    assert again is not None and again.state is AnalysisState.PENDING and again.progress == 0.0
    assert await analyses.request("missing", "ingest") is None


async def test_orgs_and_api_keys(backend: GraphBackend) -> None:
    orgs = OrgStore(backend)
    org = await orgs.ensure_org("acme")
    assert await orgs.ensure_org("acme") == org
    key = await orgs.create_api_key(org.id, "rg_secret", ("file", "system"), "ci")
    found = await orgs.find_api_key("rg_secret")
    assert found == key
    assert await orgs.find_api_key("rg_other") is None
    stored = await backend.read("MATCH (k:ApiKey) RETURN k.hash AS h")
    assert stored and all(row["h"] != "rg_secret" for row in stored), "only the hash is stored"
    assert found is not None and found.project_id is None
    scoped = await orgs.create_api_key(org.id, "rg_project", ("file",), None, "website")
    assert await orgs.find_api_key("rg_project") == scoped
    by_id = await orgs.find_api_key_by_id(scoped.id)
    assert by_id is not None and by_id.project_id == "website"
