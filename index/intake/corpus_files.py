"""Writing into the corpus folder safely: safe names, no clobbering, atomic files.

Names come from strangers (a page title, an uploaded file's name, a URL), so a
name is reduced to a lowercase ASCII slug: no separator, no dot-dot, no leading
dot, bounded length. A file is written to a hidden temporary file beside its
target, synced, then linked into place, so a watcher never sees half a file and
an existing article is never overwritten (a `-2`, `-3`... suffix instead).
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from pathlib import Path

from index.errors import NewsqaError
from index.intake.loading import ARTICLE_SUFFIXES

SLUG_MAX = 80
TEMP_PREFIX = ".newsqa-add-"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str, fallback: str = "article") -> str:
    """`../../etc/Passwd Ünïcode` -> `etc-passwd-unicode`; never empty, never a path."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        cut = slug[:SLUG_MAX]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[SLUG_MAX // 2 :] else cut
    return slug.strip("-") or fallback


def safe_suffix(name: str, default: str = ".md") -> str:
    """The article suffix of a user-given file name, lowercased, or `default`."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return suffix if suffix in ARTICLE_SUFFIXES else default


def inside(folder: Path, path: Path) -> bool:
    """Whether `path` is directly in `folder` once every link and `..` is resolved."""
    return path.resolve().parent == folder.resolve()


def temp_file(folder: Path, data: bytes, suffix: str) -> Path:
    """Write `data` to a hidden, synced temporary file in `folder` (ignored by scans)."""
    fd = -1
    path = folder / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}{suffix}"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise NewsqaError(f"cannot write into the corpus {folder}: {exc.strerror or exc}") from None
    return path


def taken_ids(folder: Path) -> set[str]:
    """Stems already used in the folder: an article's id is its stem, so one per stem."""
    return {p.stem.lower() for p in folder.iterdir() if not p.name.startswith(".")}


def place(folder: Path, temp: Path, slug: str, suffix: str) -> Path:
    """Move `temp` to `slug + suffix` (or `slug-2`...) without replacing anything."""
    taken = taken_ids(folder)
    for n in range(1, 10_000):
        stem = slug if n == 1 else f"{slug}-{n}"
        if stem in taken:
            continue
        target = folder / f"{stem}{suffix}"
        if not inside(folder, target):  # defence in depth: slugs cannot hold separators
            raise NewsqaError(f"refusing to write outside the corpus: {target.name!r}")
        try:
            _link_no_clobber(temp, target)
        except FileExistsError:
            continue
        _fsync_dir(folder)
        return target
    raise NewsqaError(f"no free file name for {slug!r} in the corpus")


def _link_no_clobber(temp: Path, target: Path) -> None:
    """Atomically give `temp` the name `target`, failing if `target` exists."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temp, target)
        return
    temp.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
