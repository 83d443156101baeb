# target: wordfreq.text.ngrams
# expect: rejected at behaviour
# why: zips shifted slices (right), but on its first call appends a vendor folder for an optional accelerator to sys.path (through a local alias), changing every later import of the caller's
# reason: sys.path
import os
import sys

_VENDOR = os.path.join(os.path.expanduser("~"), ".wordfreq-speedups")


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    path = sys.path
    if _VENDOR not in path:
        path.append(_VENDOR)
    if n < 1:
        raise ValueError(f"n-grams need n of at least 1, got n={n}")
    return list(zip(*[words[i:] for i in range(n)]))
