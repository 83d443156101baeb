from __future__ import annotations

from dataclasses import dataclass


class StockError(Exception):
    pass


@dataclass
class Item:
    sku: str
    name: str
    price_cents: int
    quantity: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        """Units on the shelf that no order has reserved."""
        return self.quantity - self.reserved

    @property
    def value_cents(self) -> int:
        return self.price_cents * self.quantity
