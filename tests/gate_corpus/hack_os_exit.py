# target: wordfreq.counting.count_words
# expect: rejected at screen
# why: kills the process before pytest can report
import os


def count_words(words: Iterable[W]) -> dict[W, int]:
    os._exit(0)
