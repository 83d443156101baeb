#!/usr/bin/env bash
# Install Ratchet and run it on the bundled example: what a newcomer runs first.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
say "ratchet doctor"
.venv/bin/ratchet doctor
say "ratchet sandbox run tasks/example"
.venv/bin/ratchet sandbox run tasks/example
say "ratchet profile tasks/example"
.venv/bin/ratchet profile tasks/example --flamegraph profile.svg
