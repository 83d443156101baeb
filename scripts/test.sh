#!/usr/bin/env bash
# Install what the tests need (Docker engine, base image, valgrind, ...) and run exactly what CI runs.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
say "the real-repository corpus (pinned sdists, sha256-checked; cached after the first run)"
bash scripts/real-repos.sh >/dev/null
say "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check agent sandbox profilers tests benchmarks
say "mypy"
.venv/bin/mypy
say "pytest (Docker tests are required: a missing engine fails them)"
RATCHET_REQUIRE_DOCKER=1 .venv/bin/pytest "$@"
