"""One module per label-driven analysis, each registering its ``AnalysisSpec``.

The registry (workers/registry.py) imports every module of this package on first use, so adding
an analysis is a new module here (plus its pure module in ``analysis/``), with no shared file
to edit.
"""
