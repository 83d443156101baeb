import pytest
from stockroom import Inventory, StockError


@pytest.fixture
def stock():
    inventory = Inventory()
    inventory.add("BOLT", "bolt M6", 15, quantity=100)
    inventory.add("NUT", "nut M6", 5, quantity=10)
    return inventory


def test_value_of_the_stock(stock):
    stock.restock("NUT", 10)
    assert stock.total_value_cents() == 100 * 15 + 20 * 5


def test_unknown_skus(stock):
    with pytest.raises(StockError):
        stock.restock("WASHER", 1)


def test_adding_twice_is_an_error(stock):
    with pytest.raises(StockError):
        stock.add("BOLT", "bolt", 1)


def test_remove_some(stock):
    stock.remove("BOLT", 30)
    assert stock.get("BOLT").quantity == 70


def test_cannot_remove_more_than_there_is(stock):
    with pytest.raises(StockError):
        stock.remove("NUT", 11)


def test_reserve_and_ship(stock):
    stock.reserve("NUT", 4)
    stock.ship("NUT", 4)
    item = stock.get("NUT")
    assert (item.quantity, item.reserved) == (6, 0)


def test_cannot_reserve_more_than_is_available(stock):
    stock.reserve("NUT", 8)
    with pytest.raises(StockError):
        stock.reserve("NUT", 3)


def test_low_stock_counts_reservations(stock):
    stock.reserve("BOLT", 95)
    assert stock.low_stock(10) == ["BOLT"]


def test_reserved_units_cannot_be_removed(stock):
    stock.reserve("NUT", 8)
    with pytest.raises(StockError, match="only 2 of NUT available"):
        stock.remove("NUT", 5)


def test_a_reservation_survives_a_sale(stock):
    stock.reserve("NUT", 6)
    with pytest.raises(StockError):
        stock.remove("NUT", 6)
    stock.ship("NUT", 6)
    assert stock.get("NUT").quantity == 4
