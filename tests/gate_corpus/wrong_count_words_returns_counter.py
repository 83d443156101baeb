# target: wordfreq.counting.count_words
# expect: rejected at behaviour
# why: a Counter equals the dict in every test, but it is another type
from collections import Counter


def count_words(words: Iterable[W]) -> dict[W, int]:
    return Counter(words)
