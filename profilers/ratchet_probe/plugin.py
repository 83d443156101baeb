"""The pytest side: one plugin object per mode, registered with pytest's plugin manager.

callers   callers.CallersPlugin   which tests call each target, and how often
measure   measure.MeasurePlugin   a warm-up pass, then a measured pass under the counter
suite     suite.SuitePlugin       each test's outcome, and evidence of tampering
record    record.RecordPlugin     every outermost call of the target, pickled
blocks    blocks.BlocksPlugin     the lines each test ran, or its block traces
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

from .channel import open_channel
from .protocol import (
    CONFIG_ENV,
    BlocksConfig,
    CallersConfig,
    Config,
    MeasureConfig,
    ProtocolError,
    RecordConfig,
    SuiteConfig,
    decode_config,
)

Hook = TypeVar("Hook", bound=Callable[..., Any])


def tryfirst(hook: Hook) -> Hook:
    """pytest's `@pytest.hookimpl(tryfirst=True)` without importing pytest: the options pluggy
    reads from the attribute its HookimplMarker sets (pluggy 0.13 to 1.x)."""
    hook.pytest_impl = {  # type: ignore[attr-defined]
        "wrapper": False,
        "hookwrapper": False,
        "optionalhook": False,
        "tryfirst": True,
        "trylast": False,
        "specname": None,
    }
    return hook


def register(config: Any) -> None:
    """Read (and delete) the config $RATCHET_PROBE names, and register its mode's plugin."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return
    with open(path) as handle:
        text = handle.read()
    with suppress(OSError):  # nothing the tests run can read where the result goes
        os.remove(path)
    settings, output = decode_config(text)
    open_channel(output)  # its primitives and its fd, before any test or repo code is imported
    config.pluginmanager.register(make_plugin(settings, output), f"ratchet_probe-{settings.mode}")


def make_plugin(settings: Config, output: str) -> object:
    if isinstance(settings, CallersConfig):
        from .callers import CallersPlugin

        return CallersPlugin(settings, output)
    if isinstance(settings, MeasureConfig):
        from .measure import MeasurePlugin

        return MeasurePlugin(settings, output)
    if isinstance(settings, SuiteConfig):
        from .suite import SuitePlugin

        return SuitePlugin(output)
    if isinstance(settings, RecordConfig):
        from .record import RecordPlugin

        return RecordPlugin(settings, output)
    if isinstance(settings, BlocksConfig):
        from .blocks import BlocksPlugin

        return BlocksPlugin(settings, output)
    raise ProtocolError(
        f"{settings.mode} is run as `python -m ratchet_probe {settings.mode}`, not by pytest"
    )
