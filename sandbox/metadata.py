"""The repo's own distribution metadata, so `importlib.metadata` sees the project in the sandbox.

A repo's code runs from the workspace copy, never from an installed copy (a candidate's code must
be what runs), so nothing installs the project itself. But code and tests ask for its metadata:
toolz's `__version__` is `importlib.metadata.version("toolz")`, and its test suite checks it. The
environment therefore gets a `NAME-VERSION.dist-info` folder holding the project's METADATA and
nothing else (no code, no RECORD of files), from the first of:

    PKG-INFO          at the root: a source distribution's metadata, as its build backend wrote it
    pyproject.toml    [project] with a static name and version (PEP 621)
    setup.cfg         [metadata] with a literal name and version

A version computed at build time (setuptools-scm, hatch-vcs, `attr:`) outside an sdist is not
guessed: the repo then gets no metadata, as when it is run from a checkout without installing it.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from .pyproject import read_pyproject, table

INSTALLER = "ratchet\n"  # the dist-info's INSTALLER file: who put it there


@dataclass(frozen=True)
class Metadata:
    name: str
    version: str
    text: str  # the METADATA file
    source: str  # the repo file it came from

    @property
    def dist_info(self) -> str:
        """The folder's name, escaped as wheels escape it (PEP 427)."""
        escape = re.sub(r"[-_.]+", "_", self.name)
        return f"{escape}-{self.version.replace('-', '_')}.dist-info"


def read_metadata(root: Path, files: Sequence[str]) -> Metadata | None:
    """The project's metadata, or None when the repo declares no literal name and version."""
    if "PKG-INFO" in files:
        found = _from_pkg_info((root / "PKG-INFO").read_text(encoding="utf-8", errors="replace"))
        if found:
            return found
    if "pyproject.toml" in files:
        project = table(read_pyproject(root), "project")
        dynamic = project.get("dynamic", [])
        name, version = project.get("name"), project.get("version")
        if isinstance(name, str) and isinstance(version, str) and "version" not in dynamic:
            return _minimal(name, version, "pyproject.toml")
    if "setup.cfg" in files:
        return _from_setup_cfg((root / "setup.cfg").read_text(encoding="utf-8", errors="replace"))
    return None


def _from_pkg_info(text: str) -> Metadata | None:
    headers = HeaderParser().parsestr(text)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        return None
    return Metadata(name.strip(), version.strip(), text, "PKG-INFO")


def _from_setup_cfg(text: str) -> Metadata | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None  # the repo's own tooling says what is wrong with it
    name = parser.get("metadata", "name", fallback="").strip()
    version = parser.get("metadata", "version", fallback="").strip()
    if not name or not re.fullmatch(r"[0-9][0-9A-Za-z.+!_-]*", version):
        return None  # `attr: pkg.__version__` and `file: VERSION` are computed, not declared
    return _minimal(name, version, "setup.cfg")


def _minimal(name: str, version: str, source: str) -> Metadata:
    return Metadata(
        name, version, f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", source
    )


def write_dist_info(site: Path, metadata: Metadata) -> Path:
    """Write the dist-info folder into a site-packages folder; its path."""
    folder = site / metadata.dist_info
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "METADATA").write_text(metadata.text, encoding="utf-8")
    (folder / "INSTALLER").write_text(INSTALLER)
    return folder
