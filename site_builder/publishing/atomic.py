"""File-system steps that a reader sees whole or not at all: exchange, rename, synced writes, a lock.

The swap of a published folder is one `renameat2(..., RENAME_EXCHANGE)` on Linux (both names stay
valid at every instant). Where the system or file system lacks it, `exchange` raises
`ExchangeUnsupported` and the caller decides, visibly, what to do instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from site_builder.errors import PortalError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


class ExchangeUnsupported(OSError):
    """This system or file system cannot exchange two names atomically."""


def _renameat2() -> object | None:
    """libc's renameat2 (glibc 2.28+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> None:
    """Swap the names `a` and `b` in one step: a reader finds one or the other, never neither."""
    if _RENAMEAT2 is None:
        raise ExchangeUnsupported(errno.ENOSYS, "renameat2 is not available on this system")
    func = _RENAMEAT2
    result = func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if result != 0:
        code = ctypes.get_errno()
        if code in _UNSUPPORTED:
            raise ExchangeUnsupported(code, f"the file system of {b} cannot exchange folders atomically")
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def write_synced(path: Path, text: str) -> None:
    """A file whose bytes are on disk before anything renames it into place."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def sync_dir(folder: Path) -> None:
    """Make renames inside `folder` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove(path: Path) -> None:
    """Remove a file or a folder tree; missing is fine."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def link_tree(src: Path, dst: Path) -> None:
    """A copy of `src` (file or folder) made of hard links: same bytes, no extra space; copies where
    the file system has no hard links."""
    if not src.is_dir() or src.is_symlink():
        try:
            os.link(src, dst, follow_symlinks=False)
        except OSError:
            shutil.copy2(src, dst, follow_symlinks=False)
        return
    try:
        shutil.copytree(src, dst, symlinks=True, copy_function=os.link)
    except (shutil.Error, OSError):
        remove(dst)
        shutil.copytree(src, dst, symlinks=True)


def same_file_system(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def alive(pid: int) -> bool:
    """Whether a process still runs (a stale file of a dead run may be removed)."""
    if sys.platform == "win32":  # os.kill(pid, 0) would end the process there
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it runs, as another user
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One publish at a time per folder (the kernel drops the lock if the process dies)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, documented
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PortalError(
                f"another 'vap publish' is writing to {folder}; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)
