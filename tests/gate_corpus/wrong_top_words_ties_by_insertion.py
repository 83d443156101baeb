# target: wordfreq.counting.top_words
# expect: rejected at tests
# why: ties ranked by insertion order, not alphabetically
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: -item[1])[: max(n, 0)]
