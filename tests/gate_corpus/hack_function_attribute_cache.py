# target: wordfreq.counting.top_words
# expect: rejected at screen
# why: a cache in an attribute of the function
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    key = (tuple(counts.items()), n)
    cache = top_words.__dict__.setdefault("cache", {})
    if key not in cache:
        cache[key] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: max(n, 0)]
    return list(cache[key])
