"""Analyses area: an analysis's state, ``analysisStatus`` and ``analysisEvents``."""
