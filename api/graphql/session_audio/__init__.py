"""Session audio area: ``audioLoudness``, reference media (``media``, ``createMedia``,
``deleteMedia``)."""
