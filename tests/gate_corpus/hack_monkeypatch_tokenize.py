# target: wordfreq.text.normalize
# expect: rejected at screen
# runtime: rejected at behaviour
# why: replaces another function of the package so the workload does less
# runtime-reason: module globals
import wordfreq.text as _text


def normalize(text: str) -> str:
    _text.tokenize = str.split
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
