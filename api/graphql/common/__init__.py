"""GraphQL building blocks every area may use: the ``Node`` interface and page info."""
