from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sortedsearch.search import find, insertion_point


class SortedList:
    """A list that keeps its items in ascending order."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items = sorted(items)

    def add(self, item: Any) -> None:
        self._items.insert(insertion_point(self._items, item, after_equal=True), item)

    def remove(self, item: Any) -> None:
        index = find(self._items, item)
        if index == -1:
            raise ValueError(f"{item!r} is not in the list")
        del self._items[index]

    def __contains__(self, item: Any) -> bool:
        return find(self._items, item) != -1

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)
