from ratio.fraction import Ratio, gcd

__all__ = ["Ratio", "gcd"]
