"""The script entries `python -m ratchet_probe replay | generate`: read the config $RATCHET_PROBE
names (and delete it), load the recording (and delete it), only then import the candidate; always
write a result, then leave without running atexit hooks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from .channel import open_channel, send_exit
from .protocol import (
    CONFIG_ENV,
    CheckResult,
    GenerateConfig,
    ProtocolError,
    ReplayConfig,
    decode_config,
    write_result,
)
from .replay import (
    Tally,
    TargetImportError,
    describe_exception,
    load_recording,
    prepare_sys_path,
    replay_calls,
)
from .tamper import take_snapshot, tampered_since


def run_script(command: str, config_path: str | None = None) -> None:
    path = config_path or os.environ.get(CONFIG_ENV, "")
    check, write, build = tampered_since, write_result, CheckResult  # bound before any candidate
    with open(path) as handle:
        text = handle.read()
    os.remove(path)
    config, output = decode_config(text)
    open_channel(output)
    if config.mode != command or not isinstance(config, (ReplayConfig, GenerateConfig)):
        raise ProtocolError(f"`{command}` was asked for, but the config is for {config.mode}")
    run = _runner(config)  # imports the generator (and Hypothesis) before the snapshot
    tally, error = Tally(), None
    before = take_snapshot()
    try:
        recording = load_recording(config.recording)
        prepare_sys_path(recording)
        run(config, recording, tally)
    except TargetImportError as exc:
        error = str(exc)
    except BaseException as exc:
        error = f"the {command} stopped: {describe_exception(exc)}"
    tampered = check(before)
    if tampered:
        changed = "; ".join(tampered[:5])
        error = f"the candidate changed the checking code or the interpreter: {changed}"
    result = build(
        replayed=tally.replayed,
        skipped=tally.skipped,
        error=error,
        note=tally.note,
        unreplayable=tally.unreplayable,
    )
    write(output, command, result)
    send_exit()  # os._exit below skips the atexit hooks
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    os._exit(0)


def _runner(config: ReplayConfig | GenerateConfig) -> Callable[[Any, Any, Tally], None]:
    if isinstance(config, ReplayConfig):
        return replay_calls
    from .generate import generate_calls

    return generate_calls
