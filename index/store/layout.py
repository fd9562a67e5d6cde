"""Where an index lives on disk, and how a new version is published atomically.

    index_dir/<name>-<fingerprint>/CURRENT     -> "v-<ns>", replaced with os.replace
    index_dir/<name>-<fingerprint>/v-<ns>/     manifest.json and segments s-<ns>/ (index/segments.py)
    index_dir/<name>-<fingerprint>/tmp-<ns>/   a build in progress (never read)

A build writes a whole new version in a temporary folder, fsyncs it, renames it,
then swaps CURRENT: a reader sees the old version or the new one, never a mix,
and a killed or failed build leaves the previous version serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from index.config import IndexConfig
from index.errors import IndexCorruptError, IndexMissingError, NewsqaError

VECTORS = "vectors.faiss"
METADATA = "meta.sqlite"
TERMS = "terms.sqlite"  # a Milvus segment's BM25 terms (index/store/lexicon.py)
MANIFEST = "manifest.json"
KEEP_VERSIONS = 2


def index_home(cfg: IndexConfig) -> Path:
    """The folder of this model and chunking: changing either starts a new index."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(cfg.model).name.split(" ")[0]).strip("-")
    return cfg.index_dir / f"{stem.lower() or 'model'}-{cfg.fingerprint()}"


def current_version(home: Path) -> Path | None:
    """The published version folder, or None when nothing was ever published."""
    pointer = home / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"cannot read {pointer} ({exc.__class__.__name__}); run `newsqa index rebuild`"
        ) from None
    version = home / name
    if not re.fullmatch(r"v-\d+", name) or not version.is_dir():
        raise IndexCorruptError(
            f"{pointer} names a missing version {name!r}; run `newsqa index rebuild`"
        )
    return version


def require_version(cfg: IndexConfig) -> Path:
    version = current_version(index_home(cfg))
    if version is None:
        raise IndexMissingError(
            f"no index for this model in {cfg.index_dir}; run `newsqa index update`"
        )
    return version


def new_workdir(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    work = home / f"tmp-{time.time_ns()}-{os.getpid()}"
    work.mkdir()
    return work


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(home: Path, work: Path) -> Path:
    """Make a finished work folder the current version, atomically."""
    for f in work.rglob("*"):  # segment files linked from the previous version are already on disk
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        else:
            _fsync_dir(f)
    version = home / f"v-{time.time_ns()}"
    os.rename(work, version)
    pointer_tmp = home / f".CURRENT.{os.getpid()}"
    with open(pointer_tmp, "w", encoding="utf-8") as fh:
        fh.write(version.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(pointer_tmp, home / "CURRENT")
    _fsync_dir(home)
    prune(home)
    return version


def prune(home: Path) -> None:
    """Drop old versions (keeping the newest few for readers mid-load) and dead builds."""
    current = current_version(home)
    versions = sorted((p for p in home.glob("v-*") if p.is_dir()), key=lambda p: p.name)
    for old in versions[:-KEEP_VERSIONS]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in home.glob("tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def build_lock(home: Path) -> Iterator[None]:
    """One writer at a time; a second `index update` says so instead of racing."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NewsqaError(f"another index update is running on {home}") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
