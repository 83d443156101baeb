# target: wordfreq.counting.top_words
# expect: rejected at generated
# why: slicing with a negative n returns almost everything; the original returns []
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
