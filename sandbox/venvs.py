"""The local sandbox's environments: one virtualenv per dependency set, built once and cached.

Building is the trusted step (it runs pip with the host's network and pip configuration, minus
secrets); the venv is then used read-only by sandboxed runs, which run as another uid when
Ratchet is root, so every file is made readable by all (whatever the umask was). A venv is
complete only once its marker file exists, so an interrupted build is rebuilt rather than
half-used.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import stat
import subprocess
from pathlib import Path

from .environ import host_env_without_secrets
from .errors import DependencyInstallError
from .metadata import write_dist_info
from .repo import Dependencies, pth_line

log = logging.getLogger(__name__)
MARKER = ".ratchet-complete"


def ensure_venv(
    cache_dir: Path, key: str, python: str, deps: Dependencies, repo: Path, workspace: str
) -> Path:
    """The venv for `key`, building it from `python` and `deps` if it is not cached yet; its
    sys.path holds the repo's import roots inside `workspace`, where runs see the repo."""
    venv = cache_dir / "venvs" / key
    if (venv / MARKER).exists():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / MARKER).exists():  # another process built it while we waited
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        _build(cache_dir, venv, python, deps, repo, workspace)
    return venv


def _build(
    cache_dir: Path, venv: Path, python: str, deps: Dependencies, repo: Path, workspace: str
) -> None:
    log_path = cache_dir / "logs" / f"install-{venv.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = host_env_without_secrets(os.environ)
    env.pop("PYTHONPATH", None)
    steps = [
        [python, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *deps.pip_args()],
    ]
    log.info("building a local environment for %s in %s", repo, venv)
    with open(log_path, "w") as out:
        for argv in steps:
            out.write(f"$ {' '.join(argv)}\n")
            out.flush()
            done = subprocess.run(
                argv,
                cwd=repo,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                check=False,
            )
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise DependencyInstallError(
                    f"installing the dependencies of {repo} failed at `{' '.join(argv[:4])} ...` "
                    f"(exit {done.returncode}); read the log at {log_path}, fix the requirement, "
                    "and run again.",
                    log_path,
                )
    _add_import_roots(venv, deps, workspace)
    if deps.metadata is not None:
        for site in venv.glob("lib/python*/site-packages"):
            write_dist_info(site, deps.metadata)
    readable_by_all(venv)
    (venv / MARKER).write_text(" ".join(deps.pip_args()) + "\n")


def _add_import_roots(venv: Path, deps: Dependencies, workspace: str) -> None:
    if not deps.import_roots:
        return
    for site in venv.glob("lib/python*/site-packages"):
        (site / "ratchet-repo.pth").write_text(pth_line(workspace, deps.import_roots))
        (site / "ratchet-repo.pth").chmod(0o644)


def readable_by_all(tree: Path) -> None:
    """Give others read (and, where the owner has it, execute) on everything under `tree`."""
    for here, dirs, files in os.walk(tree):
        for name in [*dirs, *files]:
            path = os.path.join(here, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                continue
            wanted = mode | 0o044 | (0o011 if mode & 0o100 else 0)
            if wanted != mode:
                os.chmod(path, stat.S_IMODE(wanted))
    os.chmod(tree, stat.S_IMODE(os.stat(tree).st_mode) | 0o055)
