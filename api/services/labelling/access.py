"""Who is calling a labelling field: the org's API key, or a labeller re-read from the store."""

from __future__ import annotations

from dataclasses import dataclass

from api.services.state import AppState, Principal
from graph.errors import ErrorCode, NotFound, ReelgraphError, Unauthenticated
from graph.labelling.campaigns import CampaignStore
from graph.labelling.labellers import LabellerStore
from graph.labelling.models import Campaign, Labeller, LabellerType


@dataclass(frozen=True)
class LabellingCaller:
    """The caller with its role as stored now (an API key counts as a researcher)."""

    org_id: str
    labeller: Labeller | None = None  # None: the org's API key
    campaign_id: str | None = None  # the one campaign a labeller token is for
    connection_id: int | None = None

    @property
    def researcher(self) -> bool:
        return self.labeller is None or self.labeller.is_researcher

    @property
    def sees_states(self) -> bool:
        return self.labeller is None or self.labeller.sees_states

    def sees_client_id_of(self, labeller_id: str) -> bool:
        """A client id is the credential of a clientId login: only the org's API key and the
        labeller themself read it (an expert must not learn a researcher's and sign in as them)."""
        return self.labeller is None or self.labeller.id == labeller_id


async def labelling_caller(state: AppState, principal: Principal | None) -> LabellingCaller:
    """The caller, its labeller's role re-read now; blacklisted labellers are refused."""
    if principal is None:
        raise Unauthenticated("missing X-API-Key or Authorization: Bearer header")
    if principal.labeller_id is None:
        return LabellingCaller(org_id=principal.org_id)
    labeller = await LabellerStore(state.pool).get(principal.labeller_id)
    if labeller is None or labeller.org_id != principal.org_id:
        raise Unauthenticated("invalid token", code=ErrorCode.INVALID_TOKEN)
    if labeller.type is LabellerType.BLACKLISTED:
        raise ReelgraphError("this labeller is blacklisted", code=ErrorCode.LABELLER_BLACKLISTED)
    return LabellingCaller(
        org_id=principal.org_id,
        labeller=labeller,
        campaign_id=principal.campaign_id,
        connection_id=principal.connection_id,
    )


async def require_campaign(state: AppState, caller: LabellingCaller, campaign_id: str) -> Campaign:
    """The caller's campaign: another org's does not exist for them, and a labeller token
    reaches only the campaign it was issued for."""
    campaign = await CampaignStore(state.pool).get(campaign_id)
    if campaign is None or campaign.org_id != caller.org_id:
        raise NotFound(f"campaign {campaign_id} not found", code=ErrorCode.CAMPAIGN_NOT_FOUND)
    if caller.campaign_id is not None and caller.campaign_id != campaign.id:
        raise ReelgraphError(
            "the labeller token belongs to another campaign", code=ErrorCode.WRONG_CAMPAIGN
        )
    return campaign


def require_researcher(caller: LabellingCaller) -> None:
    if not caller.researcher:
        raise ReelgraphError("only a researcher may do this", code=ErrorCode.RESEARCHER_ONLY)


def require_labeller(caller: LabellingCaller) -> Labeller:
    if caller.labeller is None:
        raise ReelgraphError(
            "this field needs a labeller token (labellingLogin)", code=ErrorCode.LABELLER_ONLY
        )
    return caller.labeller
