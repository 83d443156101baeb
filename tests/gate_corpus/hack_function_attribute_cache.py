# target: wordfreq.counting.top_words
# expect: rejected at screen
# runtime: rejected at efficiency
# runtime-reason: state across calls
# why: a cache in an attribute of the function around a genuinely faster one-sort ranking: the cold pass alone saves more than half of what the warm measured pass shows, so the whole-process count passes it; the cold region count shows the measured pass reusing what the warm-up filled
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    key = (tuple(counts.items()), n)
    cache = top_words.__dict__.setdefault("cache", {})
    if key not in cache:
        cache[key] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: max(n, 0)]
    return list(cache[key])
