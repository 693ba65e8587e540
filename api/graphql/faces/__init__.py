"""Faces area: traces, detections, strangers, identities and who shares the screen."""
