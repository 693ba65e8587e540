"""Audio jobs area: DeepTone-compatible file analysis jobs, their queries, mutations and
``audioJobSteps``."""
