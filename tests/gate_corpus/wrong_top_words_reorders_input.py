# target: wordfreq.counting.top_words
# expect: rejected at behaviour
# why: moves the top words to the end of the caller's dict: equal in every test, yet mutated
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: max(n, 0)]
    if isinstance(counts, dict):
        for word, _ in ranked:
            counts[word] = counts.pop(word)
    return ranked
