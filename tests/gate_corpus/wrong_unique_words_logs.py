# target: wordfreq.filters.unique_words
# expect: rejected at behaviour
# why: dict.fromkeys (right), but a leftover log line at warning level on every call, which any caller's logging shows
# reason: log records
import logging

_log = logging.getLogger("wordfreq.filters")


def unique_words(words: Iterable[str]) -> list[str]:
    unique = list(dict.fromkeys(words))
    _log.warning("unique_words: %d distinct words", len(unique))
    return unique
