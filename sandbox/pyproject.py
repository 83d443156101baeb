"""The one reader of a repository's TOML files: pyproject.toml, and pytest.toml for the layout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import BadRepository

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; {} when there is none; BadRepository when it is not valid TOML."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadRepository(f"{path} is not valid TOML ({exc}); fix it first.") from exc


def read_pyproject(root: Path) -> dict[str, Any]:
    """The repo's pyproject.toml, parsed; {} when it has none."""
    return read_toml(root / "pyproject.toml")


def table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """`data[k1][k2]...`, or {} where a key is missing or does not hold a table."""
    for key in keys:
        found = data.get(key)
        if not isinstance(found, dict):
            return {}
        data = found
    return data
