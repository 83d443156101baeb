import pytest
from unitconv import ConversionError, convert, convert_text, dimension_of, parse_quantity


def test_convert_lengths():
    assert convert(3, "km", "m") == 3000
    assert convert(12, "in", "ft") == pytest.approx(1)


def test_convert_mass_and_time():
    assert convert(1, "lb", "g") == pytest.approx(453.59237)
    assert convert(90, "min", "h") == 1.5


def test_dimensions():
    assert [dimension_of(u) for u in ("mm", "oz", "day")] == ["length", "mass", "time"]


def test_unknown_units():
    with pytest.raises(ConversionError, match="furlong"):
        convert(1, "furlong", "m")


def test_dimensions_do_not_mix():
    with pytest.raises(ConversionError, match="cannot convert length"):
        convert(1, "m", "s")


def test_parse_quantity():
    assert parse_quantity(" 12.5 km ") == (12.5, "km")
    assert parse_quantity("-3 min") == (-3.0, "min")


def test_convert_text():
    assert convert_text("3 ft", "cm") == "91.44 cm"
    assert convert_text("2.5 t", "kg") == "2500 kg"


def test_a_quantity_that_is_not_a_number():
    with pytest.raises(ConversionError):
        parse_quantity("twelve km")


def test_converting_a_misspelt_number():
    with pytest.raises(ConversionError, match="1O"):
        convert_text("1O m", "cm")
