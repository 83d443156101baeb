"""Convert quantities between units of the same dimension."""

from __future__ import annotations

UNITS: dict[str, dict[str, float]] = {
    "length": {"m": 1.0, "km": 1000.0, "cm": 0.01, "mm": 0.001, "in": 0.0254, "ft": 0.3048},
    "mass": {"kg": 1.0, "g": 0.001, "t": 1000.0, "lb": 0.45359237, "oz": 0.028349523125},
    "time": {"s": 1.0, "min": 60.0, "h": 3600.0, "day": 86400.0},
}


class ConversionError(ValueError):
    pass


def dimension_of(unit: str) -> str:
    for dimension, factors in UNITS.items():
        if unit in factors:
            return dimension
    raise ConversionError(f"unknown unit {unit!r}")


def convert(value: float, from_unit: str, to_unit: str) -> float:
    source, target = dimension_of(from_unit), dimension_of(to_unit)
    if source != target:
        raise ConversionError(f"cannot convert {source} ({from_unit}) to {target} ({to_unit})")
    return value * UNITS[source][from_unit] / UNITS[target][to_unit]


def parse_quantity(text: str) -> tuple[float, str]:
    """'12.5 km' -> (12.5, 'km')."""
    number, _, unit = text.strip().partition(" ")
    try:
        value = float(number)
    except ValueError:
        value = 0.0
    unit = unit.strip()
    dimension_of(unit)
    return value, unit


def convert_text(text: str, to_unit: str, digits: int = 2) -> str:
    """'3 ft' to 'cm' -> '91.44 cm'."""
    value, unit = parse_quantity(text)
    return f"{round(convert(value, unit, to_unit), digits):g} {to_unit}"
