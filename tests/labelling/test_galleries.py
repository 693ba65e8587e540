"""Every gallery kind and the statistics against the reference's definitions, over every pair
of (citizen, researcher) states, through GraphQL on the embedded stack."""

from __future__ import annotations

import itertools

from graph.labelling.states import S
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.labelling import all_clips, create_campaign, fake_video_session

POS, NEG = {23, 15, 19}, {16, 12, 20}
CITIZEN = [-1, 3, 4, 5, 12, 15, 16, 19, 20, 23]
ADMIN = [int(s) for s in S if s not in (S.DISCORD, S.MAYBE_NEG, S.MAYBE_POS)]


def _excl(admin: int) -> bool:
    return admin not in (47, 32, -2)


# The reference's selections (its gallery endpoints and get_label_statistics).
ORACLE = {
    "POSITIVE": lambda c, a: _excl(a) and (a in POS or (a not in POS | NEG and c in POS)),
    "NEGATIVE": lambda c, a: _excl(a) and (a in NEG or (a not in POS | NEG and c in NEG)),
    "MAYBE_POSITIVE": lambda c, a: c == 5 and _excl(a),
    "MAYBE_NEGATIVE": lambda c, a: c == 4 and _excl(a),
    "DISCORD": lambda c, a: c == 3 and _excl(a),
    "GOLD_POSITIVE": lambda c, a: a == 47,
    "GOLD_NEGATIVE": lambda c, a: a == 32,
    "RESEARCHER_POSITIVE": lambda c, a: a in POS,
    "RESEARCHER_NEGATIVE": lambda c, a: a in NEG,
    "CITIZEN_POSITIVE": lambda c, a: c in POS and _excl(a),
    "CITIZEN_NEGATIVE": lambda c, a: c in NEG and _excl(a),
    "BAD": lambda c, a: a == -2,
}


async def test_every_gallery_kind_and_the_statistics(api: ApiClient, state: AppState) -> None:
    pairs = list(itertools.product(CITIZEN, ADMIN))
    session_id = await fake_video_session(state, api.org_id, frame_count=len(pairs))
    campaign = await create_campaign(api, [session_id], clipsFrom="window", windowSeconds=0.04)
    clips = await all_clips(api, campaign["id"])
    assert len(clips) == len(pairs)
    by_id = {c["id"]: pair for c, pair in zip(clips, pairs, strict=True)}
    async with state.pool.acquire() as conn:  # states set directly: every pair, in one statement
        await conn.execute(
            "UPDATE labelling_clips k SET label_state = u.c, label_state_admin = u.a, "
            "label_update_time = u.t FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[]) "
            "AS u(id, c, a, t) WHERE k.id = u.id",
            list(by_id),
            [p[0] for p in by_id.values()],
            [p[1] for p in by_id.values()],
            [float(i) for i in range(len(by_id))],
        )
    fields = " ".join(
        f"{kind.lower()}: labellingGallery(campaignId: $c, kind: {kind}, first: 1000) "
        "{ totalCount edges { node { id } } }"
        for kind in ORACLE
    )
    data = await api.gql(
        f"query($c: ID!) {{ {fields} labellingStatistics(campaignId: $c) {{ numAllVideos "
        "numFullyLabeled numPartiallyLabeled } }",
        c=campaign["id"],
    )
    for kind, selects in ORACLE.items():
        expected = {i for i, (c, a) in by_id.items() if selects(c, a)}
        got = data[kind.lower()]
        assert got["totalCount"] == len(expected), kind
        ids = [e["node"]["id"] for e in got["edges"]]
        assert set(ids) == expected, kind
        order = [list(by_id).index(i) for i in ids]
        assert order == sorted(order, reverse=True), kind  # newest change first
    full = POS | NEG
    stats = data["labellingStatistics"]
    assert stats == {
        "numAllVideos": sum(_excl(a) for c, a in pairs),
        "numFullyLabeled": sum(_excl(a) and (a in full or c in full) for c, a in pairs),
        "numPartiallyLabeled": sum(_excl(a) and a not in full and c in (3, 4, 5) for c, a in pairs),
    }
