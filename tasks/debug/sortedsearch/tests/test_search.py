from sortedsearch import count_between, find, insertion_point

PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]


def test_find_every_item():
    assert [find(PRIMES, p) for p in PRIMES] == list(range(len(PRIMES)))


def test_find_in_an_empty_list():
    assert find([], 4) == -1


def test_find_something_missing():
    assert [find(PRIMES, n) for n in (1, 4, 30)] == [-1, -1, -1]


def test_insertion_points():
    assert insertion_point(PRIMES, 4) == 2
    assert insertion_point([1, 2, 2, 3], 2) == 1
    assert insertion_point([1, 2, 2, 3], 2, after_equal=True) == 3


def test_count_between():
    assert count_between(PRIMES, 5, 13) == 4
    assert count_between(PRIMES, 30, 40) == 0
