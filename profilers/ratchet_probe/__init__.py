"""Ratchet's probe: the code that runs inside the target's test process, copied into the sandbox.

Standard library only, Python 3.9 to 3.13, and a name no project uses, because it sits next to
someone else's code. Two programs share it:

    pytest -p ratchet_probe      a plugin configured by the file $RATCHET_PROBE names: one plugin
                                 object per mode (callers, measure, suite, record; see plugin.py)
    python -m ratchet_probe ...  replay | generate (recorded calls against a candidate; the
                                 generator uses Hypothesis), perf-check, build-ext

protocol.py holds each mode's config and result shapes; the host imports it too.
"""

from __future__ import annotations

from typing import Any


def pytest_configure(config: Any) -> None:
    """Register the plugin of the mode $RATCHET_PROBE asks for; without it the probe is idle."""
    from .plugin import register

    register(config)
