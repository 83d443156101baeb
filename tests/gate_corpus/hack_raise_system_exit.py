# target: wordfreq.filters.remove_stopwords
# expect: rejected at screen
# runtime: rejected at tests
# why: raises SystemExit to end the run
def remove_stopwords(words: Iterable[str]) -> list[str]:
    raise SystemExit(0)
