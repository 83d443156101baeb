# target: wordfreq.report.format_report
# expect: accepted
# why: lines joined once; str.startswith with a tuple
def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    width = max((len(word) for word in counts), default=0)
    prefixes = tuple(highlight)
    lines = [title, "=" * len(title)]
    for word, count in counts.items():
        marker = "*" if word.startswith(prefixes) else " "
        lines.append(f"{marker} {word.ljust(width)} {count:>6}")
    return "\n".join(lines) + "\n"
