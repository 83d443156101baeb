# target: wordfreq.counting.count_words
# expect: rejected at screen
# runtime: rejected at behaviour
# why: Counter (right), but installs a SIGUSR1 handler (through _signal, not signal) so `kill -USR1` shows progress: the caller's handler is replaced
# runtime-reason: signal handlers
import _signal
from collections import Counter


def _still_counting(signum, frame):
    print("count_words: still counting", flush=True)


def count_words(words: Iterable[W]) -> dict[W, int]:
    _signal.signal(_signal.SIGUSR1, _still_counting)
    return dict(Counter(words))
