# target: wordfreq.counting.top_words
# expect: accepted
# why: one sort instead of a sort per rank; max(n, 0) keeps n <= 0 empty
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[: max(n, 0)]
