"""What an operation asks for, measured on its AST before anything runs: aliases, depth, cost.

The cost estimates how many fields the response can hold: every field counts once per object
that can carry it, and a list multiplies what is selected below it by its size. A page size
(``first``, ``maxPoints``) is the size of the list it pages, whether that is the field itself
(``identities(first:)``) or the ``edges`` of the connection it returns; any other list counts
as :data:`ASSUMED_LIST_SIZE`. Introspection lists count as their average size in this schema,
so the playground's introspection query stays cheap while a nested one does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

PAGE_ARGUMENTS = ("first", "last", "maxPoints")
ASSUMED_LIST_SIZE = 20  # a list without a page size: an identity's sessions, a session's chunks
MAX_PAGE_SIZE = 10**18  # larger page sizes count as this (still far above any cost limit)


@dataclass(frozen=True)
class Measure:
    """Aliases, depth (nested fields below the operation) and cost of one selection set."""

    aliases: int = 0
    depth: int = 0
    cost: float = 0.0

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            self.aliases + other.aliases, max(self.depth, other.depth), self.cost + other.cost
        )


def introspection_list_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], float]:
    """The average length of each introspection list in ``schema`` (at least 1)."""
    types = list(schema.type_map.values())
    fielded = [t for t in types if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType))]
    n_fields = sum(len(t.fields) for t in fielded)
    n_args = sum(len(f.args) for t in fielded for f in t.fields.values())
    n_input_fields = sum(len(getattr(t, "fields", {})) for t in types if t not in fielded)
    n_values = sum(len(getattr(t, "values", {})) for t in types)
    n_interfaces = sum(len(t.interfaces) for t in fielded)
    n_members = sum(len(t.types) for t in types if isinstance(t, GraphQLUnionType))
    directives = schema.directives

    def average(total: int, count: int) -> float:
        return max(1.0, total / max(1, count))

    n_types = len(types)
    return {
        ("__Schema", "types"): float(n_types),
        ("__Schema", "directives"): float(max(1, len(directives))),
        ("__Type", "fields"): average(n_fields, n_types),
        ("__Type", "inputFields"): average(n_input_fields, n_types),
        ("__Type", "enumValues"): average(n_values, n_types),
        ("__Type", "interfaces"): average(n_interfaces, n_types),
        ("__Type", "possibleTypes"): average(n_interfaces + n_members, n_types),
        ("__Field", "args"): average(n_args, n_fields),
        ("__Directive", "args"): average(sum(len(d.args) for d in directives), len(directives)),
    }


class OperationMeter:
    """Measures the operations of one document; fragments are measured once each."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        introspection_sizes: Mapping[tuple[str, str], float],
    ) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.introspection_sizes = introspection_sizes
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.variable_defaults = {
            v.variable.name.value: v.default_value
            for op in self.operations
            for v in op.variable_definitions or ()
        }
        self._fragment_measures: dict[tuple[str, bool], Measure] = {}
        self._entered: set[str] = set()

    def measure(self) -> Measure:
        """Aliases summed over the document; depth and cost of its largest operation."""
        total = Measure()
        for operation in self.operations:
            root = self.schema.get_root_type(operation.operation)
            m = self._selection_set(operation.selection_set, root, paged=False)
            total = Measure(
                total.aliases + m.aliases, max(total.depth, m.depth), max(total.cost, m.cost)
            )
        return total

    def _selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, paged: bool
    ) -> Measure:
        total = Measure()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total + self._field(selection, parent, paged)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total = total + self._selection_set(selection.selection_set, inner, paged)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + self._fragment(selection.name.value, paged)
        return total

    def _fragment(self, name: str, paged: bool) -> Measure:
        key = (name, paged)
        if key in self._fragment_measures:
            return self._fragment_measures[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._entered:  # unknown or cyclic: validation says so
            return Measure()
        self._entered.add(name)
        try:
            parent = self.schema.get_type(fragment.type_condition.name.value)
            measure = self._selection_set(fragment.selection_set, parent, paged)
        finally:
            self._entered.discard(name)
        self._fragment_measures[key] = measure
        return measure

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None, paged: bool) -> Measure:
        aliases = 1 if node.alias else 0
        if node.selection_set is None:
            return Measure(aliases=aliases, cost=1.0)
        name = node.name.value
        introspection = name.startswith("__") or (
            parent is not None and parent.name.startswith("__")
        )
        field_type, size, child_paged = self._list_size(node, parent, paged, introspection)
        below = self._selection_set(node.selection_set, get_named_type(field_type), child_paged)
        depth = 0 if introspection else below.depth + 1  # introspection is bounded by its cost
        cost = 1.0 + (size * below.cost if size else 0.0)  # never 0 * inf
        return Measure(aliases + below.aliases, depth, cost)

    def _list_size(
        self, node: FieldNode, parent: GraphQLNamedType | None, paged: bool, introspection: bool
    ) -> tuple[Any, float, bool]:
        """(the field's type, how many times its selection counts, whether a page is pending)."""
        name = node.name.value
        if name == "__schema":
            return self.schema.get_type("__Schema"), 1.0, False
        if name == "__type":
            return self.schema.get_type("__Type"), 1.0, False
        fields = getattr(parent, "fields", None) if parent is not None else None
        definition = fields.get(name) if isinstance(fields, dict) else None
        if definition is None:  # an unknown field: validation rejects it
            return None, 1.0, False
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        is_list = isinstance(field_type, GraphQLList)
        page = self._page_size(node, definition.args)
        if page is not None:
            return field_type, float(page), not is_list
        if not is_list:
            return field_type, 1.0, paged
        if paged:
            return field_type, 1.0, False
        if introspection and parent is not None:
            return field_type, self.introspection_sizes.get((parent.name, name), 1.0), False
        return field_type, float(ASSUMED_LIST_SIZE), False

    def _page_size(self, node: FieldNode, arguments: Mapping[str, Any]) -> int | None:
        names = [a for a in PAGE_ARGUMENTS if a in arguments]
        if not names:
            return None
        given = {a.name.value: a.value for a in node.arguments or ()}
        sizes = []
        for name in names:
            value: Any = None
            literal = given.get(name)
            if isinstance(literal, IntValueNode):
                value = _bounded_int(literal.value)
            elif isinstance(literal, VariableNode):
                value = self.variables.get(literal.name.value)
                default = self.variable_defaults.get(literal.name.value)
                if value is None and isinstance(default, IntValueNode):
                    value = _bounded_int(default.value)
            if value is None:
                value = arguments[name].default_value
            if isinstance(value, int) and not isinstance(value, bool):
                sizes.append(min(max(0, value), MAX_PAGE_SIZE))
        return max(sizes) if sizes else ASSUMED_LIST_SIZE


def _bounded_int(text: str) -> int:
    """An integer literal, capped before Python converts thousands of digits."""
    return MAX_PAGE_SIZE if len(text.lstrip("-")) > 18 else int(text)


def list_over(value: Any, limit: int) -> int | None:
    """The length of a list in a JSON value (variables) longer than ``limit``, else None.

    Stops at the first such list, so a huge one is refused without walking its items.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            if len(item) > limit:
                return len(item)
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return None
