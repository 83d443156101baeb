# target: wordfreq.counting.top_words
# expect: rejected at behaviour
# why: one sort (right), but warns when asked for more words than there are, which the original accepts silently and the tests do
# reason: warnings
import warnings


def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    if n > len(counts):
        warnings.warn(f"top_words: {n} words asked for, {len(counts)} counted", stacklevel=2)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: max(n, 0)]
