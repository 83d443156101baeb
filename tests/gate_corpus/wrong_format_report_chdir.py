# target: wordfreq.report.format_report
# expect: rejected at behaviour
# why: a leftover os.chdir into the temp directory (once used to spill long reports to a scratch file): right report, but the caller's working directory moves
# reason: working directory
import os
import tempfile


def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    os.chdir(tempfile.gettempdir())
    width = max((len(word) for word in counts), default=0)
    prefixes = tuple(highlight)
    lines = [title, "=" * len(title)]
    for word, count in counts.items():
        marker = "*" if word.startswith(prefixes) else " "
        lines.append(f"{marker} {word.ljust(width)} {count:>6}")
    return "\n".join(lines) + "\n"
