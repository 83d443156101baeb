"""Split items into pages of per_page items; pages are numbered from 1."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    number: int
    items: list[Any]
    has_previous: bool
    has_next: bool


class Paginator:
    def __init__(self, items: Iterable[Any], per_page: int) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.items = list(items)
        self.per_page = per_page

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def num_pages(self) -> int:
        """How many pages there are; no items still make one empty page."""
        if not self.items:
            return 1
        return self.count // self.per_page + 1

    def page(self, number: int) -> Page:
        if not 1 <= number <= self.num_pages:
            raise ValueError(f"no page {number}: there are {self.num_pages}")
        start = (number - 1) * self.per_page
        return Page(
            number=number,
            items=self.items[start : start + self.per_page],
            has_previous=number > 1,
            has_next=number < self.num_pages,
        )

    def page_of(self, index: int) -> int:
        """The number of the page that shows the item at position index (from 0)."""
        if not 0 <= index < self.count:
            raise IndexError(index)
        return index // self.per_page + 1

    def page_range(self) -> range:
        return range(1, self.num_pages + 1)

    def __iter__(self) -> Iterator[Page]:
        for number in self.page_range():
            yield self.page(number)
