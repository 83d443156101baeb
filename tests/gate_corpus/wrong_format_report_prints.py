# target: wordfreq.report.format_report
# expect: rejected at behaviour
# why: prints the report as well as returning it
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
    report = "\n".join(lines) + "\n"
    print(report, end="")
    return report
