import pytest
from lrucache import LRUCache, memoize


def test_get_and_put():
    cache = LRUCache(2)
    cache.put("a", 1)
    assert (cache.get("a"), cache.get("b", "none")) == (1, "none")
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_least_recently_used_key_goes_first():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert cache.keys() == ["a", "c"]
    assert "b" not in cache


def test_updating_a_key_evicts_nothing():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.put("a", 10) is None
    assert (len(cache), cache.get("a")) == (2, 10)


def test_putting_into_a_cache_with_room_evicts_nothing():
    cache = LRUCache(3)
    assert [cache.put(k, 0) for k in "abc"] == [None, None, None]


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        LRUCache(0)


def test_memoize_calls_once_per_argument():
    calls = []

    @memoize(capacity=8)
    def square(n):
        calls.append(n)
        return n * n

    assert [square(n) for n in (3, 4, 3, 3)] == [9, 16, 9, 9]
    assert calls == [3, 4]


def test_put_reports_the_evicted_key():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.put("c", 3) == "a"


def test_memoize_logs_evictions():
    @memoize(capacity=2)
    def double(n):
        return 2 * n

    for n in (1, 2, 3, 1):
        double(n)
    assert double.evicted == [(1,), (2,)]
