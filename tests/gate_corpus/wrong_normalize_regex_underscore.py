# target: wordfreq.text.normalize
# expect: rejected at generated
# why: \w keeps '_', which the original blanks
import re

_NOT_WORD = re.compile(r"[^\w']")


def normalize(text: str) -> str:
    return _NOT_WORD.sub(" ", text.lower())
