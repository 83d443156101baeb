"""The environment sandboxed code sees: built from nothing, never copied from the host."""

from __future__ import annotations

import re
from collections.abc import Mapping

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION", re.I)

# The only values sandboxed code gets besides PATH and HOME, which each sandbox sets itself.
FIXED = {
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_NO_INPUT": "1",
}
# Set when a run has a uid of its own (Docker's sandbox user, the local sandbox's per-workspace
# uid as root): the probe then ends the run's leftover processes (profilers/ratchet_probe/
# leftovers.py reads the same name; it imports nothing of Ratchet's).
RUN_UID_ENV = "RATCHET_RUN_UID"


def is_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def sandbox_env(base: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The sandbox's own `base` plus caller `extra` plus FIXED, with secret-looking names dropped.

    FIXED wins, so every measured run has the same conditions; dropping applies to `extra` too,
    so a caller cannot smuggle a token in by accident.
    """
    merged = {**base, **(extra or {}), **FIXED}
    return {name: value for name, value in merged.items() if not is_secret(name)}


def host_env_without_secrets(environ: Mapping[str, str]) -> dict[str, str]:
    """For trusted steps that need the host's configuration (pip's index and CA settings)."""
    return {name: value for name, value in environ.items() if not is_secret(name)}
