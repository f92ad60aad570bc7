"""Word documents: each rendered letter also as .docx when the store asks for it (on the
partnership's reference document), a Word report's recommendations, and a letter handed
in as Word, PDF or text."""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

from reviewctl.adapters.docx import NotWord, NotXmlText, markdown_to_docx, outline
from reviewctl.adapters.package import PackageError, TooLarge
from reviewctl.core.privacy import office_text as officetext
from reviewctl.core.store.folder import TEMPLATES_DIR, Store
from reviewctl.core.store.inputs import MAX_INPUT_BYTES, check_input, read_input
from reviewctl.errors import InvalidDataError, UsageError

REFERENCE_DOCX = "reference.docx"
_MANUAL_NUMBER = re.compile(r"^\s*\d+[.)]\s+(.*\S)\s*$")


def reference(store: Store) -> bytes | None:
    """The store's templates/reference.docx (fonts, letterhead), if it has one; never through a link."""
    path = store.root / TEMPLATES_DIR / REFERENCE_DOCX
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InvalidDataError(f"{store.shown(path)}: not a regular file (a link or a folder); put the "
                               "partnership's reference document there as a file, or remove it")
    return path.read_bytes() if path.is_file() else None


@functools.lru_cache(maxsize=2)
def _uncheckable(data: bytes) -> tuple[str, ...]:
    """The reference document's parts that cannot be checked: read once for the letters of a step."""
    return tuple(officetext.uncheckable(data))


def refuse_what_letters_cannot_carry(data: bytes, shown: str) -> None:
    """Refuse a reference document with parts that would go into every letter and cannot be
    checked (macros, embedded objects, imported files, an attached template, outside links)."""
    try:
        parts = _uncheckable(data)
    except TooLarge as error:
        raise InvalidDataError(f"{shown}: {error}, so it cannot be checked; save a smaller copy from Word, or "
                               "remove it to use plain styles") from None
    except PackageError:
        return  # not a Word file at all: python-docx says so
    if parts:
        raise InvalidDataError(f"{shown}: {', '.join(parts)} would go into every letter, and cannot be checked "
                               "for identifiers; save the reference document again without it (no macros, "
                               "embedded objects, imported files, attached template or links to other files), "
                               "or remove it to use plain styles")


def word_copy(store: Store, markdown: str, title: str, when: date) -> bytes:
    """A rendered letter as a Word document."""

    ref = reference(store)
    if ref is not None:
        refuse_what_letters_cannot_carry(ref, store.shown(store.root / TEMPLATES_DIR / REFERENCE_DOCX))
    try:
        return markdown_to_docx(markdown, ref, title, store.config.partnership, when)
    except NotXmlText as error:
        raise InvalidDataError(f"the Word copy of {title}: {error}, which a Word file cannot hold; remove it "
                               "from what the letter shows (the case's subject, a name given): `reviewctl amend` "
                               "corrects a case's field") from None
    except NotWord as error:
        shown = store.shown(store.root / TEMPLATES_DIR / REFERENCE_DOCX)
        raise InvalidDataError(f"{shown}: not a Word document that can be read ({error}); save it again "
                               "from Word as .docx, or remove it to use plain styles") from None


def read_word(path: Path, flag: str) -> bytes:
    """A Word file a user hands in: its bytes, refused if missing, huge or not a Word document."""

    shown = f"{flag} {path}"
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise UsageError(f"{shown}: {size / 2**20:.0f} MB is larger than the {MAX_INPUT_BYTES // 2**20} MB a "
                         "document may be; check that this is the right file (images make a .docx large)")
    data = path.read_bytes()
    try:
        outline(data)
    except NotWord:
        raise UsageError(f"{shown}: not a Word document that can be read; save it again from Word as .docx "
                         "(Word Document), or give the report as markdown") from None
    return data


def word_recommendations(data: bytes) -> list[str]:
    """The numbered items under the first heading that says 'Recommendations', to the next
    heading of the same or a higher level."""

    found: list[str] = []
    level: int | None = None
    for block in outline(data):
        if block.heading is not None:
            if level is not None and block.heading <= level:
                break
            if level is None and "recommendation" in block.text.lower():
                level = block.heading
            continue
        if level is None or not block.text.strip():
            continue
        manual = _MANUAL_NUMBER.match(block.text)
        if block.numbered:
            found.append(" ".join(block.text.split()))
        elif manual:
            found.append(" ".join(manual.group(1).split()))
    return found


def read_letter(path: Path, flag: str) -> tuple[str, str | bytes]:
    """A letter a user hands in (the QA Panel's), as it is kept: (suffix, content).

    Text or markdown is kept as its text, and a Word document byte for byte (the guards
    read every part of it). A PDF is kept as its text: what a PDF shows can differ from
    the text it holds, so the text is what is kept and checked; a PDF without text (a
    scan) is refused, saying how to give it.
    """

    suffix = path.suffix.lower()
    if suffix == ".docx":
        return ".docx", read_word(path, flag)
    if suffix == ".pdf":
        from reviewctl.adapters.pdf import NotPdf, pdf_text  # lazy: only where it is needed

        check_input(path, flag)
        try:
            text = pdf_text(path.read_bytes())
        except NotPdf as error:
            raise UsageError(f"{flag} {path}: not a PDF that can be read ({error}); save the letter again as PDF "
                             "or .docx, or give its text as a .md file") from None
        if not text.strip():
            raise UsageError(f"{flag} {path}: the PDF holds no text (a scanned image?); give the letter as .docx, "
                             "or type its text into a .md file")
        return ".md", text.rstrip() + "\n"
    text = read_input(path, flag, "save the letter as text (markdown), .docx or PDF")
    if not text.strip():
        raise UsageError(f"{flag} {path}: the file is empty; give the QA Panel's letter")
    return ".md", text
