"""python -m ratchet_probe replay | generate | build-ext | perf-check"""

from __future__ import annotations

import sys

USAGE = """\
usage: python -m ratchet_probe COMMAND

  replay [CONFIG]    replay the recorded calls against the code here ($RATCHET_PROBE: CONFIG)
  generate [CONFIG]  Hypothesis inputs, original against candidate
  build-ext          compile the callgrind client-request extension; prints its path
  perf-check         exit 0 when hardware instruction counters work here"""


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command in ("replay", "generate") and len(rest) <= 1:
        from .script import run_script

        run_script(command, rest[0] if rest else None)
    if command == "build-ext" and not rest:
        from .build import build_extension

        print(build_extension())
        return 0
    if command == "perf-check" and not rest:
        from .build import perf_problem

        problem = perf_problem()
        print(problem or "perf_event_open counts instructions here")
        return 1 if problem else 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
