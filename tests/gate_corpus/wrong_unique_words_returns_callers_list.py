# target: wordfreq.filters.unique_words
# expect: rejected at behaviour
# why: returns the caller's own list when nothing in it repeats (the tests' empty list): an equal value, but the original always returns a new list, so the caller's later changes now reach the result
def unique_words(words: Iterable[str]) -> list[str]:
    if isinstance(words, list) and len(set(words)) == len(words):
        return words
    return list(dict.fromkeys(words))
