import pytest
from pager import Paginator


def test_a_partial_last_page():
    pages = Paginator(range(11), per_page=5)
    assert pages.num_pages == 3
    assert pages.page(3).items == [10]


def test_the_first_page():
    page = Paginator("abcdefg", per_page=3).page(1)
    assert (page.items, page.has_previous, page.has_next) == (["a", "b", "c"], False, True)


def test_no_items_make_one_empty_page():
    pages = Paginator([], per_page=10)
    assert pages.num_pages == 1
    assert pages.page(1).items == []


def test_pages_out_of_range():
    pages = Paginator(range(11), per_page=5)
    for number in (0, 4):
        with pytest.raises(ValueError):
            pages.page(number)


def test_per_page_must_be_positive():
    with pytest.raises(ValueError):
        Paginator([1, 2], per_page=0)


def test_page_of_an_item():
    pages = Paginator(range(11), per_page=5)
    assert [pages.page_of(i) for i in (0, 4, 5, 10)] == [1, 1, 2, 3]


def test_middle_page_has_neighbours():
    page = Paginator(range(11), per_page=5).page(2)
    assert (page.has_previous, page.has_next) == (True, True)


def test_an_exact_multiple_has_no_extra_page():
    assert Paginator(range(10), per_page=5).num_pages == 2


def test_a_full_last_page_has_no_next():
    assert not Paginator(range(6), per_page=3).page(2).has_next


def test_iterating_never_yields_an_empty_page():
    assert [page.items for page in Paginator(range(4), per_page=2)] == [[0, 1], [2, 3]]
