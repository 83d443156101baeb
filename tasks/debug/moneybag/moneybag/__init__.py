from moneybag.money import Money, round_half_up

__all__ = ["Money", "round_half_up"]
