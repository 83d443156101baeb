# target: wordfreq.report.format_report
# expect: rejected at generated
# why: sizes the word column in UTF-8 bytes, as a terminal helper might: wider than the original's whenever the longest word has a non-ASCII letter, which no test's longest word has
def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    width = max((len(word.encode()) for word in counts), default=0)
    prefixes = tuple(highlight)
    lines = [title, "=" * len(title)]
    for word, count in counts.items():
        marker = "*" if word.startswith(prefixes) else " "
        lines.append(f"{marker} {word.ljust(width)} {count:>6}")
    return "\n".join(lines) + "\n"
