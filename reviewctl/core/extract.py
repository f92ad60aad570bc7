"""The text of a file a case would publish, whatever its extension.

Text files (markdown, plain text, HTML, CSV and anything else that is UTF-8 or carries a
UTF-16 mark) are read as they are: folding.py deals with markup. Office files are zip
archives of XML: a .docx gives one line per paragraph of its document, headers, footers,
notes and comments (tracked deletions and field codes included), and the addresses its
links point to; .odt, .xlsx, .pptx and their kin give every text node. An RTF file
(whatever its name) gives one line per paragraph of its text, with formatting groups,
escaped characters (`\\'e1`, `\\u225`) and optional hyphens undone, so that
`Ex{\\b ample}ton` reads as it shows; every destination is kept (what a reader does not
see is published with the file too) but pictures and other binary data. Anything else
cannot be checked and is said to be so, never passed in silence.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
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
# A control word and its number, a \\'hh escape, a control symbol, a brace, line breaks, text.
_RTF_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?[0-9]{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])"
                        rb"|[\r\n]+|([^\\{}\r\n]+)", re.DOTALL)
# Destinations of binary data (pictures, embedded objects, themes), skipped as hex noise.
_RTF_BINARY = {b"pict", b"objdata", b"themedata", b"colorschememapping", b"datastore", b"blipuid", b"panose",
               b"fontemb"}
_RTF_WORDS = {b"par": "\n", b"line": "\n", b"row": "\n", b"sect": "\n", b"page": "\n", b"tab": " ",
              b"cell": " ", b"emdash": "-", b"endash": "-", b"lquote": "'", b"rquote": "'", b"ldblquote": '"',
              b"rdblquote": '"', b"bullet": " ", b"emspace": " ", b"enspace": " "}
_RTF_SYMBOLS = {b"~": "\u00a0", b"_": "-", b"\\": "\\", b"{": "{", b"}": "}", b"\n": "\n", b"\r": "\n"}


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


def _office(path: Path | bytes, shown: str, kind: str = "") -> Extracted:
    kind = kind or (path.suffix.lower() if isinstance(path, Path) else "")
    try:
        with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as archive:
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


def _rtf(data: bytes) -> Extracted:
    """The text of an RTF document: one line per paragraph."""
    out: list[str] = []
    raw = bytearray()  # 8-bit text and \\'hh escapes, decoded together in the document's code page
    codepage = "cp1252"
    skip, uc, fallback = False, 1, 0  # in a binary destination; \\uN fallback length; fallback left to drop
    stack: list[tuple[bool, int]] = []
    at = 0

    def flush() -> None:
        if raw:
            out.append(raw.decode(codepage, errors="replace"))
            raw.clear()

    while at < len(data):
        m = _RTF_TOKEN.match(data, at)
        if m is None:  # a lone backslash at the very end
            break
        at = m.end()
        word, number, hexa, symbol, brace, text = m.groups()
        if brace is not None:
            flush()
            fallback = 0
            if brace == b"{":
                stack.append((skip, uc))
            elif stack:
                skip, uc = stack.pop()
        elif word is not None:
            if word == b"bin" and number:  # binary data of that many bytes follows
                at += max(0, int(number))
            if word in _RTF_BINARY:
                skip = True
            elif word == b"uc" and number:
                uc = max(0, int(number))
            elif word == b"ansicpg" and number:
                flush()
                with contextlib.suppress(LookupError):
                    codepage = codecs.lookup(f"cp{int(number)}").name
            elif word == b"u" and number:
                flush()
                if not skip:
                    out.append(chr(int(number) % 65536))
                fallback = uc
            elif word in _RTF_WORDS and not skip:
                flush()
                out.append(_RTF_WORDS[word])
        elif hexa is not None or text is not None:
            chars = bytes.fromhex(hexa.decode()) if hexa is not None else text
            dropped = min(fallback, len(chars))  # the plain spelling after \\uN, for readers without Unicode
            fallback -= dropped
            if not skip:
                raw.extend(chars[dropped:])
        elif symbol is not None and symbol in _RTF_SYMBOLS and not skip:
            flush()
            out.append(_RTF_SYMBOLS[symbol])
    flush()
    lines = "".join(out).split("\n")
    return Extracted("\n".join(lines), [f"paragraph {n}" for n in range(1, len(lines) + 1)])


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


def extract_bytes(data: bytes, suffix: str, shown: str) -> Extracted | None:
    """The text of a file's bytes before it is written (what a step adds), as `extract` reads it."""
    if suffix.lower() in OFFICE:
        return _office(data, shown, suffix.lower())
    if data.lstrip()[:5] == b"{\\rtf":
        return _rtf(data)
    text = decode(data)
    return None if text is None else Extracted(text)


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
    if data.lstrip()[:5] == b"{\\rtf":
        return _rtf(data)
    text = decode(data)
    return None if text is None else Extracted(text)
