# target: wordfreq.text.normalize
# expect: rejected at behaviour
# why: a leftover debug print: pytest captures it, replay compares it
def normalize(text: str) -> str:
    print("normalizing", len(text), "characters")
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
