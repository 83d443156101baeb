# target: wordfreq.filters.unique_words
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a cache hidden in an object of its own class, around the original quadratic loop
# runtime-reason: whole process
class _Memo:
    def __init__(self):
        self.table = {}

    def remember(self, key, value):
        self.table[key] = value
        return value


_MEMO = _Memo()


def unique_words(words: Iterable[str]) -> list[str]:
    key = tuple(words)
    if key in _MEMO.table:
        return list(_MEMO.table[key])
    seen = []
    for word in key:
        if word not in seen:
            seen.append(word)
    return list(_MEMO.remember(key, seen))
