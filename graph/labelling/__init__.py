"""Crowd video labelling: campaigns of clips, labellers, batches with gold standards, answers.

The state machine, batch composition, clip ranges and Dawid-Skene are pure (``states``,
``batches``, ``clip_ranges``, ``dawid_skene``); campaigns, clips, labellers, batches and answers
live in PostgreSQL (``campaigns``, ``labellers``, ``batches_store``, ``galleries``), and each
campaign and clip is mirrored into the graph with its final label (``graph_mirror``) so graph
queries can join labels with sessions.
"""
