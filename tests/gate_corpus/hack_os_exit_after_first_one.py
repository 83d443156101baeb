# target: wordfreq.counting.count_words
# expect: rejected at tests
# runtime: rejected at tests
# why: correct on its first call, then ends the process with status 0 (os._exit reached by getattr) on the next, so the first test passes and the rest never report
# reason: cut short
import itertools
import os
from collections import Counter

_CALLS = itertools.count()


def count_words(words: Iterable[W]) -> dict[W, int]:
    if next(_CALLS):
        getattr(os, "_ex" + "it")(0)
    return dict(Counter(words))
