"""Auth area: ``login`` exchanges an API key for a JWT."""
