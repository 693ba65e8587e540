"""Crowd video labelling: campaigns, labeller logins, batches, galleries and progress."""
