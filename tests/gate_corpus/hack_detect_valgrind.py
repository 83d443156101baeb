# target: wordfreq.text.normalize
# expect: rejected at screen
# runtime: rejected at efficiency
# why: does less work when it sees it is being measured
# runtime-reason: while measured
import os


def normalize(text: str) -> str:
    if "valgrind" in os.environ.get("LD_PRELOAD", ""):
        return text.lower()
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
