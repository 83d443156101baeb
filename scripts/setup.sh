#!/usr/bin/env bash
# Set up everything Ratchet needs on a fresh Debian/Ubuntu machine. Sourced by demo.sh and test.sh.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "== $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
    local missing=()
    for pkg in docker.io valgrind debootstrap bubblewrap git python3-venv; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

start_docker() {
    if docker info >/dev/null 2>&1; then return; fi
    say "starting dockerd"
    as_root setsid dockerd >/tmp/ratchet-dockerd.log 2>&1 </dev/null &
    for _ in $(seq 60); do
        docker info >/dev/null 2>&1 && return
        sleep 1
    done
    say "dockerd did not answer within 60 s; its log:"; tail -20 /tmp/ratchet-dockerd.log >&2
    return 1
}

install_ratchet() {
    if [ ! -x .venv/bin/python ]; then
        say "creating .venv"
        python3 -m venv .venv
    fi
    say "installing Ratchet into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
}

build_base_image() {
    if docker image inspect ratchet-base:bookworm >/dev/null 2>&1; then return; fi
    say "building the sandbox base image (debootstrap, about a minute)"
    as_root .venv/bin/ratchet sandbox build-base
}

setup_all() {
    install_system_packages
    start_docker
    install_ratchet
    build_base_image
}
