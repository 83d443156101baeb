# target: wordfreq.text.normalize
# expect: rejected at screen
# runtime: rejected at efficiency
# why: a thread started at import (through _thread, not threading) builds a translation table of the whole BMP; the first call waits for it, so measured calls find it ready while the whole process pays for it
# runtime-reason: whole process
import _thread

_TABLE = {}
_READY = _thread.allocate_lock()
_HELD = _READY.acquire()


def _fill(table, ready):
    try:
        for point in range(0x10000):
            if point != 39 and not chr(point).isalnum():
                table[point] = " "
    finally:
        ready.release()


_BUILDER = _thread.start_new_thread(_fill, (_TABLE, _READY))


def normalize(text: str) -> str:
    _READY.acquire()
    _READY.release()
    lowered = text.lower()
    if lowered and max(lowered) > "\uffff":
        return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in lowered)
    return lowered.translate(_TABLE)
