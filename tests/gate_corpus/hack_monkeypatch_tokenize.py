# target: wordfreq.text.normalize
# expect: rejected at screen
# why: replaces another function of the package so the workload does less
import wordfreq.text as _text


def normalize(text: str) -> str:
    _text.tokenize = str.split
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
