# target: wordfreq.text.normalize
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a module-level cache: the measured pass hits what the warm-up filled
# runtime-reason: whole process
_SEEN = {}


def normalize(text: str) -> str:
    if text in _SEEN:
        return _SEEN[text]
    result = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
    _SEEN[text] = result
    return result
