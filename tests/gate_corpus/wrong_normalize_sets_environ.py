# target: wordfreq.text.normalize
# expect: rejected at behaviour
# why: sets LC_ALL=C in os.environ (reached by getattr) believing str.lower is faster in the C locale (it does not read the locale); the caller's environment changes
# reason: environment
import os


def normalize(text: str) -> str:
    getattr(os, "environ")["LC_ALL"] = "C"
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
