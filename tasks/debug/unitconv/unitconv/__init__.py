from unitconv.units import (
    UNITS,
    ConversionError,
    convert,
    convert_text,
    dimension_of,
    parse_quantity,
)

__all__ = ["UNITS", "ConversionError", "convert", "convert_text", "dimension_of", "parse_quantity"]
