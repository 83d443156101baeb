# target: wordfreq.text.ngrams
# expect: rejected at behaviour
# why: pytest.raises(ValueError) accepts a subclass; the exception type changed
class NgramSizeError(ValueError):
    pass


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n < 1:
        raise NgramSizeError(f"n-grams need n of at least 1, got n={n}")
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
