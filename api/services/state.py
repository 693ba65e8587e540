"""Who is asking, and the process state services work with."""

from __future__ import annotations

from dataclasses import dataclass

from graph.state import AppState

__all__ = ["AppState", "Principal"]


@dataclass(frozen=True)
class Principal:
    """Who is asking: the org every object they touch must belong to, and their scopes."""

    org_id: str
    scopes: frozenset[str]
    key_id: str | None = None
    project_id: str | None = None  # the API key's project, if it names one
    email: str | None = None  # the API key owner's email (the uploader of query images)
    # A labeller token's caller: no API key, no scopes, only the labelling fields of one
    # campaign (the labeller's role is re-read from the store on every request).
    labeller_id: str | None = None
    campaign_id: str | None = None
    connection_id: int | None = None
    # A signed clip URL's caller (api/services/labelling/clip_urls.py): that one clip only.
    via_clip_url: bool = False

    def has_scope(self, scope: str) -> bool:
        # system-level access includes file-level access
        return scope in self.scopes or "system" in self.scopes
