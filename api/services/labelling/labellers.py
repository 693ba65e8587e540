"""Labeller administration: roles and blacklisting, tutorial records, one labeller's record."""

from __future__ import annotations

from api.services.labelling.access import LabellingCaller, require_labeller, require_researcher
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput, NotFound
from graph.labelling.labellers import LabellerStore, ReturnedBatch
from graph.labelling.models import Labeller, LabellerType

ACTION_TYPES = range(0, 5)  # took the tutorial ... passed the last batch on the first try
QUERY_TYPES = range(0, 3)  # entered the page, clicked its button, clicked the prompt's


def _not_found(labeller_id: str) -> NotFound:
    return NotFound(f"labeller {labeller_id} not found", code=ErrorCode.LABELLER_NOT_FOUND)


async def require_labeller_of_org(
    state: AppState, caller: LabellingCaller, labeller_id: str
) -> Labeller:
    """A labeller of the caller's org; a citizen may read only themself."""
    found = await LabellerStore(state.pool).get(labeller_id)
    if found is None or found.org_id != caller.org_id:
        raise _not_found(labeller_id)
    if not caller.sees_states and (caller.labeller is None or caller.labeller.id != found.id):
        raise _not_found(labeller_id)
    return found


async def set_labeller_type(
    state: AppState, caller: LabellingCaller, labeller_id: str, kind: LabellerType
) -> Labeller:
    """Change a role or blacklist; it holds from the labeller's next request."""
    require_researcher(caller)
    found = await LabellerStore(state.pool).get(labeller_id)
    if found is None or found.org_id != caller.org_id:
        raise _not_found(labeller_id)
    changed = await LabellerStore(state.pool).set_type(labeller_id, kind)
    if changed is None:
        raise _not_found(labeller_id)
    return changed


async def add_tutorial_record(
    state: AppState, caller: LabellingCaller, action_type: int, query_type: int
) -> None:
    labeller = require_labeller(caller)
    if action_type not in ACTION_TYPES or query_type not in QUERY_TYPES:
        raise InvalidInput(
            "actionType must be 0 to 4 and queryType 0 to 2",
            code=ErrorCode.INVALID_TUTORIAL_RECORD,
        )
    await LabellerStore(state.pool).add_tutorial_record(
        labeller.id, caller.connection_id, action_type, query_type
    )


async def history(state: AppState, labeller: Labeller, limit: int = 100) -> list[ReturnedBatch]:
    return await LabellerStore(state.pool).history(labeller.id, limit)
