"""GraphQL transport: one folder per area, composed into one schema.

- ``<area>/types.py``, ``queries.py``, ``mutations.py``, ``subscriptions.py``: sessions, labels,
  analyses, timeseries, vmaf, faces, auth, and ``nodes`` (``node(id:)`` over them all).
- ``common/``: what every area may use (``Node``, ``PageInfo``).
- Beside them: ``schema.py`` (the composition), ``view.py``, ``context.py`` (per-request
  DataLoaders), ``limits.py``, ``cost.py``, ``errors.py``, ``input_strings.py``.

Areas import each other's ``types`` only, without a cycle (``tests/api/test_graphql_areas.py``).
"""
