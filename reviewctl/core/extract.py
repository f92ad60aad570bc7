"""The text of a file a case would publish, whatever its extension.

Text files (markdown, plain text, HTML, CSV and anything else that is UTF-8 or carries a
UTF-16 mark) are read as they are: folding.py deals with markup. Office files are zip
archives of XML: a .docx gives one line per paragraph of its document, headers, footers,
notes and comments (tracked deletions and field codes included), and the addresses its
links point to; .odt, .xlsx, .pptx and their kin give every text node. Anything else
cannot be checked and is said to be so, never passed in silence.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from reviewctl.errors import InvalidDataError

OFFICE = {".docx", ".docm", ".dotx", ".dotm", ".odt", ".ott", ".ods", ".odp", ".xlsx", ".xlsm", ".pptx"}
_MAX_UNPACKED = 256 * 1024 * 1024  # an archive that unpacks to more than this is refused
_TEXT_TAGS = {"t", "delText", "instrText"}  # text, tracked deletions, field codes (HYPERLINK "...")
_SPACE_TAGS = {"tab", "br", "cr"}
_LINK_ATTRIBUTES = {"Target", "href"}  # relationship targets (.docx), xlink:href (.odt)


@dataclass
class Extracted:
    """A file's text; `labels[i]` names line i+1 where a line is not a line of the file
    (a paragraph of a .docx), else None."""

    text: str
    labels: list[str] | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _paragraphs(root: ElementTree.Element) -> list[str]:
    lines = []
    for paragraph in root.iter():
        if _local(paragraph.tag) != "p" or not paragraph.tag.startswith("{http://schemas.openxmlformats"):
            continue
        parts = []
        for node in paragraph.iter():
            name = _local(node.tag)
            if name in _TEXT_TAGS and node.text:
                parts.append(node.text)
            elif name in _SPACE_TAGS:
                parts.append(" ")
        lines.append("".join(parts))
    return lines


def _nodes(root: ElementTree.Element) -> list[str]:
    lines = []
    for node in root.iter():
        lines += [v for k, v in node.attrib.items() if _local(k) in _LINK_ATTRIBUTES]
        lines += [t for t in (node.text, node.tail) if t and t.strip()]
    return lines


def _office(path: Path, shown: str) -> Extracted:
    kind = path.suffix.lower()
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith((".xml", ".rels"))]
            if sum(m.file_size for m in archive.infolist()) > _MAX_UNPACKED:
                raise InvalidDataError(f"{shown}: unpacks to more than {_MAX_UNPACKED >> 20} MB, so it "
                                       "cannot be checked for identifiers; save a smaller copy")
            members.sort(key=lambda m: (m.filename != "word/document.xml", m.filename))
            text: list[str] = []
            labels: list[str] = []
            for member in members:
                data = archive.read(member)
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                    raise ElementTree.ParseError("a part declares entities")
                root = ElementTree.fromstring(data)
                name = member.filename
                if name.startswith("word/") and name.endswith(".xml"):
                    lines = _paragraphs(root)
                    where = "" if name == "word/document.xml" else f"{name} "
                    labels += [f"{where}paragraph {n}" for n in range(1, len(lines) + 1)]
                else:
                    lines = _nodes(root)
                    labels += [name] * len(lines)
                text += lines
    except (zipfile.BadZipFile, ElementTree.ParseError, zlib.error, EOFError, OSError, KeyError,
            NotImplementedError, RuntimeError) as error:
        raise InvalidDataError(f"{shown}: not a readable {kind} file ({error}), so it cannot be checked for "
                               f"identifiers; save it again from the word processor, or remove it") from None
    return Extracted("\n".join(line.replace("\n", " ") for line in text), labels)


def decode(data: bytes) -> str | None:
    """`data` as text, or None when it is not text this guard can read."""
    for mark, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(mark):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def extract(path: Path, shown: str) -> Extracted | None:
    """The text of `path`; None when it cannot be read as text (an image, a PDF, a
    spreadsheet saved in another encoding)."""
    if path.suffix.lower() in OFFICE:
        return _office(path, shown)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidDataError(f"{shown}: cannot be read ({error.strerror}), so it cannot be checked for "
                               "identifiers; make it readable, or move it out of the case folder") from None
    text = decode(data)
    return None if text is None else Extracted(text)
