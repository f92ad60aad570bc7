"""The journal of a step under way: what its files held before, so that an interrupted step can be undone."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from reviewctl.adapters.files import write_atomic

JOURNAL_NAME = "reviewctl-journal.json"


@dataclass
class Journal:
    step: str
    case_id: str
    head: str | None
    files: dict[str, str | None]  # repo-relative path -> original text (None: absent)
    created_dirs: list[str] = field(default_factory=list)
    message: str | None = None  # the step's commit message: how `doctor` finds its commit
    binary: list[str] = field(default_factory=list)  # the paths whose original in `files` is base64 bytes

    def original(self, rel: str) -> str | bytes | None:
        """What the file `rel` held before the step: text, bytes (a Word document), or None."""
        kept = self.files[rel]
        return base64.b64decode(kept) if kept is not None and rel in self.binary else kept

    def dump(self) -> str:
        return json.dumps(self.__dict__, indent=1)

    @classmethod
    def load(cls, text: str) -> Journal:
        return cls(**json.loads(text))

    def write(self, path: Path) -> None:
        write_atomic(path, self.dump())


def original(path: Path) -> tuple[str | None, bool]:
    """What `path` holds, for the journal: (text, False), (base64 of its bytes, True), or (None, False)."""
    if not path.exists():
        return None, False
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:  # a Word document is bytes, kept exactly
        return base64.b64encode(data).decode("ascii"), True
