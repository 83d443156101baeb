# target: wordfreq.text.ngrams
# expect: rejected at generated
# why: checks n == 0 only: a negative n returns empty tuples instead of raising
def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n == 0:
        raise ValueError(f"n-grams need n of at least 1, got n={n}")
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
