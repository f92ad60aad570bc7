"""The redaction guard: nothing publishable may contain an identifier kept in
confidential.yaml, however it is spelled, cased, accented, marked up or broken.

Text and identifiers are compared folded (folding.py): letters and digits only, so
spaces, apostrophes, hyphens, markup and line breaks never hide a name. A name is
checked whole and part by part ("Ms O'Brien"), except initials, titles and the parts
the store allows as ordinary words (reviewctl.yaml: `redaction: {allow: [Rose]}`).
A surname is found as a family's too ("the Exampletons"). Dates of birth are found
however they are written (written_dates.py). Every file of the case folder is checked
except the case's own records, and so are the names of its files and folders, which are
published with them; a file that cannot be read as text, or holds bidirectional controls
(which can show text it does not hold), is named, never passed. A finding names the
file, the line and the kind of identifier, never the identifier, and never the name of a
file or folder that holds one (`<file 2 of 3, name withheld>`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from reviewctl.core.privacy import folding, identifiers, written_dates
from reviewctl.core.privacy.extract import Extracted, extract
from reviewctl.core.privacy.identifiers import Confidential
from reviewctl.core.privacy.published_files import (
    Findings,
    has_bidi,
    masked,
    own_lines,
    publishable,
    withheld_label,
)
from reviewctl.core.store.folder import Store
from reviewctl.errors import InvalidDataError

NAME, BIRTH, ADDRESS, POSTCODE, NHS, OTHER = "name", "date of birth", "address", "postcode", "NHS number", "other"
KINDS = [NAME, BIRTH, ADDRESS, POSTCODE, NHS, OTHER]
# Titles are not identifying on their own; initials (one letter) would match every "a".
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev", "master"}
MIN_PART = 2
MIN_LINE = 5
_POSTCODE = re.compile(r"\b[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][a-z]{2}\b", re.IGNORECASE)
# A street's kind as it is written in full and shortened, each way round.
_STREETS = {"road": "rd", "street": "st", "lane": "ln", "avenue": "ave", "close": "cl", "drive": "dr",
            "court": "ct", "crescent": "cres", "place": "pl", "gardens": "gdns", "terrace": "terr",
            "square": "sq", "grove": "gr"}
_STREETS.update({short: full for full, short in list(_STREETS.items())})
# Bidirectional embeddings, overrides and isolates: "\u202enotelpmaxE\u202c" shows as a
# name that the text does not hold, so a text with them is not checked but refused.
_NAME_PARTS = re.compile(r"[\-‐‑‒–—―−]+")  # every dash a double-barrelled name is written with


@dataclass(frozen=True)
class Needle:
    key: str  # the folded skeleton: letters and digits only
    kind: str
    family: bool = False  # a surname, found as a family's too (`the Exampletons`)


def _handles(words: list[str]) -> list[str]:
    """A name as handles join it (`@zoeexampleton2019`, `jsmith`): each given name (or its
    initial) run into each part of the surname, and the surname into each given name."""
    if len(words) < 2:
        return []
    given = {k for w in words[:-1] for p in [w, *_NAME_PARTS.split(w)] if (k := folding.key(p)) and k not in TITLES}
    surname = {k for p in [words[-1], *_NAME_PARTS.split(words[-1])] if len(k := folding.key(p)) >= MIN_PART}
    joined = {g + s for g in given for s in surname} | {s + g for g in given for s in surname if len(g) >= MIN_PART}
    return sorted(joined | {g[0] + s for g in given for s in surname})


def _other_kind(value: str, key: str) -> str:
    if _POSTCODE.fullmatch(value.strip()):
        return POSTCODE
    return NHS if key.isdigit() and len(key) == 10 else OTHER


@dataclass
class Guard:
    """The identifiers of one case, prepared once, and the scan of any text against them."""

    needles: list[Needle] = field(default_factory=list)
    births: list[date] = field(default_factory=list)

    @classmethod
    def build(cls, confidential: Confidential, allow: Iterable[str] = ()) -> Guard:
        allowed = {folding.key(a) for a in allow}
        needles: dict[str, str] = {}
        families: set[str] = set()

        def add(value: str, kind: str) -> None:
            key = folding.key(value)
            if key:
                needles.setdefault(key, kind)

        births: list[date] = []
        handles: list[str] = []  # added last: a listed identifier that spells one keeps its own kind
        for value in confidential.dates_of_birth:
            when = value if isinstance(value, date) else written_dates.parse(folding.fold(value))
            if when is None:
                add(str(value), BIRTH)
            else:
                births.append(when)
        for name in confidential.names:
            add(name, NAME)
            words = name.split()
            # The surname (the last word) and the whole name may be written as a family's.
            families.update(folding.key(p) for p in [name, words[-1], *_NAME_PARTS.split(words[-1])])
            for part in [*words, *(p for w in words for p in _NAME_PARTS.split(w))]:
                key = folding.key(part)
                if len(key) >= MIN_PART and key not in TITLES and key not in allowed:
                    add(part, NAME)
            handles += _handles(words)
        for address in confidential.addresses:
            for code in _POSTCODE.findall(address):
                add(code, POSTCODE)
            add(address, ADDRESS)
            for segment in re.split(r"[,;\n]+", address):
                # A line with a number ("12 Fictional Road", "Flat 3B") identifies; a town alone does not.
                if (any(c.isdigit() for c in segment) and len(folding.key(segment)) >= MIN_LINE
                        and not _POSTCODE.fullmatch(segment.strip())):
                    add(segment, ADDRESS)
                    *street, last = segment.split() or [""]
                    if folding.key(last) in _STREETS:
                        add(" ".join([*street, _STREETS[folding.key(last)]]), ADDRESS)
        for value in confidential.nhs_numbers:
            add(value, NHS)
        for value in confidential.other:
            add(value, _other_kind(value, folding.key(value)))
        for joined in handles:
            add(joined, NAME)
        ordered = sorted(needles.items(), key=lambda item: -len(item[0]))
        return cls([Needle(k, kind, kind == NAME and k in families) for k, kind in ordered], births)

    def __bool__(self) -> bool:
        return bool(self.needles or self.births)

    def scan(self, text: str) -> list[tuple[int, str]]:
        """(offset in `text`, kind) of every identifier found."""
        found: list[tuple[int, str]] = []
        edges = folding.case_edges(text)
        for view in folding.folded_views(text):
            bones = folding.skeleton(view, edges)
            self._match(text, bones, found)
            dated = [view]
            if view.hidden:  # as a reader sees it: only around what was taken out can it differ
                reader, joins = folding.without(bones, view.hidden)
                self._match(text, reader, found, joins)
                dated.append(folding.reader(view))
            if self.births:
                found += [(part.origin[w.start], BIRTH) for part in dated for w in written_dates.find(part.text)
                          if any(w.means(b) for b in self.births)]
        return found

    def _match(self, text: str, bones: folding.Skeleton, found: list[tuple[int, str]],
               joins: list[int] | None = None) -> None:
        """Every needle in `bones` (or only where it spans one of `joins`)."""
        reach = max((len(n.key) for n in self.needles), default=0) + 2
        spans = [(0, len(bones.text))] if joins is None else [(max(0, j - reach), j + reach) for j in joins]
        for low, high in spans:
            for needle in self.needles:
                at = bones.text.find(needle.key, low, high)
                while at >= 0:
                    end = at + len(needle.key)
                    if at in bones.starts and (bones.at_edges(at, end) or
                                               (needle.family and self._plural(text, bones, at, end))):
                        found.append((bones.origin[at], needle.kind))
                    at = bones.text.find(needle.key, at + 1, high)

    @staticmethod
    def _plural(text: str, bones: folding.Skeleton, at: int, end: int) -> bool:
        """A name written as a family's (`the Exampletons`, `the Exampletons' report`):
        `s` or `es` to the word's edge, when the surname begins with a capital as names do,
        so that a surname that is also a word (`Baker`) is not found in `the bakers`."""
        first = text[bones.origin[at]]
        if not (first.isupper() or first == "&"):
            return False
        return any(bones.text.startswith(tail, end) and bones.at_edges(at, end + len(tail)) for tail in ("s", "es"))

    def places(self, extracted: Extracted, shown: str) -> list[str]:
        """`file:line (kinds)` for each line with an identifier."""
        starts = folding.line_starts(extracted.text)
        by_line: dict[int, set[str]] = {}
        for offset, kind in self.scan(extracted.text):
            by_line.setdefault(folding.line_of(starts, offset), set()).add(kind)
        labels = extracted.labels
        places = []
        for line, kinds in sorted(by_line.items()):
            label = self.withheld(labels[line - 1]) if labels else str(line)
            places.append(f"{shown}{':' if label else ''}{label} ({', '.join(k for k in KINDS if k in kinds)})")
        return places

    def withheld(self, label: str) -> str:
        """A part of an Office file as a message may name it (`word/comments.xml author`,
        `word/vbaProject.bin (macros)`): its name withheld when the name holds an identifier."""
        if not label or not self.scan(label):
            return label
        what = label[label.rfind(" ("):] if label.endswith(")") and " (" in label else ""
        return f"<a part whose name is withheld>{what}"


def guard_for(store: Store, case_id: str) -> Guard:
    """The case's identifiers, decrypted in memory, ready to scan with."""

    confidential = identifiers.read(store, case_id)
    return Guard.build(confidential, store.config.redaction.allow) if confidential else Guard()


class _Names:
    """The names of a case's files and folders, which are published with them: each is
    scanned once, and one that holds an identifier (or bidirectional controls) is shown
    as `<file 2 of 3, name withheld>`, never by its name."""

    def __init__(self, store: Store, guard: Guard, folder: Path, found: Findings) -> None:
        self.store, self.guard, self.folder, self.found = store, guard, folder, found
        self.said: set[str] = set()
        self.kinds: dict[str, set[str]] = {}  # by name: `documents` is scanned once, not once a file


    def shown(self, path: Path) -> str:
        """`path` as a message may show it; its names' findings are added once."""
        shown = self.store.shown(self.folder)
        here = self.folder
        for part in path.relative_to(self.folder).parts:
            here = here / part
            kinds = self.kinds.get(part)
            if kinds is None:
                kinds = self.kinds[part] = {kind for _, kind in self.guard.scan(part)}
            hidden = has_bidi(part)
            if not (kinds or hidden):
                shown = f"{shown}/{part}"
                continue
            shown = f"{shown}/{withheld_label(here)}"
            if shown not in self.said:
                self.said.add(shown)
                if kinds:
                    self.found.places.append(f"{shown} ({', '.join(k for k in KINDS if k in kinds)}, in its name)")
                if hidden:
                    self.found.bidi.append(f"{shown} (its name)")
        return shown


def _own_masked(store: Store, extracted: Extracted) -> Extracted:
    """`extracted` with the partnership's own lines (a letter's head and signature) blanked: an
    office's address is not a person's, even where a word of it is a name the case lists."""
    own = own_lines(store)
    return replace(extracted, text=masked(extracted.text, own)) if own else extracted


def findings(store: Store, case_id: str) -> Findings:
    """Where an identifier appears, or a file cannot be checked; never the identifier,
    and never the name of a file or folder that holds one."""
    guard = guard_for(store, case_id)
    result = Findings()
    if not guard:
        return result
    names = _Names(store, guard, store.case_dir(case_id), result)
    for path in publishable(store, case_id):
        shown = names.shown(path)
        try:
            extracted = None if path.is_symlink() else extract(path, shown)
        except InvalidDataError as error:  # it may name a part, whose name may hold an identifier
            if guard.scan(error.message):
                raise InvalidDataError("not a readable Office file (a part whose name is withheld), so it cannot be "
                                       "checked for identifiers; save it again, or remove it", path=shown) from None
            raise error from None
        if extracted is None:
            result.unreadable.append(shown)
            continue
        if has_bidi(extracted.text):
            result.bidi.append(shown)
        result.places += guard.places(_own_masked(store, extracted), shown)
        result.parts += [f"{shown}:{guard.withheld(part)}" for part in extracted.uncheckable]
    return result


def text_findings(store: Store, case_id: str, texts: Mapping[str, str | Extracted],
                  guard: Guard | None = None) -> Findings:
    """The same check over texts not yet written, by name: an option's value (`--where`,
    named without a line) or a rendered document (named as its file will be; a Word
    file's lines by part and paragraph)."""
    guard = guard_for(store, case_id) if guard is None else guard
    found = Findings()
    for shown, text in texts.items() if guard else ():
        if isinstance(text, str):
            text = Extracted(text, [""] * (text.count("\n") + 1) if shown.startswith("--") else None)
        if has_bidi(text.text):
            found.bidi.append(shown)
        found.places += guard.places(_own_masked(store, text), shown)
        found.parts += [f"{shown}:{guard.withheld(part)}" for part in text.uncheckable]
    return found
