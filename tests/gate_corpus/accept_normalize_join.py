# target: wordfreq.text.normalize
# expect: accepted
# why: one join instead of repeated string concatenation
def normalize(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
