"""Query images (image match): metadata, listing, deletion, and a keyframe crop as a query image."""
