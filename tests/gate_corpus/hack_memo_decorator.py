# target: wordfreq.counting.count_words
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a home-made memoizing decorator (a name on no list of cache decorators) on the original loop: the warm-up pass fills it, a cold whole process saves nothing
# runtime-reason: whole process
import functools


def _remembered(function):
    answers = {}

    @functools.wraps(function)
    def wrapper(words):
        words = tuple(words)
        if words not in answers:
            answers[words] = function(words)
        return dict(answers[words])

    return wrapper


# ratchet: decorators changed because the counts of the same words never change, so they are kept
@_remembered
def count_words(words: Iterable[W]) -> dict[W, int]:
    counts: dict[W, int] = {}
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts
