"""Files a command writes for the user, outside a step's commit: identifiers shown into a
private file, and the JSON Schemas for editors."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl.adapters.files import write_atomic
from reviewctl.adapters.gitdir import repository_folders
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store


def write_private(root: Path, path: Path, text: str) -> None:
    """`text` into the new file `path`, readable by its owner only (0600), never inside the
    repository of the store at `root`, where it could be committed."""
    where = path.expanduser().absolute().parent.resolve()
    tops = {root.resolve(), *repository_folders(root)}  # every linked work tree too
    if any(where == top or where.is_relative_to(top) for top in tops):
        raise UsageError(f"--output {path}: inside the repository, where it could be committed; write it outside "
                         "(e.g. in your home folder), and delete it when you are done")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"--output {path}: already exists; give a new file's name") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_schemas(folder: Path, store: Store | None) -> list[Path]:
    """Only the JSON Schemas, one a file, into `folder`; the files written. The stages, types
    and ids are the store's, or (outside any store) the default workflow's."""
    from reviewctl.core.store.json_schema import (  # lazy: loads pydantic, difflib
        default_vocabulary,
        schemas,
        store_vocabulary,
    )

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--output {folder} is a file; give a folder for the schemas")
    words = store_vocabulary(store) if store is not None else default_vocabulary(None)
    written = []
    for name, body in schemas(words).items():
        write_atomic(folder / name, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        written.append(folder / name)
    return written


def write_store_schemas(store: Store) -> list[Path]:
    """The schemas in the store's .reviewctl/schema, and .vscode/settings.json naming each for its files."""
    from reviewctl.core.store.json_schema import store_files, store_vocabulary  # lazy: loads pydantic, difflib

    files = store_files(store.root, store_vocabulary(store))
    for path, text in files.items():
        write_atomic(path, text)
    return list(files)
