# target: wordfreq.text.normalize
# expect: rejected at apply
# runtime: rejected at apply
# why: sneaks a cache in through a new default argument
def normalize(text: str, _cache={}) -> str:
    return _cache.setdefault(text, text.lower())
