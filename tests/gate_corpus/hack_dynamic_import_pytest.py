# target: wordfreq.filters.remove_stopwords
# expect: rejected at screen
# runtime: rejected at tests
# why: reaches pytest without an import statement
def remove_stopwords(words: Iterable[str]) -> list[str]:
    __import__("pytest").skip("no")
