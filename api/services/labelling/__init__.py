"""Crowd-labelling use cases: campaigns, logins and tokens, batches, galleries, statistics."""
