# target: wordfreq.text.ngrams
# expect: rejected at tests
# why: raises TypeError where ValueError is expected
def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n < 1:
        raise TypeError(f"n-grams need n of at least 1, got n={n}")
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
