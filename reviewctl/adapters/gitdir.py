"""Find a repository's .git folder by looking at the file system only.

Bulk reports keep their cache there.  Starting GitPython (or git) only to learn where
that folder is would cost more than the warm report itself, so this reads the layout
directly: a `.git` folder, or a `.git` file saying `gitdir: PATH` (a linked worktree).
"""

from __future__ import annotations

from pathlib import Path


def find_git_dir(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None
