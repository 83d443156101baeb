# target: wordfreq.counting.count_words
# expect: rejected at efficiency
# why: the same loop plus two needless copies
def count_words(words: Iterable[W]) -> dict[W, int]:
    words = list(words)
    counts = {}
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return dict(counts)
