VENV ?= .venv
PY := $(VENV)/bin/python
# `make demo` keeps serving until Ctrl-C; in CI (CI=true) it exits after printing.
DEMO_ARGS ?= $(if $(filter true,$(CI)),--once,)
PYTEST_ARGS ?=

.PHONY: install lint format typecheck schema schema-check test test-fast bench demo up clean neo4j

install:
	@scripts/setup.sh

lint: install
	$(VENV)/bin/ruff check api graph analysis workers tests benchmarks scripts
	$(VENV)/bin/ruff format --check api graph analysis workers tests benchmarks scripts

format: install
	$(VENV)/bin/ruff format api graph analysis workers tests benchmarks scripts
	$(VENV)/bin/ruff check --fix api graph analysis workers tests benchmarks scripts

typecheck: install
	$(VENV)/bin/mypy

schema: install
	$(PY) -m api.cli schema > schema.graphql

schema-check: install
	@$(PY) -m api.cli schema | diff -u schema.graphql - \
	  || (echo "schema.graphql is out of date: run 'make schema'" >&2; exit 1)

# Everything once on FalkorDB, then every test that touches the graph again on an embedded Neo4j
# (tests marked graph_stores, like the contract suite, cover both stores in the first pass).
NEO4J_PASS_ARGS ?= -m "stack and not graph_stores"
test: install lint typecheck schema-check neo4j
	$(PY) -m pytest $(PYTEST_ARGS)
	REELGRAPH_TEST_GRAPH=neo4j $(PY) -m pytest $(NEO4J_PASS_ARGS) $(PYTEST_ARGS)

# Neo4j 5.26's jars from Maven Central into ~/.cache/reelgraph/neo4j (once per machine)
neo4j:
	@scripts/neo4j.sh fetch

# Pure analysis and unit tests: no embedded stack, no multi-second media checks (under a minute).
test-fast: install
	$(PY) -m pytest -m "not stack and not slow" $(PYTEST_ARGS)

bench: install neo4j
	$(PY) benchmarks/bench_graphql_labels.py
	$(PY) benchmarks/bench_neo4j_server.py
	$(PY) benchmarks/bench_range_streaming.py
	$(PY) benchmarks/bench_face_trace.py
	$(PY) benchmarks/bench_thumbnails.py
	$(PY) benchmarks/bench_video_quality.py
	$(PY) benchmarks/bench_vmaf.py
	$(PY) benchmarks/bench_time_series.py
	$(PY) benchmarks/bench_pcap.py
	$(PY) benchmarks/bench_ocr.py
	$(PY) benchmarks/bench_image_match.py
	$(PY) benchmarks/bench_session_audio.py
	$(PY) benchmarks/bench_labelling.py

# 20 s, 10 min and 60 min of 720p through every step (~40 min on 2 cores, plus ~12 min once to
# make the video in ~/.cache/reelgraph-bench); BENCH_LONG_ARGS=--quick for 20 s and 2 min only.
BENCH_LONG_ARGS ?=
.PHONY: bench-long
bench-long: install
	$(PY) benchmarks/bench_long_media.py $(BENCH_LONG_ARGS)

demo: install
	$(PY) -m api.cli demo $(DEMO_ARGS)

up: install
	$(PY) -m api.cli up

clean:
	rm -rf .reelgraph-test .pytest_cache .mypy_cache .ruff_cache
