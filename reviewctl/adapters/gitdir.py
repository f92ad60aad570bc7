"""Find a repository's git folders by looking at the file system only.

Bulk reports keep their cache there, and every command needs them: starting git only to
learn where they are would cost more than a warm report itself.  This reads the layout
directly: a `.git` folder, or a `.git` file saying `gitdir: PATH` (a linked worktree or a
submodule), and that folder's `commondir` file (a linked worktree shares its refs, its
objects and reviewctl's lock with the main one).  Looked up once per folder per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    root: Path  # the work tree
    own: Path  # this work tree's git folder: HEAD, the index, a merge under way
    common: Path  # shared by linked worktrees: refs, objects, reviewctl's lock and journal


def find_git_dir(start: Path) -> Path | None:
    """This work tree's own git folder (where HEAD and the index are), if `start` lies in one."""
    layout = locate(start)
    return layout.own if layout is not None else None


def locate(start: Path) -> Layout | None:
    return _locate(start.resolve())


@lru_cache(maxsize=16)
def _locate(start: Path) -> Layout | None:
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            own: Path | None = dot_git
        elif dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                continue
            target = Path(text.removeprefix("gitdir:").strip())
            own = (target if target.is_absolute() else folder / target).resolve()
        else:
            continue
        if own is None or not (own / "HEAD").is_file():
            continue  # a folder named .git that git would not take either
        common = own
        shared = own / "commondir"
        if shared.is_file():
            given = Path(shared.read_text(encoding="utf-8", errors="replace").strip())
            common = (given if given.is_absolute() else own / given).resolve()
        return Layout(folder, own.resolve(), common.resolve())
    return None


def repository_folders(start: Path) -> set[Path]:
    """Every folder of the repository that `start` lies in: its work tree, every other work
    tree linked to it (`git worktree add`), and the git folder they share; empty outside one.

    Each holds files git may commit (or copy with a clone), so nothing private belongs there.
    """
    layout = locate(start)
    if layout is None:
        return set()
    found = {layout.root.resolve(), layout.common}
    if layout.common.name == ".git":  # the main work tree holds the shared git folder
        found.add(layout.common.parent)
    linked = layout.common / "worktrees"
    for gitdir_file in linked.glob("*/gitdir") if linked.is_dir() else []:
        text = gitdir_file.read_text(encoding="utf-8", errors="replace").strip()
        if text:  # it names the linked work tree's `.git` file (relative to itself, in newer gits)
            named = Path(text)
            found.add((named if named.is_absolute() else gitdir_file.parent / named).resolve().parent)
    return found
