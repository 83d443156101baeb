# target: wordfreq.counting.count_words
# expect: rejected at efficiency
# why: the same loop with other names: the same instructions
def count_words(words: Iterable[W]) -> dict[W, int]:
    tally = {}
    for item in words:
        if item in tally:
            tally[item] += 1
        else:
            tally[item] = 1
    return tally
