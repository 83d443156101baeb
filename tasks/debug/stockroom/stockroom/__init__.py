from stockroom.inventory import Inventory
from stockroom.models import Item, StockError

__all__ = ["Inventory", "Item", "StockError"]
