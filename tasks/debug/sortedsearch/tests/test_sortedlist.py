import pytest
from sortedsearch import SortedList


def test_items_stay_sorted():
    items = SortedList([5, 1, 4])
    items.add(3)
    items.add(6)
    assert list(items) == [1, 3, 4, 5, 6]


def test_remove():
    items = SortedList(["pear", "apple", "fig"])
    items.remove("fig")
    assert (list(items), len(items)) == (["apple", "pear"], 2)


def test_contains_its_items():
    items = SortedList([10, 20, 30])
    assert all(n in items for n in (10, 20, 30))


def test_does_not_contain_other_items():
    assert 25 not in SortedList([10, 20, 30])


def test_removing_a_missing_item_is_an_error():
    items = SortedList([10, 20, 30])
    with pytest.raises(ValueError):
        items.remove(15)
    assert list(items) == [10, 20, 30]
