"""Compiling the callgrind client-request extension next to the probe's modules."""

from __future__ import annotations

import os
import subprocess
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))


def build_extension() -> str:
    """Compile _callgrind.c into `_callgrind<EXT_SUFFIX>` in the package; returns its path."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = os.path.join(HERE, "_callgrind" + suffix)
    include = sysconfig.get_paths()["include"]
    source = os.path.join(HERE, "_callgrind.c")
    command = ["gcc", "-O2", "-shared", "-fPIC", f"-I{include}", source, "-o", target]
    subprocess.run(command, check=True)
    return target


def perf_problem() -> str | None:
    """None when perf_event_open counts user-space instructions here, else what failed."""
    from .counters import PerfCounter

    try:
        PerfCounter()
    except OSError as exc:
        return str(exc)
    return None
