"""Stock of a warehouse: units on hand, reserved for orders, removed and shipped."""

from __future__ import annotations

from stockroom.models import Item, StockError


class Inventory:
    def __init__(self) -> None:
        self._items: dict[str, Item] = {}

    def add(self, sku: str, name: str, price_cents: int, quantity: int = 0) -> Item:
        if sku in self._items:
            raise StockError(f"{sku} is already stocked")
        item = self._items[sku] = Item(sku, name, price_cents, quantity)
        return item

    def get(self, sku: str) -> Item:
        try:
            return self._items[sku]
        except KeyError:
            raise StockError(f"unknown sku {sku}") from None

    def restock(self, sku: str, amount: int) -> None:
        if amount <= 0:
            raise StockError("restock by a positive amount")
        self.get(sku).quantity += amount

    def reserve(self, sku: str, amount: int) -> None:
        """Hold amount units for an order."""
        item = self.get(sku)
        if amount > item.available:
            raise StockError(f"only {item.available} of {sku} available")
        item.reserved += amount

    def remove(self, sku: str, amount: int) -> None:
        """Take amount units off the shelf (sold over the counter, damaged); never reserved ones."""
        item = self.get(sku)
        if amount > item.quantity:
            raise StockError(f"only {item.available} of {sku} available")
        item.quantity -= amount

    def ship(self, sku: str, amount: int) -> None:
        """Send amount reserved units out."""
        item = self.get(sku)
        if amount > item.reserved:
            raise StockError(f"only {item.reserved} of {sku} reserved")
        item.reserved -= amount
        item.quantity -= amount

    def total_value_cents(self) -> int:
        return sum(item.value_cents for item in self._items.values())

    def low_stock(self, threshold: int) -> list[str]:
        """SKUs with fewer than threshold units available, sorted."""
        return sorted(sku for sku, item in self._items.items() if item.available < threshold)
