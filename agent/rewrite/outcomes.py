"""What the rewrite engine answers: a replaced module, or a rejection with a reason to act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RejectionKind = Literal[
    "encoding",  # the module is not UTF-8 (bad bytes, or a coding cookie naming another codec)
    "syntax",  # the module does not parse
    "not-found",  # no function has that name (or no function encloses that line)
    "ambiguous",  # the name is defined several times in its scope
    "candidate-syntax",  # the candidate does not parse
    "candidate-content",  # the candidate holds a statement that is not an import, helper or the def
    "definition-count",  # the candidate defines the target zero or several times
    "signature",  # the candidate's signature differs from the module's
    "decorators",  # the decorators differ and the candidate did not say why
    "collision",  # a new import or helper would rebind a module-level or builtin name
    "compile",  # the spliced module no longer compiles
]


@dataclass(frozen=True)
class Rejected:
    """Nothing was changed. `reason` is one or two sentences written for a person or an LLM:
    what was expected, what was found (quoting the line), what to do."""

    kind: RejectionKind
    reason: str


@dataclass(frozen=True)
class Replaced:
    """The whole new module text, and a unified diff (empty when no byte changed)."""

    source: str
    diff: str
    decorators_changed: str | None = None  # the candidate's `# ratchet: decorators changed because`

    @property
    def changed(self) -> bool:
        return bool(self.diff)
