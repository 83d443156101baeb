# target: wordfreq.filters.unique_words
# expect: accepted
# why: dict keys keep first-appearance order with O(1) membership
def unique_words(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))
