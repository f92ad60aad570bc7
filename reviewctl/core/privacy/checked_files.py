"""What `publish` checked: the digest of every publishable file of the case, as publish left it.

`publish` refuses while a publishable file holds an identifier pattern it was not told to
allow, so a file whose bytes are still the ones it checked needs no second look. `validate`
reads this record (publication.yaml's `checked`) and scans a published case's files again
only when they differ from it: a file added, removed or changed since, or a case published
before the record was kept. Scanning every Word file of every published case on each
fresh clone was most of `validate`'s time (issue 22: 0.35 s a case, 33 times the parse floor).

The record is in the store, so a hand edit could claim a file was checked. `validate --base`
(how CI checks a pull request) never trusts it: the cases a pull request touches are scanned
whole, and the others stand as the base, valid when merged, left them. `publish` and
`redaction-check` always scan every file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from reviewctl.core.privacy.published_files import publishable, record_files
from reviewctl.core.store.folder import Store

KEY = "checked"  # publication.yaml's key
CONTEXT_KEY = "checked_with"  # what else the scan depended on (pattern_guard.scan_context)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(store: Store, case_id: str, written: Mapping[Path, str | bytes | None]) -> dict[str, str]:
    """The digest of every publishable file by its path in the case, as the folder will be
    once `written` (a step's own files: text, Word bytes, None to delete) is written."""
    folder = store.case_dir(case_id)
    records = record_files(folder)
    found: dict[Path, bytes | None] = {path: None for path in publishable(store, case_id)}
    for path, data in written.items():
        if not path.is_relative_to(folder) or path in records:
            continue
        if data is None:
            found.pop(path, None)  # deleted by the step
        else:
            found[path] = data.encode("utf-8") if isinstance(data, str) else data
    out = {}
    for path, data in sorted(found.items()):
        if data is None:
            if path.is_symlink() or not path.is_file():
                continue  # never checked: a link is refused by publish, and is not on record
            data = path.read_bytes()
        out[path.relative_to(folder).as_posix()] = _digest(data)
    return out


def unchanged(store: Store, case_id: str, publication: object, context: str) -> bool:
    """Whether the case's publishable files are exactly those publication.yaml's `checked`
    records, byte for byte (no file added, removed or changed, and no link among them), and
    were checked in the same `context` (pattern_guard.scan_context: the patterns, the
    partnership's own lines, the case's professionals)."""
    if not isinstance(publication, dict) or publication.get(CONTEXT_KEY) != context:
        return False
    recorded = publication.get(KEY)
    if not isinstance(recorded, dict) or not recorded:
        return False
    folder = store.case_dir(case_id)
    files = publishable(store, case_id)
    if len(files) != len(recorded):
        return False
    for path in files:
        name = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file() or recorded.get(name) != _digest(path.read_bytes()):
            return False
    return True
