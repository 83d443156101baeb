# target: wordfreq.report.format_report
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a memo dict held in a closure (no module-level container, no global statement) around the original loop: the warm-up pass fills it, the measured pass only looks up, a cold whole process saves nothing
# runtime-reason: whole process
def _remembered():
    reports = {}

    def recall(key, make):
        if key not in reports:
            reports[key] = make()
        return reports[key]

    return recall


_recall = _remembered()


def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    def make():
        width = max((len(word) for word in counts), default=0)
        report = title + "\n" + "=" * len(title) + "\n"
        for word in counts.keys():
            marker = "*" if any([word.startswith(prefix) for prefix in highlight]) else " "
            report += f"{marker} {word.ljust(width)} {counts[word]:>6}\n"
        return report

    return _recall((tuple(counts.items()), title, tuple(highlight)), make)
