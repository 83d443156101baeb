"""The real-repository corpus: pinned source distributions of small pure-Python libraries.

`corpus.toml` beside this file is the manifest (one `[[library]]` table each); the sources are
never in the project: `scripts/real-repos.sh` downloads each sdist with pip into
`<cache>/real-repos/`, checks its sha256 and unpacks it into `<cache>/real-repos/NAME-VERSION/`.

    .venv/bin/python -m tasks.real [CACHE_DIR]   # one line per library: name, version, sdist,
                                                 # sha256, unpacked folder (tab-separated)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MANIFEST = Path(__file__).with_name("corpus.toml")


@dataclass(frozen=True)
class Library:
    """One library of the corpus, as the manifest pins it."""

    name: str
    version: str
    sdist: str
    sha256: str
    licence: str
    layout: str  # "flat", "src" or "module"
    backend: str
    requires_python: str
    sources: tuple[str, ...]  # the library's own code, relative to the unpacked folder
    tests: tuple[str, ...]  # where its tests sit; () when the sdist ships none
    test_count: int
    test_seconds: float

    @property
    def folder(self) -> str:
        """The unpacked folder's name under `<cache>/real-repos/`."""
        return f"{self.name}-{self.version}"

    def source_files(self, root: Path) -> list[Path]:
        """The library's .py files (not its tests) under its unpacked folder `root`."""
        found: list[Path] = []
        for source in self.sources:
            where = root / source
            found += [where] if where.suffix == ".py" else sorted(where.rglob("*.py"))
        return [path for path in found if not self._is_test(path.relative_to(root))]

    def _is_test(self, path: Path) -> bool:
        return any(path.is_relative_to(test) for test in self.tests)


def load_corpus(manifest: Path = MANIFEST) -> tuple[Library, ...]:
    """Every library the manifest names, in its order."""
    tables = tomllib.loads(manifest.read_text(encoding="utf-8"))["library"]
    return tuple(
        Library(
            **{
                **table,
                "sources": tuple(table["sources"]),
                "tests": tuple(table["tests"]),
            }
        )
        for table in tables
    )


def corpus_root(cache_dir: Path) -> Path:
    """Where the corpus is unpacked: `<cache>/real-repos/`."""
    return cache_dir / "real-repos"


def main(argv: list[str]) -> None:
    cache = Path(argv[0]) if argv else Path.home() / ".cache" / "ratchet"
    for library in load_corpus():
        folder = corpus_root(cache) / library.folder
        print(
            "\t".join([library.name, library.version, library.sdist, library.sha256, str(folder)])
        )
