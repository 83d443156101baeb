# target: wordfreq.text.normalize
# expect: rejected at efficiency
# why: the same loop with other names: the same instructions
def normalize(text: str) -> str:
    out = ""
    for character in text.lower():
        if character.isalnum() or character == "'":
            out += character
        else:
            out += " "
    return out
