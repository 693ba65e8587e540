"""Nodes: ``node(id:)`` finds an object of any area by its id."""
