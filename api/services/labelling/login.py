"""``labellingLogin``: a client id or an ID token in, an expiring campaign-scoped token out."""

from __future__ import annotations

import re

from api.services.labelling.oidc import verify_id_token
from api.services.labelling.tokens import issue_labeller_token
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput, NotFound, ReelgraphError
from graph.labelling.campaigns import CampaignStore
from graph.labelling.labellers import LabellerStore
from graph.labelling.models import Labeller, LabellerType

# Browser-made ids (a UUID, an analytics id): no colon, so no clientId spells an OIDC identity.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def check_client_id(client_id: str) -> str:
    if not _CLIENT_ID.fullmatch(client_id):
        raise InvalidInput(
            "clientId must be 1 to 128 of A-Z, a-z, 0-9, '.', '_' and '-'",
            code=ErrorCode.INVALID_CLIENT_ID,
        )
    return client_id


async def labelling_login(
    state: AppState, campaign_id: str, client_id: str | None, id_token: str | None
) -> tuple[str, int, Labeller]:
    """(token, lifetime in seconds, labeller); the labeller is created on first sight.

    An ID token wins over a client id when both are given. Every attempt is recorded as a
    connection, a blacklisted labeller's too, before it is refused.
    """
    campaign = await CampaignStore(state.pool).get(campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} not found", code=ErrorCode.CAMPAIGN_NOT_FOUND)
    if id_token is not None:
        identity = await verify_id_token(state.settings, id_token)
    elif client_id is not None:
        identity = check_client_id(client_id)
    else:
        raise InvalidInput("give clientId or idToken", code=ErrorCode.MISSING_CREDENTIAL)
    labeller, connection_id = await LabellerStore(state.pool).login(
        campaign.org_id, identity, campaign.id
    )
    if labeller.type is LabellerType.BLACKLISTED:
        raise ReelgraphError("this labeller is blacklisted", code=ErrorCode.LABELLER_BLACKLISTED)
    ttl = max(1, state.settings.labelling_token_ttl_s)
    token = issue_labeller_token(
        state.jwt_secret,
        labeller_id=labeller.id,
        org_id=campaign.org_id,
        campaign_id=campaign.id,
        connection_id=connection_id,
        ttl_s=ttl,
    )
    return token, ttl, labeller
