# target: wordfreq.filters.unique_words
# expect: rejected at screen
# why: a cache hidden in an object of its own class
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
    return list(_MEMO.remember(key, list(dict.fromkeys(key))))
