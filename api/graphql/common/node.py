"""The ``Node`` interface: an object that ``node(id:)`` can fetch again by its id."""

from __future__ import annotations

import strawberry


@strawberry.interface
class Node:
    id: strawberry.ID
