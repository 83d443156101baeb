# target: wordfreq.text.normalize
# expect: rejected at generated
# why: a translation table of exactly the characters the tests use (ASCII punctuation, newline, dash, euro sign): right on every recorded call, wrong on any other non-alphanumeric character (a tab, '¡', '…')
import string

_BLANK = str.maketrans({ch: " " for ch in string.punctuation.replace("'", "") + "\n—€"})


def normalize(text: str) -> str:
    return text.lower().translate(_BLANK)
