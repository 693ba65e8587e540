"""Sessions area: a recording and what hangs off it, its queries and mutations."""
