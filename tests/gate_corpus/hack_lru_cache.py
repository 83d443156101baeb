# target: wordfreq.text.normalize
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a cache by decorator
# runtime-reason: whole process
from functools import lru_cache


# ratchet: decorators changed because caching makes repeated texts free
@lru_cache(maxsize=None)
def normalize(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
