# target: wordfreq.report.format_report
# expect: rejected at behaviour
# why: sets the thread's decimal context to 12 digits "because counts are whole numbers": nothing here uses Decimal, but every caller's Decimal arithmetic inherits it
# reason: decimal context
import decimal


def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    decimal.getcontext().prec = 12
    width = max((len(word) for word in counts), default=0)
    prefixes = tuple(highlight)
    lines = [title, "=" * len(title)]
    for word, count in counts.items():
        marker = "*" if word.startswith(prefixes) else " "
        lines.append(f"{marker} {word.ljust(width)} {count:>6}")
    return "\n".join(lines) + "\n"
