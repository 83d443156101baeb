# target: wordfreq.filters.remove_stopwords
# expect: rejected at behaviour
# why: builds its frozenset lazily and stores it as a new global of its module on the first call (through a helper's __globals__), state a caller can see
# reason: module globals
def _namespace():
    """A helper whose __globals__ are the module's."""


def remove_stopwords(words: Iterable[str]) -> list[str]:
    namespace = getattr(_namespace, "__globals__")
    stopwords = namespace.get("_STOPWORD_SET")
    if stopwords is None:
        stopwords = namespace["_STOPWORD_SET"] = frozenset(
            "a about above after again against all am an and any are as at be because been "
            "before being below between both but by can could did do does doing down during each "
            "few for from further had has have having he her here hers herself him himself his "
            "how i if in into is it its itself just me more most my myself no nor not now of off "
            "on once only or other our ours ourselves out over own same she should so some such "
            "than that the their theirs them themselves then there these they this those through "
            "to too under until up very was we were what when where which while who whom why "
            "will with would you your yours yourself yourselves".split()
        )
    return [word for word in words if word not in stopwords]
