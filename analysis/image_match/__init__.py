"""Image match: where a query image appears in a video (template, multiscale, keypoint)."""
