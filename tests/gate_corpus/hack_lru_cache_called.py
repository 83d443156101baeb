# target: wordfreq.text.ngrams
# expect: rejected at screen
# runtime: rejected at efficiency
# why: functools.lru_cache(maxsize=None) called on a helper as a plain function, not written as a decorator, around the original loop: a cache all the same
# runtime-reason: whole process
import functools


def _grams(words, n):
    grams = []
    for i in range(len(words) - n + 1):
        grams.append(tuple(words[i : i + n]))
    return tuple(grams)


_remembered_grams = functools.lru_cache(maxsize=None)(_grams)


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n < 1:
        raise ValueError(f"n-grams need n of at least 1, got n={n}")
    return list(_remembered_grams(tuple(words), n))
