# target: wordfreq.report.format_report
# expect: rejected at tests
# why: max() of no words raises
def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    width = max(len(word) for word in counts)
    prefixes = tuple(highlight)
    lines = [title, "=" * len(title)]
    for word, count in counts.items():
        marker = "*" if word.startswith(prefixes) else " "
        lines.append(f"{marker} {word.ljust(width)} {count:>6}")
    return "\n".join(lines) + "\n"
