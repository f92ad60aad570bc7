"""A case's files as a publication sees them, and what a guard found in them: no identifier
is read here, so the pattern guard, which every step runs, need not load the key store and
encryption (core/privacy/redaction.py, which reads a case's identifiers, imports these)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.privacy.extract import uncheckable_parts
from reviewctl.core.store.folder import Store

# A case's identifiers, encrypted (and the plain file of before), beside its records.
IDENTIFIERS_FILE = "identifiers.age"
LEGACY_FILE = "confidential.yaml"
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass
class Findings:
    places: list[str] = field(default_factory=list)  # `file:line (kind)`
    unreadable: list[str] = field(default_factory=list)  # files that cannot be read as text
    bidi: list[str] = field(default_factory=list)  # files whose text can show what it does not hold
    parts: list[str] = field(default_factory=list)  # `file:part (what)`: parts of Office files that cannot be checked

    def __bool__(self) -> bool:
        return bool(self.places or self.unreadable or self.bidi or self.parts)

    def describe(self) -> str:
        said = []
        if self.places:
            said.append(f"a confidential identifier appears in {', '.join(self.places)}")
        if self.unreadable:
            said.append(f"{', '.join(self.unreadable)} cannot be read as text, so cannot be checked "
                        "(save it as UTF-8 text or .docx, put the file itself in place of a link, or move it out of "
                        "the case folder)")
        if self.bidi:
            verb = "contains" if len(self.bidi) == 1 else "contain"
            said.append(f"{', '.join(self.bidi)} {verb} bidirectional control characters, which can hide "
                        "text, so cannot be checked (remove them)")
        if self.parts:
            said.append(uncheckable_parts(self.parts))
        return "; ".join(said)


def record_files(folder: Path) -> set[Path]:
    """The case's own YAML records, which are never published, and its identifiers."""
    return {*(folder / f for f in DOCUMENT_FILES.values()), folder / LEGACY_FILE, folder / IDENTIFIERS_FILE,
            *(folder / "chronology").glob("*.yaml")}


def publishable(store: Store, case_id: str) -> list[Path]:
    """Every file of the case folder but its records: reports, letters, notices, evidence,
    whatever their extension (links included, to be named as unreadable)."""
    folder = store.case_dir(case_id)
    records = record_files(folder)
    found = []
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        found += [here / d for d in dirs if (here / d).is_symlink()]
        found += [p for p in (here / f for f in files) if p not in records]
    return sorted(found)


def withheld_label(path: Path) -> str:
    """A file or folder as a message shows it when its name holds an identifier: by its
    place among its kind in its folder, in code point order (`<file 2 of 3, name withheld>`)."""
    folder = path.is_dir() and not path.is_symlink()
    kin = sorted(p.name for p in path.parent.iterdir() if (p.is_dir() and not p.is_symlink()) == folder)
    what = "folder" if folder else "file"
    return f"<{what} {kin.index(path.name) + 1} of {len(kin)}, name withheld>"


def has_bidi(text: str) -> bool:
    """Whether `text` holds bidirectional controls, which can show what it does not hold."""
    return _BIDI.search(text) is not None


def own_lines(store: Store) -> tuple[str, ...]:
    """The partnership's own name, postal address and signature lines (reviewctl.yaml), which every
    letter carries at its head and foot: an office's address, not a person's."""
    config = store.config
    # A line of one word is left out: masking it would hide a person of that name anywhere.
    return tuple(line for line in (config.partnership, *config.address, *config.signature) if len(line.split()) >= 2)


def masked(text: str, own: tuple[str, ...]) -> str:
    """`text` with each of `own` blanked where it stands whole (any case, any run of spaces or
    line breaks between its words), keeping every offset and line break."""
    for line in own:
        pattern = r"\s+".join(re.escape(word) for word in line.split())
        text = re.sub(pattern, lambda m: "".join(c if c == "\n" else " " for c in m.group()), text,
                      flags=re.IGNORECASE)
    return text


def stored_as(store: Store, case_id: str) -> str | None:
    """"encrypted", "plain" (confidential.yaml, from before encryption) or None."""
    folder = store.case_dir(case_id)
    if (folder / IDENTIFIERS_FILE).is_file():
        return "encrypted"
    return "plain" if (folder / LEGACY_FILE).is_file() else None
