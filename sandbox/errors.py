"""What can go wrong before sandboxed code even runs.

    SandboxError                    every error here; its message is one sentence saying what to do
    ├── SandboxUnavailable          the engine or a tool the sandbox needs is missing
    ├── BadRepository               the path is not a directory, or holds no tests
    └── DependencyInstallError      installing the repo's dependencies failed; `log_path` keeps the log

A failing *command* inside a sandbox is not an error: it is a `RunResult` with a return code.
"""

from __future__ import annotations

from pathlib import Path


class SandboxError(Exception):
    """Base class: the message says what was wrong and what to do."""


class SandboxUnavailable(SandboxError):
    pass


class BadRepository(SandboxError):
    pass


class DependencyInstallError(SandboxError):
    def __init__(self, message: str, log_path: Path) -> None:
        super().__init__(message)
        self.log_path = log_path
