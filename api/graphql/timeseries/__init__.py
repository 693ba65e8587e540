"""Time series area: a session's series and their points."""
