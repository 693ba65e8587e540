"""Analyses written the way a new one is added: a pure module (as it would sit in ``analysis/``)
and a spec module (as in ``workers/analyses/``) each, registered by the tests that use them
through ``workers.registry.register`` and removed afterwards. No shared module names them."""
