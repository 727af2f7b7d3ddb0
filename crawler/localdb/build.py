"""Build the pinned FerretDB release (with our index patch) into the project's tools folder.

`go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.0` builds a binary that panics at
start (the module zip has no build/version/version.txt), and the release never uses an index
for lookups on SQLite. So: copy the module source, write the version file, apply
`ferretdb-sqlite-id-index.patch`, `go build`. See docs/operations.md "The local database".
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import subprocess
from pathlib import Path

from crawler.project.workdir import tools_dir

logger = logging.getLogger(__name__)

MODULE = "github.com/FerretDB/FerretDB"
VERSION = "v1.24.0"
PATCHES = sorted(Path(__file__).parent.glob("ferretdb-*.patch"))


class LocalDBError(RuntimeError):
    """The local database cannot be built or run; the message says what to do."""


def _patch_digest() -> str:
    digest = hashlib.sha256()
    for patch in PATCHES:
        digest.update(patch.read_bytes())
    return digest.hexdigest()[:10]


def binary_path() -> Path:
    """Where the patched build lives; the name changes when a patch changes."""
    return tools_dir() / "ferretdb" / f"ferretdb-{VERSION}-{_patch_digest()}"


#: Where Go usually lives when it is not on PATH (the official tarball, Debian's package).
GO_LOCATIONS = ("/usr/local/go/bin/go", "/usr/lib/go/bin/go")


def _go() -> str:
    go = shutil.which("go") or next((p for p in GO_LOCATIONS if Path(p).exists()), None)
    if go is None:
        raise LocalDBError(
            "Go is not installed, so the local FerretDB cannot be built. Either install Go 1.22+ "
            "(https://go.dev/dl/, or `apt-get install golang`) and run again, or point MONGO_URI at a "
            "MongoDB server (e.g. MONGO_URI=mongodb://127.0.0.1:27017)."
        )
    return go


def _run(args: list[str], cwd: Path | None = None) -> str:
    env = {**os.environ, "GOFLAGS": "-buildvcs=false -mod=mod", "CGO_ENABLED": "0"}
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise LocalDBError(f"`{' '.join(args)}` failed (exit {proc.returncode}):\n{tail}")
    return proc.stdout


def _apply_patch(source: Path, patch: Path) -> None:
    # `git apply` works outside a repository and is present wherever this checkout came from.
    git = shutil.which("git")
    if git:
        _run([git, "apply", "--unsafe-paths", "-p1", str(patch)], cwd=source)
    elif shutil.which("patch"):
        _run(["patch", "-p1", "--forward", "-i", str(patch)], cwd=source)
    else:
        raise LocalDBError("neither git nor patch is installed: cannot patch FerretDB")


def build(force: bool = False) -> Path:
    """Return the FerretDB binary, building it first if needed (about a minute the first time)."""
    target = binary_path()
    if target.exists() and not force:
        return target
    go = _go()
    logger.info("building FerretDB %s into %s (first time only)", VERSION, target.parent)
    info = json.loads(_run([go, "mod", "download", "-json", f"{MODULE}@{VERSION}"]))
    if "Dir" not in info:
        raise LocalDBError(f"go mod download did not return a source folder: {info.get('Error', info)}")
    source = target.parent / f"src-{VERSION}"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(info["Dir"], source)
    for path in (source, *source.rglob("*")):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    (source / "build" / "version" / "version.txt").write_text(VERSION + "\n")
    (source / "build" / "version" / "package.txt").write_text("newsarchive-local\n")
    for patch in PATCHES:
        _apply_patch(source, patch)
    partial = target.with_suffix(".partial")
    _run([go, "build", "-trimpath", "-o", str(partial), "./cmd/ferretdb"], cwd=source)
    partial.replace(target)
    shutil.rmtree(source, ignore_errors=True)
    return target
