# target: wordfreq.filters.unique_words
# expect: accepted
# why: a set beside the list for membership
def unique_words(words: Iterable[str]) -> list[str]:
    seen = set()
    kept = []
    for word in words:
        if word not in seen:
            seen.add(word)
            kept.append(word)
    return kept
