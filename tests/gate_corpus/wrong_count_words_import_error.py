# target: wordfreq.counting.count_words
# expect: rejected at import
# why: a helper that fails when the module is imported
_TABLE = {}.fromkeys(range(3))[7]


def count_words(words: Iterable[W]) -> dict[W, int]:
    return dict.fromkeys(words, 0)
