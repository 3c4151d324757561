"""Atomic file writes, used by every writer of the twin (exports, plots, summaries, scenarios).

A writer produces its file under a temporary name in the target directory and renames it into
place only when complete (``os.replace``), so a failure never leaves a partial file.  An
existing output is replaced only with ``overwrite=True``; a missing or read-only directory is a
clear ``ValueError``.  New files get the usual permissions (0666 minus the umask).
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["check_target", "atomic_path", "atomic_write_text", "OutputSet", "swap_in",
           "sweep_stale"]


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
    sweep_stale(p.parent, p.name)
    prefix = f".{p.name}.{os.getpid()}."       # the PID lets a later writer sweep a killed one's
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=p.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=p.parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, (0o777 if directory else 0o666) & ~_umask())
        if directory:
            swap_in(tmp, p)
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


# ----- stale temporaries ---------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's live process
        return True
    return True


def sweep_stale(parent: Path, name: str) -> None:
    """Remove ``.NAME.PID.*.tmp`` / ``.old`` siblings left by a killed writer (its PID gone).

    A process killed with SIGKILL cannot clean up; the next writer of the same target does.
    Temporaries of live processes (another writer right now) are left alone.
    """
    prefix = f".{name}."
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for e in entries:
        if not (e.name.startswith(prefix) and e.name.endswith((".tmp", ".old"))):
            continue
        pid = e.name[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        if e.is_dir(follow_symlinks=False):
            shutil.rmtree(e.path, ignore_errors=True)
        else:
            with suppress(OSError):
                os.unlink(e.path)


# ----- swapping a directory into place ------------------------------------------------------
_RENAME_EXCHANGE = 2  # linux/fs.h: atomically exchange two existing paths


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange the paths ``a`` and ``b`` (Linux renameat2 RENAME_EXCHANGE); False
    where the C library or the filesystem cannot.  Hand-written because neither the standard
    library nor a maintained package exposes renameat2."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - not glibc >= 2.28
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # pragma: no cover - old fs
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(tmp: Path, target: Path) -> None:
    """Put the finished directory ``tmp`` at ``target``: a plain rename when ``target`` does
    not exist, an atomic exchange when it does (a reader sees the whole old set or the whole
    new one), and where the filesystem cannot exchange, two renames (the old set moves to a
    ``.old`` sibling first; a reader then briefly sees no set, never a mixed one)."""
    if not target.exists():
        os.rename(tmp, target)
        return
    if _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)            # tmp now holds the old set
        return
    # pragma: no cover start - filesystems without RENAME_EXCHANGE
    old = target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.old"
    os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    # pragma: no cover stop


# ----- a run's output set -------------------------------------------------------------------
class OutputSet:
    """A run's outputs written whole into a directory (``twin run --out DIR``).

    Use as a context manager.  On entry: the directory is checked (its parent exists and is
    writable, it is not a file, and unless ``force`` it holds no files), a lock file
    ``.DIR.lock`` next to it is taken (a second run into the same directory is refused while
    the first holds it), temporaries of killed runs are removed, and an empty temporary
    sibling ``.DIR.PID.XXXX.tmp`` is made.  Writers write into :meth:`path`.  :meth:`commit`
    swaps the finished set into place (:func:`swap_in`); leaving the block without a commit
    (an error, Ctrl-C, SIGTERM) removes the temporary, so ``DIR`` keeps the whole previous
    set or stays absent.  ``run_id`` names the set (``summary.json`` and the files with
    metadata carry it); the CLI derives it from the run's inputs, so that runs stay
    byte-for-byte reproducible while sets of different inputs can be told apart.

    ``known`` are the file names a run writes; with ``force`` an existing directory is
    replaced only when it holds nothing else (a run never deletes files it did not write).
    """

    def __init__(self, out, known=(), force=False, run_id=None):
        self.out = Path(out)
        self.known = set(known)
        self.force = force
        self.run_id = run_id or uuid.uuid4().hex
        self.tmp = None
        self._lock_fd = None
        self._lock_path = None

    def __enter__(self):
        out = self.out
        parent = out.parent if str(out.parent) else Path(".")
        full, cwd = os.path.abspath(out), os.getcwd()
        if full == os.path.dirname(full) or cwd == full or cwd.startswith(full + os.sep):
            raise ValueError(f"--out {out}: give a directory of its own (the set is swapped in "
                             "whole), not the current directory, one above it or the root")
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out {out}: exists and is not a directory")
        if not parent.is_dir():
            raise ValueError(f"--out {out}: parent directory {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ValueError(f"--out {out}: parent directory {parent} is not writable (the "
                             "output set is written next to it and moved into place)")
        self._lock(parent)
        try:
            self._check_existing()
            sweep_stale(parent, out.name)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.",
                                             suffix=".tmp", dir=parent))
        except BaseException:
            self._unlock()
            raise
        return self

    def _check_existing(self):
        if not self.out.is_dir():
            return
        names = sorted(os.listdir(self.out))
        if not names:
            return
        if not self.force:
            shown = ", ".join(str(self.out / n) for n in names[:3])
            raise ValueError(f"{shown} exists; pass --force to replace it")
        foreign = [n for n in names if n not in self.known]
        if foreign:
            raise ValueError(f"--out {self.out} holds {foreign[0]!r}, which is not a twin "
                             "output; --force replaces only a directory of twin outputs "
                             "(choose another --out)")

    def _lock(self, parent):
        path = parent / f".{self.out.name}.lock"
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                os.close(fd)
                raise ValueError(f"--out {self.out}: another twin run (pid {holder}) is "
                                 f"writing it (lock {path}); wait for it or choose another "
                                 "--out") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:                     # not a lock file its previous holder just removed
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd, self._lock_path = fd, path

    def _unlock(self):
        if self._lock_fd is not None:
            with suppress(OSError):
                os.unlink(self._lock_path)
            os.close(self._lock_fd)
            self._lock_fd = None

    def path(self, name: str) -> Path:
        """Where the writer of ``name`` writes it (inside the temporary directory)."""
        return self.tmp / name

    def commit(self):
        """Move the finished set into place (see the class docstring)."""
        os.chmod(self.tmp, 0o777 & ~_umask())
        swap_in(self.tmp, self.out)
        self.tmp = None

    def __exit__(self, *exc):
        try:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
        finally:
            self._unlock()
        return False
