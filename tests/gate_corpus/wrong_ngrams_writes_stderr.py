# target: wordfreq.text.ngrams
# expect: rejected at behaviour
# why: zips shifted slices (right), but writes a diagnostic to stderr when there are fewer words than n, as the tests' short inputs have
# reason: stderr
import sys


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n < 1:
        raise ValueError(f"n-grams need n of at least 1, got n={n}")
    grams = list(zip(*[words[i:] for i in range(n)]))
    if not grams:
        print(f"ngrams: {len(words)} words give no {n}-grams", file=sys.stderr)
    return grams
