# target: wordfreq.filters.unique_words
# expect: rejected at screen
# runtime: rejected at tests
# why: skips every test that calls it
import pytest


def unique_words(words: Iterable[str]) -> list[str]:
    pytest.skip("fast enough")
