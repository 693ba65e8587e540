"""The production shape on real servers, and faults on it: marked stack and slow."""
