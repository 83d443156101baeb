# target: wordfreq.counting.count_words
# expect: rejected at screen
# runtime: rejected at tests
# why: rebinds the measured function to a cheaper one
import wordfreq.counting


def count_words(words: Iterable[W]) -> dict[W, int]:
    setattr(wordfreq.counting, "count_words", lambda w: {})
    return {}
