"""Line counts at the sandbox's edge: run a Python command once with every line of the repo's own
code counted, and read the counts back.

Sampling says where the time goes, but two samplings of the same code never agree on the order
of functions whose times are close, nor on which rarely caught ones appear at all. A count does:
the same code, inputs and interpreter (and PYTHONHASHSEED, fixed in every sandbox) run the same
lines, so functions ranked by the lines of their own code that ran come out in the same order run
after run. What a count cannot see is work done in C (a `word in big_list` line counts once
however long the list), so sampling stays the measure of time and this one the measure for
choosing.

The command runs under py-spy's launcher (profilers/pyspy.py: same interpreter, same `-m`, `-c`
or script, exit status to a file) with `sys.settrace` installed first, in every thread, with
local tracers only in the repo's own functions (not module or class bodies, which run their `def`
lines once at import). Their line events are the count: one each time a line starts, and one per
turn of a loop that stays on one line (a comprehension), alike on 3.9 to 3.13 (sys.monitoring's
LINE events would be cheaper on 3.12 and later, but see a one-line comprehension once). A
RecursionError inside a trace function switches tracing off in its thread; an audit hook puts it
back at that thread's next audit event (an import, an open...), and the count says how often
that happened. The counts come back as one-frame stacks, `name (file:line) count`, so the
hotspot resolver maps them to functions.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sandbox.base import RunResult, Workspace

from .hotspots import Stack, parse_collapsed
from .pyspy import RUNNER, ProfilingError, launch, read_text

NOTE = re.compile(r"^# off=(\d+) replaced=([01])$", re.M)  # the counter's last line
COUNTER = (
    RUNNER
    + """\
import collections, threading
def count(files, output, status, *command):
    with open(files, encoding="utf-8") as listed:
        wanted = set(listed.read().splitlines())
    wanted |= {os.path.realpath(path) for path in wanted}
    cwd, ours, counts, tracers = os.getcwd(), {}, {}, {}
    def mine(filename):
        found = ours.get(filename)
        if found is None:
            path = os.path.normpath(os.path.join(cwd, filename or "?"))
            found = ours[filename] = path in wanted or os.path.realpath(path) in wanted
        return found
    def counting(code):  # functions only: a module or class body runs its `def` lines once
        if not code.co_flags & 2 or not mine(code.co_filename):  # 2: CO_NEWLOCALS
            return None
        ran = counts[code] = collections.defaultdict(int)
        def local(frame, event, arg):
            if event == "line":
                ran[frame.f_lineno] += 1
            return local
        return local
    def tracer(frame, event, arg):  # a new frame: its local tracer, None outside the repo
        if not mine(frame.f_globals.get("__file__")):  # f_code is audited: read it less
            return None
        code = frame.f_code
        try:
            return tracers[code]
        except KeyError:
            return tracers.setdefault(code, counting(code))
    lost, arming = [], []
    def rearm(event, args):  # a RecursionError in a tracer ends tracing in its thread
        if not arming and event != "sys.settrace" and sys.gettrace() is None:
            arming.append(event)  # sys.settrace raises an audit event of its own
            try:
                sys.settrace(tracer)
                lost.append(event)
            finally:
                arming.pop()
    threading.settrace(tracer)
    sys.settrace(tracer)
    sys.addaudithook(rearm)  # audit events (open, import, sys._getframe...) come often
    try:
        launch(status, *command)
    finally:
        arming.append("done")  # audit hooks cannot be removed: this one does nothing now
        replaced = sys.gettrace() is not tracer
        sys.settrace(None)
        threading.settrace(None)
        found = sorted(
            ((code.co_filename, number, code.co_name), times)
            for code, ran in counts.items()
            for number, times in ran.items()
        )
        with open(output, "w", encoding="utf-8") as out:
            for (filename, number, name), times in found:
                out.write(f"{name} ({filename}:{number}) {times}\\n")
            out.write(f"# off={len(lost)} replaced={int(replaced)}\\n")
count(*sys.argv[1:])
"""
)


@dataclass(frozen=True)
class LineCount:
    """How often each line of the repo's functions ran, as one-frame stacks, and how the command
    ended. Lines are missing from the count when the command switched the counter off (`off`
    times: `sys.settrace(None)`, or a RecursionError inside the counter; it is back at the next
    audit event of that thread) or put a trace function of its own in its place (`replaced`)."""

    stacks: list[Stack]
    result: RunResult
    off: int = 0
    replaced: bool = False


def count_lines(
    workspace: Workspace, argv: Sequence[str], files: Sequence[str], *, timeout: float | None = None
) -> LineCount:
    """Run the Python command argv once, counting the lines that run in `files` (repo-relative
    paths: the repo's own code). A failing command is no error: its status is in the result."""
    name = f".ratchet-lines-{uuid.uuid4().hex[:12]}"
    root = workspace.root
    listed = "".join(f"{root}/{path}\n" for path in files)
    workspace.write_file(f"{name}.files", listed.encode())
    paths = (f"{root}/{name}.files", f"{root}/{name}.txt", f"{root}/{name}.status")
    run = workspace.run(launch(argv, *paths, script=COUNTER), timeout=timeout)
    counted = read_text(workspace, f"{name}.txt")
    if counted is None:
        raise ProfilingError(_explain(run, argv))
    code = read_text(workspace, f"{name}.status")
    returncode = int(code) if code and code.lstrip("-").isdigit() else run.returncode or 1
    result = replace(run, argv=tuple(argv), returncode=returncode)
    note = NOTE.search(counted)
    off, replaced = (int(note[1]), note[2] == "1") if note else (0, False)
    return LineCount(parse_collapsed(counted), result, off, replaced)


def _explain(run: RunResult, argv: Sequence[str]) -> str:
    shown = " ".join(argv)
    if run.timed_out:
        return (
            f"`{shown}` did not finish within its timeout ({run.duration:.0f}s) with its lines "
            "counted (counting makes it slower), so there are no counts; give it a longer "
            "timeout (--timeout SECONDS, or `timeout` under [tool.ratchet]) or fewer tests."
        )
    lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
    return (
        f"`{shown}` wrote no line counts ({lines[-1] if lines else f'exit {run.returncode}'}); "
        "the command must be a Python program."
    )
