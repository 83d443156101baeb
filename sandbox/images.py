"""Docker images for the sandbox: a base image, an environment image per dependency set, and a
repo image per session.

    base   ratchet-base:bookworm (debootstrap + docker import), or python:<ver>-slim if present
    env    ratchet-env:<hash>    base + valgrind/gcc + a venv with pytest, pytest-benchmark,
                                 py-spy and the repo's dependencies; cached by the dependency hash
    repo   ratchet-repo:<id>     env + the repo's files at /workspace; one per session

Building images is the trusted step: it has the network, the host's CA bundle mounted read-only
(pip needs it behind TLS-inspecting proxies), and pip settings from the host minus secrets.
Nothing it was given stays in the image's config.
"""

from __future__ import annotations

import io
import logging
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import docker
import docker.errors
from docker.types import Mount

from .copy import CopyPlan, tar_tree
from .environ import is_secret
from .errors import DependencyInstallError, SandboxUnavailable
from .metadata import INSTALLER
from .repo import Dependencies, pth_line

log = logging.getLogger(__name__)

OWN_BASE = "ratchet-base:bookworm"
LABEL = "ratchet"  # every image and container Ratchet makes carries this label
UID = 1000
WORKDIR = "/workspace"
VENV = "/opt/ratchet/venv"
DIST_INFO = (
    ".ratchet-dist-info"  # the project's dist-info in the build's archive, on its way to the venv
)
PATH = f"{VENV}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BASE_PACKAGES = (
    "python3",
    "python3-venv",
    "python3-pip",
    "python3-dev",
    "gcc",
    "libc6-dev",
    "valgrind",
    "ca-certificates",
    "procps",
)
CA_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


def official_base() -> str:
    return f"python:{sys.version_info.major}.{sys.version_info.minor}-slim"


def image_exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def resolve_base(client: docker.DockerClient, configured: str | None) -> str:
    """The base image to build on: the configured one, or the first default that exists or pulls."""
    candidates = [configured] if configured else [OWN_BASE, official_base()]
    for tag in candidates:
        if image_exists(client, tag):
            return tag
    for tag in candidates:
        if tag != OWN_BASE:
            try:
                client.images.pull(tag)
                return tag
            except docker.errors.APIError as exc:
                log.info("could not pull %s: %s", tag, exc.explanation or exc)
    raise SandboxUnavailable(
        f"no base image: {' and '.join(candidates)} are not present and cannot be pulled; "
        "run `ratchet sandbox build-base` (needs debootstrap) or pass --base-image."
    )


def build_base(
    client: docker.DockerClient,
    tag: str = OWN_BASE,
    suite: str = "bookworm",
    mirror: str | None = None,
    say: Callable[[str], None] = log.info,
) -> str:
    """Build a Debian base image from packages alone: debootstrap into a folder, `docker import`."""
    if not shutil.which("debootstrap"):
        raise SandboxUnavailable(
            "debootstrap is not installed; run `apt-get install debootstrap` and try again."
        )
    with tempfile.TemporaryDirectory(prefix="ratchet-base-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        argv = [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(BASE_PACKAGES)}",
            suite,
            str(rootfs),
            *([mirror] if mirror else []),
        ]
        say(f"debootstrap {suite} with {len(BASE_PACKAGES)} packages (about a minute)")
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SandboxUnavailable(
                f"debootstrap failed (exit {done.returncode}): {done.stderr.strip()[-300:]}; "
                "check that Debian's mirror is reachable, or pass --mirror."
            )
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(rootfs / junk, ignore_errors=True)
        _add_user(rootfs)
        say(f"importing the root file system as {tag}")
        archive = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(archive), "."], check=True)
        repository, _, version = tag.partition(":")
        client.api.import_image_from_file(
            str(archive),
            repository=repository,
            tag=version or "latest",
            changes=[
                f"ENV PATH={PATH}",
                "ENV LANG=C.UTF-8",
                f"LABEL {LABEL}=base",
                'CMD ["/bin/bash"]',
            ],
        )
    return tag


def _add_user(rootfs: Path) -> None:
    with open(rootfs / "etc/passwd", "a") as passwd:
        passwd.write(f"ratchet:x:{UID}:{UID}:ratchet:/home/ratchet:/bin/sh\n")
    with open(rootfs / "etc/group", "a") as group:
        group.write(f"ratchet:x:{UID}:\n")
    home = rootfs / "home/ratchet"
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, UID, UID)


def _pth_commands(deps: Dependencies) -> list[str]:
    """Put the repo's import roots (src layout) on sys.path, as the workspace's copy."""
    if not deps.import_roots:
        return []
    line = shlex.quote(pth_line(WORKDIR, deps.import_roots))
    site = f"$({VENV}/bin/python -c \"import sysconfig; print(sysconfig.get_paths()['purelib'])\")"
    return [f'printf %s {line} > "{site}/ratchet-repo.pth"']


def _metadata_commands(deps: Dependencies) -> list[str]:
    """Copy the project's dist-info (put in the build's archive) into site-packages."""
    if deps.metadata is None:
        return []
    site = f"$({VENV}/bin/python -c \"import sysconfig; print(sysconfig.get_paths()['purelib'])\")"
    folder = shlex.quote(deps.metadata.dist_info)
    return [f'cp -r {WORKDIR}/{DIST_INFO} "{site}/"{folder}']


def _env_script(deps: Dependencies, pip_env: dict[str, str]) -> str:
    pip = " ".join(shlex.quote(a) for a in deps.pip_args())
    exports = [f"export {name}={shlex.quote(value)}" for name, value in pip_env.items()]
    return "\n".join(
        [
            "set -eu",
            *exports,
            "if ! command -v valgrind >/dev/null || ! command -v gcc >/dev/null; then",
            "  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq"
            " --no-install-recommends valgrind gcc libc6-dev procps >/dev/null",
            "fi",
            f"getent passwd {UID} >/dev/null || {{ echo 'ratchet:x:{UID}:{UID}::/home/ratchet:/bin/sh'"
            f" >> /etc/passwd; echo 'ratchet:x:{UID}:' >> /etc/group; }}",
            f"mkdir -p /home/ratchet && chown {UID}:{UID} /home/ratchet",
            f"python3 -m venv {VENV}",
            f"{VENV}/bin/pip install --no-cache-dir --progress-bar off {pip}",
            *_pth_commands(deps),
            *_metadata_commands(deps),
            f"rm -rf {WORKDIR}/* {WORKDIR}/.[!.]* 2>/dev/null || true",
        ]
    )


def ensure_env_image(
    client: docker.DockerClient,
    base: str,
    deps: Dependencies,
    repo: Path,
    files: Iterable[str],
    key: str,
    log_dir: Path,
    labels: dict[str, str],
) -> str:
    """The environment image for `key`, built from `base` if it is not cached yet."""
    tag = f"ratchet-env:{key}"
    if image_exists(client, tag):
        return tag
    log.info("building the environment image %s (the repo's dependencies)", tag)
    # Mounts, not volumes: a declared volume would be committed into the image's config.
    cas = [ca for ca in CA_BUNDLES if os.path.isfile(ca)]
    mounts = [Mount(ca, ca, type="bind", read_only=True) for ca in cas]
    # pip settings travel inside the script, not the container's config, which a commit keeps.
    pip_env = {
        k: v
        for k, v in os.environ.items()
        if k.startswith("PIP_") and not is_secret(k) and "://" in v and "file:" not in v
    }
    if cas:
        pip_env["PIP_CERT"] = cas[0]
    container = client.containers.create(
        base,
        ["sh", "-c", _env_script(deps, pip_env)],
        user="0",
        working_dir=WORKDIR,
        mounts=mounts,
        labels={LABEL: "build", **labels},
    )
    try:
        container.put_archive("/", repo_archive(repo, files, deps))
        container.start()
        status = container.wait()
        logs = container.logs().decode("utf-8", "replace")
        if status.get("StatusCode") != 0:
            log_dir.mkdir(parents=True, exist_ok=True)
            log_path = log_dir / f"docker-install-{key}.log"
            log_path.write_text(logs)
            raise DependencyInstallError(
                f"installing the dependencies of {repo} in Docker failed "
                f"(exit {status.get('StatusCode')}); read the log at {log_path}, fix the "
                "requirement, and run again.",
                log_path,
            )
        container.commit(repository="ratchet-env", tag=key, conf=image_config("env"))
    finally:
        container.remove(force=True)
    return tag


def image_config(kind: str) -> dict[str, Any]:
    return {
        "Env": [f"PATH={PATH}", "LANG=C.UTF-8"],
        "WorkingDir": WORKDIR,
        "User": f"{UID}:{UID}",
        "Labels": {LABEL: kind},
        "Cmd": ["sleep", "infinity"],
    }


def build_repo_image(
    client: docker.DockerClient, env_image: str, plan: CopyPlan, name: str, labels: dict[str, str]
) -> str:
    """env image + the repo at /workspace (symlinks as symlinks), owned by the sandbox user."""
    container = client.containers.create(env_image, ["true"], labels={LABEL: "build", **labels})
    try:
        container.put_archive("/", tar_tree(plan, WORKDIR.lstrip("/"), UID))
        config = image_config("repo")
        config["Labels"].update(labels)
        container.commit(repository="ratchet-repo", tag=name, conf=config)
    finally:
        container.remove(force=True)
    return f"ratchet-repo:{name}"


def repo_archive(repo: Path, files: Iterable[str], deps: Dependencies | None = None) -> bytes:
    """A tar of `files` under /workspace, owned by the sandbox user, and the project's dist-info
    (which the build script moves into site-packages). For the dependency build only: regular
    files, or links to files inside the repo (callers refuse escaping links first with
    sandbox.copy.plan_copy)."""
    contents = {name: (repo / name).read_bytes() for name in files}
    if deps is not None and deps.metadata is not None:
        contents[f"{DIST_INFO}/METADATA"] = deps.metadata.text.encode()
        contents[f"{DIST_INFO}/INSTALLER"] = INSTALLER.encode()
    return tar_files(contents, mode_of=repo)


def tar_files(contents: dict[str, bytes], mode_of: Path | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.addfile(_info(WORKDIR.lstrip("/"), tarfile.DIRTYPE, 0o755))
        dirs = {WORKDIR}
        for name, data in contents.items():
            path = Path(WORKDIR) / name
            for parent in reversed(path.parents):
                if str(parent).startswith(WORKDIR) and str(parent) not in dirs:
                    dirs.add(str(parent))
                    tar.addfile(_info(str(parent).lstrip("/"), tarfile.DIRTYPE, 0o755))
            executable = mode_of is not None and os.access(mode_of / name, os.X_OK)
            info = _info(str(path).lstrip("/"), tarfile.REGTYPE, 0o755 if executable else 0o644)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _info(name: str, kind: bytes, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.uid = info.gid = UID
    return info
