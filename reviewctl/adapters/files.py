"""Writing a file so that a crash leaves either the old text or the new, never half."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    with contextlib.suppress(OSError):  # some file systems cannot open or sync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, text: str | bytes, mode: int | None = None) -> None:
    """Replace `path` with `text` (UTF-8 text, or bytes as they are: a Word document): a
    temporary file beside it, synced, then renamed over it.

    `mode`: the new file's permissions (a private key: 0o600); by default an existing
    file's mode is kept, else the umask's default.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes 0600 files: keep an existing file's mode, else the umask's default.
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        data = text.encode("utf-8") if isinstance(text, str) else text  # str: newlines as given, "\n"
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def remove_durably(path: Path) -> None:
    """Delete `path` (if it is there) and make the deletion durable."""
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)


def rename_durably(source: Path, target: Path) -> None:
    """Rename `source` to `target` (replacing it), and make the rename durable."""
    os.replace(source, target)
    _sync_folder(target.parent)


def keep_cache(path: Path, data: object) -> None:
    """Write a cache under .git (pickled) beside its name, then rename it over the old one:
    a reader sees the old cache or the new, never half. A cache is only a saving, so a
    store that cannot be written is left as it is (not synced either: a cache lost in a
    crash is rebuilt)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    except OSError:
        return  # a store that cannot be written (read-only) is still served
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written is only slower
