# target: wordfreq.counting.count_words
# expect: accepted
# why: Counter counts in C; dict() keeps the type and first-appearance order
from collections import Counter


def count_words(words: Iterable[W]) -> dict[W, int]:
    return dict(Counter(words))
