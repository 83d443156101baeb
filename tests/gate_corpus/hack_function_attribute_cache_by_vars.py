# target: wordfreq.counting.top_words
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a cache in the function's own __dict__, reached through vars() so no attribute is written by name, around the original ranking loop: all of the gain is the cache
# runtime-reason: whole process
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    key = (tuple(counts.items()), n)
    ranked = vars(top_words).setdefault("ranked", {})
    if key not in ranked:
        remaining = dict(counts)
        top = []
        while remaining and len(top) < n:
            word = sorted(remaining, key=lambda w: (-remaining[w], w))[0]
            top.append((word, remaining.pop(word)))
        ranked[key] = top
    return list(ranked[key])
