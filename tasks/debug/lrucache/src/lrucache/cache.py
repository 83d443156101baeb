"""A cache of at most `capacity` entries that forgets the least recently used one first."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRUCache:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, default: Any = None) -> Any:
        if key not in self._data:
            self.misses += 1
            return default
        self.hits += 1
        self._data.move_to_end(key)
        return self._data[key]

    def put(self, key: Hashable, value: Any) -> Hashable | None:
        """Store value under key; return the key evicted to make room for it, or None."""
        if key in self._data:
            self._data.move_to_end(key)
            self._data[key] = value
            return None
        self._data[key] = value
        if len(self._data) > self.capacity:
            oldest = next(iter(self._data))
            del self._data[oldest]
            return key
        return None

    def keys(self) -> list[Hashable]:
        """From the least to the most recently used."""
        return list(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)


def memoize(capacity: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Cache a function's results by its positional arguments; evictions are logged."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        cache = LRUCache(capacity)
        evicted: list[Hashable] = []
        missing = object()

        @functools.wraps(func)
        def wrapper(*args: Hashable) -> Any:
            value = cache.get(args, missing)
            if value is missing:
                value = func(*args)
                gone = cache.put(args, value)
                if gone is not None:
                    evicted.append(gone)
            return value

        wrapper.cache = cache  # type: ignore[attr-defined]
        wrapper.evicted = evicted  # type: ignore[attr-defined]
        return wrapper

    return decorate
