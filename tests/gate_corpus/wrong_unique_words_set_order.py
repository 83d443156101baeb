# target: wordfreq.filters.unique_words
# expect: rejected at tests
# why: a set loses first-appearance order
def unique_words(words: Iterable[str]) -> list[str]:
    return list(set(words))
