"""Atomic file writes, used by every writer of the twin (exports, plots, summaries, scenarios).

A writer produces its file under a temporary name in the target directory and renames it into
place only when complete (``os.replace``), so a failure never leaves a partial file.  An
existing output is replaced only with ``overwrite=True``; a missing or read-only directory is a
clear ``ValueError``.  New files get the usual permissions (0666 minus the umask).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["check_target", "atomic_path", "atomic_write_text"]


def check_target(path, overwrite: bool, directory: bool = False) -> Path:
    """``path`` as a Path after checking it can be written: a file path in an existing, writable
    directory, not an existing file unless ``overwrite`` (a bool), not a directory (except a
    ``.zarr`` store or a ``directory`` target)."""
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}")
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"cannot write {str(p)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write {str(p)!r}: directory {str(parent)!r} is not writable")
    if p.exists() and not overwrite:
        raise ValueError(f"{str(p)!r} exists; pass overwrite=True (CLI: --force) to replace it")
    if p.is_dir() and not (directory or p.suffix == ".zarr"):
        raise ValueError(f"{str(p)!r} is a directory; give a file name")
    return p


@contextmanager
def atomic_path(path, overwrite=False, directory=False):
    """Yield a temporary path next to ``path``; rename it into place on success."""
    p = check_target(path, overwrite, directory)
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, (0o777 if directory else 0o666) & ~_umask())
        if directory and p.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{p.name}.", suffix=".old", dir=p.parent))
            os.rmdir(old)
            os.replace(p, old)
            os.replace(tmp, p)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, p)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path, text: str, overwrite=True) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path, overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
