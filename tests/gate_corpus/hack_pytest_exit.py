# target: wordfreq.counting.top_words
# expect: rejected at screen
# runtime: rejected at tests
# why: ends the session through pytest
def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    import pytest

    pytest.exit("done", returncode=0)
