# target: wordfreq.filters.unique_words
# expect: rejected at screen
# runtime: rejected at efficiency
# why: keeps a memo of the original loop's answers in wordfreq.counting's namespace (through vars()), so the target module's own globals never change
# runtime-reason: whole process
from wordfreq import counting as _elsewhere


def unique_words(words: Iterable[str]) -> list[str]:
    words = tuple(words)
    memo = vars(_elsewhere).setdefault("_unique_words_seen", {})
    if words not in memo:
        seen = []
        for word in words:
            if word not in seen:
                seen.append(word)
        memo[words] = seen
    return list(memo[words])
