# target: wordfreq.counting.top_words
# expect: rejected at screen
# runtime: screen-only
# why: a cache in an attribute of the function around a genuinely faster one-sort ranking: a cold pass alone saves more than half of what the warm measured pass shows, so the whole-process check passes it and only the screen sees the state (hack_function_attribute_cache_by_vars caches the original loop instead)
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    key = (tuple(counts.items()), n)
    cache = top_words.__dict__.setdefault("cache", {})
    if key not in cache:
        cache[key] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: max(n, 0)]
    return list(cache[key])
