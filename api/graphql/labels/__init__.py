"""Labels area: labels and label groups, their queries, mutations and ``labelsAdded``."""
