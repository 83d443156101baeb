#!/usr/bin/env bash
# Fetch the real-repository corpus (tasks/real/corpus.toml) into the cache and print where it is.
#
#     scripts/real-repos.sh            # every library of the manifest
#     scripts/real-repos.sh sqlparse   # only the ones named
#
# Each pinned sdist is downloaded with pip (`--no-binary :all: --no-deps`) into
# ${RATCHET_CACHE_DIR:-$HOME/.cache/ratchet}/real-repos/sdists/, its sha256 is checked against the
# manifest, and it is unpacked into real-repos/NAME-VERSION/. Idempotent: a verified sdist is not
# downloaded again and an unpacked folder is not unpacked again. Prints one unpacked folder a line
# on stdout; progress goes to stderr. Exit 1 when a download fails or a hash differs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "== $*" >&2; }
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
CACHE="${RATCHET_CACHE_DIR:-$HOME/.cache/ratchet}"
ROOT="$CACHE/real-repos"
SDISTS="$ROOT/sdists"
mkdir -p "$SDISTS"

sha256_of() { "$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"; }

fetch() {  # name version sdist sha256 folder
    local name=$1 version=$2 sdist=$3 sha=$4 folder=$5 file="$SDISTS/$3"
    if [ ! -f "$file" ] || [ "$(sha256_of "$file")" != "$sha" ]; then
        say "downloading $name $version"
        rm -f "$file"
        "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
            "$name==$version" -d "$SDISTS" >&2 || { say "pip could not download $name==$version"; return 1; }
        [ -f "$file" ] || { say "pip downloaded $name==$version but not $sdist"; return 1; }
    fi
    local found
    found="$(sha256_of "$file")"
    if [ "$found" != "$sha" ]; then
        say "$sdist has sha256 $found, the manifest pins $sha; not unpacking it"
        return 1
    fi
    if [ ! -f "$folder/.ratchet-unpacked" ]; then
        say "unpacking $sdist into $folder"
        rm -rf "$folder" "$folder.partial"
        mkdir -p "$folder.partial"
        tar -xzf "$file" -C "$folder.partial" --strip-components=1
        touch "$folder.partial/.ratchet-unpacked"
        mv "$folder.partial" "$folder"
    fi
    echo "$folder"
}

manifest="$("$PYTHON" -m tasks.real "$CACHE")" || { say "could not read tasks/real/corpus.toml"; exit 1; }
failed=0
while IFS=$'\t' read -r name version sdist sha folder; do
    if [ "$#" -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
    fetch "$name" "$version" "$sdist" "$sha" "$folder" || failed=1
done <<< "$manifest"
exit "$failed"
