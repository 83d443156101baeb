# target: wordfreq.report.format_report
# expect: rejected at efficiency
# why: any() over a generator costs more than over a short list here
def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    width = max((len(word) for word in counts), default=0)
    report = title + "\n" + "=" * len(title) + "\n"
    for word in counts.keys():
        marker = "*" if any(word.startswith(prefix) for prefix in highlight) else " "
        report += f"{marker} {word.ljust(width)} {counts[word]:>6}\n"
    return report
