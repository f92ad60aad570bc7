"""Templates read only as regular files inside their folders.

Templates are files a partnership edits, and a committed symbolic link to a private key
must not copy it into a letter: a template is opened one path component at a time with
no link followed, never from a path out of its folder, and only as a regular UTF-8
file.  A store's own `templates/` folder is searched before the defaults.  This module
reads; render.py hands what it reads to jinja2.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reviewctl.errors import InvalidDataError


def default_templates_dir() -> Path:
    # In the wheel the top-level templates/ is packaged as reviewctl/templates; in a
    # source checkout (and an editable install) it sits beside the package.
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "templates"


class TemplateRefused(InvalidDataError):
    """A template that is not a regular file inside its folder."""


def shown_path(path: str | Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _link_refusal(path: Path) -> TemplateRefused:
    return TemplateRefused(
        f"{shown_path(path)}: the template is a symbolic link, and templates are read only as regular "
        "files inside the templates folder; replace the link with a file holding the template's "
        "own text (or `git rm` it)"
    )


def _open_folder(folder: Path) -> int | None:
    if folder.is_symlink():
        raise TemplateRefused(
            f"{shown_path(folder)}: the templates folder is a symbolic link; make it a real folder "
            "inside the store, holding the templates themselves"
        )
    try:  # O_NOFOLLOW: a link swapped in since the look above fails rather than being followed
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _read_confined(folder: Path, parts: list[str]) -> str | None:
    """The text of folder/parts, opened one component at a time with no link followed."""
    fd = _open_folder(folder)
    if fd is None:
        return None
    try:
        for i, part in enumerate(parts):
            path, last = folder.joinpath(*parts[:i + 1]), i == len(parts) - 1
            try:
                mode = os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode
            except (FileNotFoundError, NotADirectoryError):
                return None
            if stat.S_ISLNK(mode):
                raise _link_refusal(path)
            if not last and not stat.S_ISDIR(mode):
                return None
            if last and not stat.S_ISREG(mode):
                raise TemplateRefused(f"{shown_path(path)}: not a regular file; a template must be a plain "
                                      "text file in the templates folder")
            # O_NOFOLLOW: a link swapped in since the look above fails rather than being followed.
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | (0 if last else os.O_DIRECTORY)
            try:
                inner = os.open(part, flags, dir_fd=fd)
            except OSError:
                raise _link_refusal(path) from None
            os.close(fd)
            fd = inner
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise TemplateRefused(f"{shown_path(folder.joinpath(*parts))}: not a regular file; a template "
                                  "must be a plain text file in the templates folder")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read()
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateRefused(f"{shown_path(folder.joinpath(*parts))}: not UTF-8 text; save it as UTF-8") from None


def read_template(name: str, search: list[Path]) -> tuple[str, Path] | None:
    """The text and path of template `name` from the first folder that has it, else None."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise TemplateRefused(
            f"template name {name!r} reaches outside the templates folder; include, extend or "
            "import templates by their name inside templates/ (no '..', no leading '/')"
        )
    for folder in search:
        text = _read_confined(folder, parts)
        if text is not None:
            return text, folder.joinpath(*parts)
    return None
