# target: wordfreq.counting.top_words
# expect: rejected at behaviour
# why: shuffles the items before its one sort (a quicksort habit; Timsort needs no help): the ranking is right, but each call consumes the caller's global random state
# reason: random state
import random


def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    items = list(counts.items())
    random.shuffle(items)
    items.sort(key=lambda item: (-item[1], item[0]))
    return items[: max(n, 0)]
