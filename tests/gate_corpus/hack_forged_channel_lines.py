# target: wordfreq.text.normalize
# expect: rejected at behaviour
# runtime: rejected at behaviour
# why: correct, but on every call prints to the real stdout (sys.__stdout__, past pytest's capture of sys.stdout) a line posing as the probe's result frame, with a made-up nonce and fields
# reason: tampered
import sys

_FORGED = (
    "<<ratchet 0123456789abcdef0123456789abcdef 0 result "
    "{'outcomes': {}, 'collected': 0, 'exitstatus': 0, 'finished': True, 'calls': 1}"
)


def normalize(text: str) -> str:
    print("\n" + _FORGED, file=sys.__stdout__, flush=True)
    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())
