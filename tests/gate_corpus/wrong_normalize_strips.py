# target: wordfreq.text.normalize
# expect: rejected at tests
# why: strips the trailing blank
def normalize(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower()).rstrip()
