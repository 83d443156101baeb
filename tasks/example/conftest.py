"""A reproducible sample corpus, shared by the tests and the benchmarks.

The corpus is generated, not stored: Zipf-distributed words (common function words first,
then made-up words built from syllables), in sentences with capitals, commas, quotes and
dashes. `make_corpus` returns the text and the words a correct tokenizer must find in it.
"""

from __future__ import annotations

import itertools
import random

import pytest

FUNCTION_WORDS = [
    "the", "of", "and", "to", "a", "in", "is", "it", "that", "was",
    "he", "for", "on", "are", "with", "as", "his", "they", "at", "be",
    "this", "from", "i", "have", "or", "by", "not", "but", "we", "you",
]  # fmt: skip
OTHER_WORDS = ["don't", "it's", "o'clock", "42", "1999", "naïve", "café"]
SYLLABLES = [
    "ka", "lo", "mi", "ren", "to", "su", "vi", "dan", "el", "or",
    "pa", "qui", "ber", "ton", "ash", "ly", "mor", "ge", "tha", "wen",
]  # fmt: skip

STOPWORDS = frozenset(
    "a about above after again against all am an and any are as at be because been "
    "before being below between both but by can could did do does doing down during each "
    "few for from further had has have having he her here hers herself him himself his "
    "how i if in into is it its itself just me more most my myself no nor not now of off "
    "on once only or other our ours ourselves out over own same she should so some such "
    "than that the their theirs them themselves then there these they this those through "
    "to too under until up very was we were what when where which while who whom why "
    "will with would you your yours yourself yourselves".split()
)

N_SENTENCES = 2500
VOCABULARY_SIZE = 1200
# The benchmarks are the workloads Ratchet measures under callgrind, which runs measured code
# about 75x slower: a smaller corpus keeps one measured run to seconds, and instruction counts
# show a rewrite's gain at any size.
BENCH_SENTENCES = 600


def make_vocabulary(size: int, rng: random.Random) -> list[str]:
    """Function words first, then made-up words; earlier words will be more frequent."""
    made_up = ["".join(p) for n in (2, 3) for p in itertools.product(SYLLABLES, repeat=n)]
    made_up = [w for w in made_up if w not in FUNCTION_WORDS]
    return FUNCTION_WORDS + OTHER_WORDS + rng.sample(made_up, size)


def decorate(word: str, rng: random.Random) -> str:
    """Sometimes quote a word or put a comma or a dash after it."""
    roll = rng.random()
    if roll < 0.03:
        return f"'{word}'"
    if roll < 0.05:
        return f'"{word}"'
    if roll < 0.12:
        return word + ","
    if roll < 0.14:
        return word + " —"
    return word


def make_corpus(n_sentences: int, vocabulary_size: int, seed: int = 0) -> tuple[str, list[str]]:
    """Text of n_sentences sentences, and its words, lower-case and in order."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(vocabulary_size, rng)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))
    words: list[str] = []
    sentences = []
    for i in range(n_sentences):
        sentence = rng.choices(vocabulary, cum_weights=weights, k=rng.randint(4, 16))
        words.extend(sentence)
        shown = [decorate(w, rng) for w in sentence]
        shown[0] = shown[0].capitalize()
        end = rng.choice(".!?") + ("\n\n" if i % 8 == 7 else " ")
        sentences.append(" ".join(shown).rstrip(" ,—") + end)
    return "".join(sentences), words


@pytest.fixture(scope="session")
def corpus() -> tuple[str, list[str]]:
    return make_corpus(N_SENTENCES, VOCABULARY_SIZE)


@pytest.fixture(scope="session")
def stopwords() -> frozenset[str]:
    """What `remove_stopwords` must remove, written out independently of it."""
    return STOPWORDS


@pytest.fixture(scope="session")
def corpus_text(corpus: tuple[str, list[str]]) -> str:
    return corpus[0]


@pytest.fixture(scope="session")
def corpus_words(corpus: tuple[str, list[str]]) -> list[str]:
    return corpus[1]


@pytest.fixture(scope="session")
def bench_corpus() -> tuple[str, list[str]]:
    return make_corpus(BENCH_SENTENCES, VOCABULARY_SIZE, seed=1)


@pytest.fixture(scope="session")
def bench_text(bench_corpus: tuple[str, list[str]]) -> str:
    return bench_corpus[0]


@pytest.fixture(scope="session")
def bench_words(bench_corpus: tuple[str, list[str]]) -> list[str]:
    return bench_corpus[1]
