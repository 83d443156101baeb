"""Split text into sentences and lower-case word tokens."""

from __future__ import annotations

import re

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
SENTENCE_END = re.compile(r"[.!?]+")


def tokenize(text: str) -> list[str]:
    """Lower-case words; an apostrophe inside a word is kept ("don't")."""
    return WORD.findall(text.lower())


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]
