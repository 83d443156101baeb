# target: wordfreq.text.normalize
# expect: rejected at tests
# why: blanks accented letters
import string

_KEEP = frozenset(string.ascii_letters + string.digits + "'")


def normalize(text: str) -> str:
    return "".join(ch if ch in _KEEP else " " for ch in text.lower())
