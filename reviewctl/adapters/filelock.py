"""An exclusive lock on a file that the kernel drops when the process dies, on any platform.

`fcntl` exists only on POSIX and `msvcrt` only on Windows: each is imported where it is
used, so that the modules above import everywhere.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

POLL_SECONDS = 0.05


def _try_lock(handle: IO[str]) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        return False
    return True


@contextmanager
def held(path: Path, timeout: float) -> Iterator[bool]:
    """Hold the lock on `path` (created if absent); yields False if it stayed taken for `timeout` seconds."""
    handle: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held across yield
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(POLL_SECONDS)
        yield True
    finally:
        handle.close()  # closing drops the lock
