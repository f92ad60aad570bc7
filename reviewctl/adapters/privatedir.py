"""Private folders for a plain copy that must not outlive the process that made it.

`confidential --edit` hands the decrypted identifiers to an editor, and `serve` keeps a
file uploaded through a form (a report, a chronology) while its step runs. An editor needs a file
by name; editors also put their swap, backup and auto-save files beside it (vim's
`.swp`, emacs's `#file#`). So the copy goes in a folder of its own, mode 0700, in
memory where the system has it: `$XDG_RUNTIME_DIR` (per user, removed at logout), else
`/dev/shm`, else the temporary folder. The folder is removed when the edit ends, and
on SIGTERM or SIGHUP (cli: the handlers). A process killed outright (SIGKILL, a power
cut of the terminal) cannot remove it, so its name carries the process id:
`reviewctl-edit-<pid>-<random>`; the next reviewctl to start (and `doctor`) removes
every such folder of ours whose process is gone (`reviewctl-upload-<pid>-<random>` for
`serve`'s uploads).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

PURPOSES = ("edit", "upload")  # each folder's name says what it was for: reviewctl-<purpose>-<pid>-<random>
# Earlier versions named them by mkdtemp alone (`reviewctl-` and 8 characters), with no process id:
# one holding `<case>-identifiers.yaml` untouched for an hour is taken as left over.
_LEGACY = re.compile(r"reviewctl-[a-z0-9_]{8}")
_LEGACY_AGE = 3600


def _bases() -> list[Path]:
    """Where a private folder may go, best first (each that exists)."""
    found: list[Path] = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    for given in (runtime, "/dev/shm", os.environ.get("TMPDIR") or "/tmp"):
        if given and given not in (str(p) for p in found) and os.path.isdir(given):
            found.append(Path(given))
    return found


def _usable(base: Path) -> bool:
    return os.access(base, os.W_OK | os.X_OK)


@contextlib.contextmanager
def private_folder(purpose: str = "edit") -> Iterator[Path]:
    """A new folder only we can read, removed with all it holds when the block ends; `purpose`
    (one of PURPOSES) names it, so that the sweep can say what it removed."""
    base = next((b for b in _bases() if _usable(b)), None)
    if base is None:
        raise OSError("no writable folder for a private copy (XDG_RUNTIME_DIR, /dev/shm, TMPDIR or /tmp)")
    while True:
        folder = base / f"reviewctl-{purpose}-{os.getpid()}-{os.urandom(8).hex()}"
        try:
            os.mkdir(folder, 0o700)
            break
        except FileExistsError:
            continue
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process has that id now: leave the folder
        return False
    return False


def left_over() -> list[tuple[str, Path]]:
    """Our private folders whose process is gone (killed before it could remove them), each
    with what it was for."""
    if os.name == "nt":  # os.kill(pid, 0) would end the process there: never guess, leave them
        return []
    found = []
    for base in _bases():
        try:
            entries = list(os.scandir(base))
        except OSError:
            continue
        for entry in entries:
            legacy = _LEGACY.fullmatch(entry.name) is not None
            purpose = next((p for p in PURPOSES if entry.name.startswith(f"reviewctl-{p}-")),
                           "edit" if legacy else None)
            if purpose is None:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            # Only a real folder of our own: never through a link, never another user's.
            if not (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()):
                continue
            pid = entry.name[len(f"reviewctl-{purpose}-"):].partition("-")[0]
            if _legacy_left(Path(entry.path)) if legacy else pid.isdigit() and _process_gone(int(pid)):
                found.append((purpose, Path(entry.path)))
    return found


def _legacy_left(folder: Path) -> bool:
    try:
        copies = [p.stat().st_mtime for p in folder.glob("*-identifiers.yaml")]
    except OSError:
        return False
    return bool(copies) and time.time() - max(copies) > _LEGACY_AGE


def sweep() -> dict[str, int]:
    """Remove the private folders left by killed processes; how many there were, by purpose."""
    counts: dict[str, int] = {}
    for purpose, folder in left_over():
        shutil.rmtree(folder, ignore_errors=True)
        counts[purpose] = counts.get(purpose, 0) + 1
    return counts


def said(counts: dict[str, int]) -> list[str]:
    """What a sweep removed, in words: counted, never named (a file in each is named by its case)."""
    lines = []
    if counts.get("edit"):
        lines.append(f"removed {counts['edit']} private folder(s) with a plain copy of a case's identifiers, left "
                     "by a `confidential --edit` that was killed (its changes were not saved)")
    if counts.get("upload"):
        lines.append(f"removed {counts['upload']} private folder(s) with a file uploaded to `reviewctl serve`, "
                     "left by a serve that was killed (its step was not finished)")
    return lines
