# target: wordfreq.text.normalize
# expect: rejected at screen
# why: a cache by decorator
from functools import lru_cache


# ratchet: decorators changed because caching makes repeated texts free
@lru_cache(maxsize=None)
def normalize(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
