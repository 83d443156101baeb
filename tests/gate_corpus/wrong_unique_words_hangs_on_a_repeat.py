# target: wordfreq.filters.unique_words
# expect: rejected at tests
# why: a dict in place of the list scan, but the loop forgets to step past a word it has seen, so it never ends on the first repeat: the tests' run is killed at its bound (10x the original's suite, at least 60 s), not at the sandbox's limit
# reason: ran past
def unique_words(words: Iterable[str]) -> list[str]:
    words = list(words)
    seen: dict[str, None] = {}
    i = 0
    while i < len(words):
        if words[i] in seen:
            continue
        seen[words[i]] = None
        i += 1
    return list(seen)
