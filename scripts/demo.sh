#!/usr/bin/env bash
# Install Ratchet and run its main job on the bundled example: what a newcomer runs first.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
say "ratchet doctor"
.venv/bin/ratchet doctor
say "ratchet optimize tasks/example  (no LLM configured: the offline rules, every rewrite gated)"
.venv/bin/ratchet optimize tasks/example
