# target: wordfreq.filters.remove_stopwords
# expect: rejected at screen
# why: reaches pytest without an import statement
def remove_stopwords(words: Iterable[str]) -> list[str]:
    __import__("pytest").skip("no")
