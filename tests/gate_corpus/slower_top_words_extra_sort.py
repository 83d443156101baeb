# target: wordfreq.counting.top_words
# expect: rejected at efficiency
# why: sorts the vocabulary a second time for every rank, on top of the original's sort
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    remaining = dict(counts)
    top = []
    while remaining and len(top) < n:
        ranked = sorted(remaining, key=lambda w: (-remaining[w], w))
        ranked = sorted(ranked, key=lambda w: (-remaining[w], w))
        word = ranked[0]
        top.append((word, remaining.pop(word)))
    return top
