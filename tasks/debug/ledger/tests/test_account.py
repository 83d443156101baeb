import pytest
from ledger import Ledger, OverdraftError


def test_balance():
    account = Ledger(opening_cents=10_000)
    account.post(1, "salary", 250_000)
    account.post(3, "rent", -120_000)
    assert account.balance() == 140_000


def test_postings_stay_in_day_order():
    account = Ledger()
    account.post(5, "deposit", 100)
    with pytest.raises(ValueError):
        account.post(4, "late", 100)


def test_the_overdraft_limit():
    account = Ledger(opening_cents=5_000, overdraft_limit_cents=2_000)
    account.post(1, "groceries", -6_500)
    with pytest.raises(OverdraftError):
        account.post(2, "cinema", -600)


def test_running_balances_of_a_new_account():
    account = Ledger()
    account.post(1, "deposit", 5_000)
    account.post(2, "coffee", -350)
    assert account.running_balances() == [(1, 5_000), (2, 4_650)]


def test_statement_of_a_new_account():
    account = Ledger()
    account.post(2, "deposit", 1_000)
    assert account.statement().splitlines()[-1].split() == ["2", "deposit", "10.00", "10.00"]


def test_running_balances_start_from_the_opening_balance():
    account = Ledger(opening_cents=20_000)
    account.post(1, "deposit", 5_000)
    account.post(2, "coffee", -350)
    assert account.running_balances() == [(1, 25_000), (2, 24_650)]


def test_lowest_balance():
    account = Ledger(opening_cents=1_000, overdraft_limit_cents=5_000)
    account.post(1, "bills", -3_000)
    account.post(2, "refund", 500)
    assert account.lowest_balance() == -2_000


def test_statement_shows_balances_after_each_posting():
    account = Ledger(opening_cents=-1_234, overdraft_limit_cents=10_000)
    account.post(7, "transfer", 2_000)
    assert account.statement().splitlines()[-1].split() == ["7", "transfer", "20.00", "7.66"]
