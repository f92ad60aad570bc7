"""git's lock files: wait for one, name one that stays, and tell a stale one from a held one.

git takes `index.lock`, `HEAD.lock` or `refs/heads/<branch>.lock` by creating the file,
and drops it by renaming it over the original; a second git that finds it there fails
at once.  Editors and shell prompts run `git status` all the time, and it takes
index.lock for a moment to refresh the index, so reviewctl waits for such a lock for a
bounded time, and names the file when it stays.

This module reads the file system (and /proc) only; gitrepo.py runs git itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from reviewctl.errors import BusyError

POLL_SECONDS = 0.02
# A lock younger than this may belong to a git that is just starting (after doctor
# looked for running gits), or to one that /proc cannot show (another program using
# libgit2, a container); git holds its locks for milliseconds, except a `git commit`
# waiting for its editor, which the process check sees.  A step gives up on a lock
# after lock_timeout_seconds (10 by default), so a lock a step named is usually old
# enough for `doctor` by the time someone runs it.
STALE_AFTER_SECONDS = 10.0
# Paths a step committed whose entries in the real index it could not bring up to date.
UNREFRESHED = "reviewctl-unrefreshed"
_HELD = re.compile(r"Unable to create '([^']+\.lock)': File exists")


def shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def held_lock(stderr: str) -> Path | None:
    """The lock file git could not take, when that is why it failed."""
    match = _HELD.search(stderr)
    return Path(match.group(1)) if match else None


def busy(lock: Path, waited: float) -> BusyError:
    return BusyError(
        f"{shown(lock)}: git's lock file has been there for over {waited:g}s, so another git command "
        "is changing this repository or one was stopped and left it behind; if no git is running, "
        "run `reviewctl doctor` (or delete the file), then repeat the step"
    )


def wait_until_free(locks: list[Path], timeout: float) -> None:
    """Return once each lock file has been seen absent; BusyError names one that stays."""
    deadline = time.monotonic() + timeout
    for lock in locks:
        while lock.exists():
            if time.monotonic() >= deadline:
                raise busy(lock, timeout)
            time.sleep(POLL_SECONDS)


def ref_locks(own_git_dir: Path, common_dir: Path) -> list[Path]:
    """The lock files a commit on the current branch takes: HEAD's and the branch's."""
    locks = [own_git_dir / "HEAD.lock"]
    try:
        head = (own_git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return locks
    if head.startswith("ref: refs/"):
        locks.append(common_dir / f"{head.removeprefix('ref: ')}.lock")
    return locks


def copy_file(source: Path, target: Path) -> bool:
    try:
        shutil.copy2(source, target)
    except OSError:
        return False
    return True


def note_unrefreshed(git_dir: Path, paths: list[str]) -> None:
    """Add `paths` to the list still to refresh; with no paths, empty the list."""
    marks = git_dir / UNREFRESHED
    if not paths:
        marks.unlink(missing_ok=True)
        return
    with open(marks, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{path}\n" for path in paths))


def unrefreshed(git_dir: Path) -> list[str]:
    try:
        text = (git_dir / UNREFRESHED).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return sorted(set(text.splitlines()) - {""})


def signature(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever git writes the file anew (it always renames a new file in)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def replace_if_unchanged(new: Path, target: Path, seen: tuple[int, int, int] | None) -> bool:
    """Rename `new` over `target` under git's own lock, if `target` is still as `seen`.

    Taking `target.lock` as git does keeps every git from writing `target` meanwhile.
    False (and nothing done) when the lock is taken or the file has changed.
    """
    lock = target.with_name(target.name + ".lock")
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except OSError:
        return False
    try:
        if seen is None or signature(target) != seen:
            return False
        os.replace(new, target)
        return True
    except OSError:
        return False
    finally:
        lock.unlink(missing_ok=True)


def lock_files(git_dirs: list[Path]) -> list[Path]:
    """The lock files git may leave in these git folders: the index, HEAD, refs."""
    found: set[Path] = set()
    for folder in git_dirs:
        for name in ("index.lock", "HEAD.lock", "packed-refs.lock", "ORIG_HEAD.lock"):
            if (folder / name).is_file():
                found.add(folder / name)
        refs = folder / "refs"
        if refs.is_dir():
            found.update(p for p in refs.rglob("*.lock") if p.is_file())
    return sorted(found)


def _inside(text: str, places: list[Path]) -> bool:
    if not text.startswith("/"):
        return False
    path = Path(text)
    return any(path == place or place in path.parents for place in places)


def running_gits(places: list[Path]) -> list[int] | None:
    """Ids of the git processes that may be working in `places`; None when no one can tell.

    On Linux, a process counts when its name starts with `git` (git, git-remote-https,
    a GUI named git*) and its working folder or an argument lies in one of `places`, or
    its working folder cannot be read (another user's).  Elsewhere, every process whose
    name starts with `git` counts, as `ps` does not show working folders.
    """
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return _ps_gits()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if not (entry / "comm").read_text(encoding="utf-8", errors="replace").startswith("git"):
                continue
        except OSError:
            continue  # gone meanwhile
        try:
            cwd = os.readlink(entry / "cwd")
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except FileNotFoundError:
            continue
        except OSError:
            found.append(int(entry.name))  # not ours to read: it might be working here
            continue
        if _inside(cwd, places) or any(_inside(arg.split("=", 1)[-1], places) for arg in args):
            found.append(int(entry.name))
    return found


def _ps_gits() -> list[int] | None:
    try:
        done = subprocess.run(["ps", "-A", "-o", "pid=,comm="], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    found = []
    for line in done.stdout.splitlines():
        pid, _, command = line.strip().partition(" ")
        if Path(command.strip()).name.startswith("git") and pid.isdigit():
            found.append(int(pid))
    return found


def age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def remove_stale(git_dirs: list[Path], places: list[Path]) -> list[str]:
    """Remove each lock file that no running git can hold; say what was done or left."""
    locks = lock_files(git_dirs)
    if not locks:
        return []
    gits = running_gits(places)
    said = []
    for lock in locks:
        old = age(lock)
        if gits is None:
            said.append(f"left {shown(lock)}: cannot tell here whether a git is running; "
                        "if none is, delete it")
        elif gits:
            said.append(f"left {shown(lock)}: a git is running in this repository (process "
                        f"{', '.join(map(str, gits[:3]))}); let it finish, then run `reviewctl doctor` again")
        elif old < STALE_AFTER_SECONDS:
            said.append(f"left {shown(lock)}: it is only {old:.0f}s old, so a git may be starting; "
                        f"run `reviewctl doctor` again in {STALE_AFTER_SECONDS:g} seconds")
        else:
            lock.unlink(missing_ok=True)
            said.append(f"removed git's stale lock file {shown(lock)} ({old:.0f}s old; no git is running here)")
    return said
