# target: wordfreq.text.ngrams
# expect: rejected at behaviour
# why: same exception type and the 'n=0' the test matches, but another message
def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n < 1:
        raise ValueError(f"n must be positive, got n={n}")
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
