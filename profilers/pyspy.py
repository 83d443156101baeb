"""py-spy at the sandbox's edge: sample a Python command inside a workspace, read its stacks back.

py-spy exits 0 whatever its child did (benfred/py-spy#717), so the command runs under a small
launcher: the same interpreter, in the same process (py-spy samples it from its first line), that
runs the command's `-m module`, `-c code` or script and writes its exit status to a file.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sandbox.base import RunResult, Workspace

from .hotspots import Stack, parse_collapsed

PYTHON = re.compile(r"python[0-9.]*")  # the name of an interpreter
VALUED = ("-W", "-X")  # interpreter options whose value may be the next word
NOTE = "py-spy> "  # how py-spy's own lines on stdout begin
RUNNER = """\
import os, runpy, shutil, sys
def search(first):  # where python would look first; "" unless -I or -P said not to look there
    if sys.path and sys.path[0] == "":
        sys.path[0] = first
def launch(status, how, target, *args):
    code = 1
    try:
        if how == "-m":
            sys.argv[:] = [target, *args]
            search(os.getcwd())
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        elif how == "-c":
            sys.argv[:] = ["-c", *args]
            exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
        else:
            path = target if os.path.exists(target) else shutil.which(target) or target
            sys.argv[:] = [path, *args]
            search(os.path.dirname(os.path.realpath(path)))
            runpy.run_path(path, run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        raise
    finally:
        with open(status, "w") as out:
            out.write(str(code))
"""
LAUNCHER = RUNNER + "launch(*sys.argv[1:])\n"


class ProfilingError(Exception):
    """py-spy could not sample the command, or wrote no profile."""


@dataclass(frozen=True)
class Recording:
    """The stacks py-spy sampled, the raw text they came from, and how the command ended."""

    stacks: list[Stack]
    result: RunResult  # the profiled command's own argv, exit status and stdout
    collapsed: str


def record(
    workspace: Workspace, argv: Sequence[str], *, rate: int = 200, timeout: float | None = None
) -> Recording:
    """Sample the Python command argv (`python -m pytest ...`, `python x.py`, `pytest ...`).

    The workspace must allow ptrace (for Docker: `session.workspace(..., profiling=True)`).
    A failing command is no error: its exit status is in the recording's result.
    """
    name = f".ratchet-pyspy-{uuid.uuid4().hex[:12]}"
    output, status = f"{name}.txt", f"{name}.status"
    command = [
        *("py-spy", "record", "--format", "raw", "--full-filenames", "--rate", str(rate)),
        *("--output", f"{workspace.root}/{output}", "--"),
        *launch(argv, f"{workspace.root}/{status}"),
    ]
    run = workspace.run(command, timeout=timeout)
    collapsed = read_text(workspace, output)
    if collapsed is None:
        raise ProfilingError(_explain(run, argv))
    code = read_text(workspace, status)
    returncode = int(code) if code and code.lstrip("-").isdigit() else run.returncode or 1
    stdout = "".join(line for line in run.stdout.splitlines(True) if not line.startswith(NOTE))
    result = replace(run, argv=tuple(argv), returncode=returncode, stdout=stdout)
    return Recording(parse_collapsed(collapsed), result, collapsed)


def launch(argv: Sequence[str], *values: str, script: str = LAUNCHER) -> list[str]:
    """argv, run by `script` (LAUNCHER, or another script that ends by calling RUNNER's
    `launch`) with the same interpreter and interpreter options; `values` (LAUNCHER's: the
    status file) come before the command."""
    if not argv:
        raise ValueError("record needs a command to profile, such as python -m pytest")
    if PYTHON.fullmatch(posixpath.basename(argv[0])):
        interpreter, rest = argv[0], list(argv[1:])
    else:  # a script on PATH, such as pytest's
        interpreter, rest = "python", list(argv)
    options = []
    while rest and rest[0].startswith("-") and rest[0] not in ("-m", "-c"):
        options.append(rest.pop(0))
        if options[-1] in VALUED and rest:
            options.append(rest.pop(0))
    how = rest.pop(0) if rest and rest[0] in ("-m", "-c") else "path"
    if not rest:
        raise ValueError(f"{' '.join(argv)!r} names no module, code or script to profile")
    return [interpreter, *options, "-c", script, *values, how, *rest]


def read_text(workspace: Workspace, path: str) -> str | None:
    """A file the run wrote in the workspace, as text; None when there is none."""
    try:
        return workspace.read_file(path).decode("utf-8", "replace")
    except OSError:  # also Docker's NotFound, an HTTP error
        return None


def _explain(run: RunResult, argv: Sequence[str]) -> str:
    shown = " ".join(argv)
    if run.timed_out:
        return (
            f"`{shown}` did not finish within its timeout ({run.duration:.0f}s), so py-spy wrote "
            "no profile; give it a longer timeout (--timeout SECONDS, or `timeout` under "
            "[tool.ratchet]) or profile fewer tests."
        )
    lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
    why = next((line for line in lines if line.startswith("Error:")), lines[-1] if lines else "")
    return (
        f"py-spy could not profile `{shown}` ({why or f'exit {run.returncode}'}); the command "
        "must be a Python program, and for Docker the workspace needs profiling=True (SYS_PTRACE)."
    )
