# target: wordfreq.counting.count_words
# expect: rejected at screen
# runtime: rejected at tests
# why: kills the process before pytest can report
# runtime-reason: cut short
import os


def count_words(words: Iterable[W]) -> dict[W, int]:
    os._exit(0)
