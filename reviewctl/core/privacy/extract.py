"""The text of a file a case would publish, whatever its extension.

Text files (markdown, plain text, HTML, CSV and anything else that is UTF-8 or carries a
UTF-16 mark) are read as they are: folding.py deals with markup. Office files (.docx,
.odt, .xlsx, .pptx and their kin) give every text and attribute a reader sees, part by
part, and name the parts that cannot be checked (privacy/office_text.py). An RTF file
(whatever its name) gives one line per paragraph of its text, with formatting groups,
escaped characters (`\\'e1`, `\\u225`) and optional hyphens undone, so that
`Ex{\\b ample}ton` reads as it shows; every destination is kept (what a reader does not
see is published with the file too) but pictures and other binary data. Anything else
cannot be checked and is said to be so, never passed in silence.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewctl.adapters.package import PackageError, TooLarge
from reviewctl.core.privacy import office_text as officetext
from reviewctl.errors import InvalidDataError

OFFICE = {".docx", ".docm", ".dotx", ".dotm", ".odt", ".ott", ".ods", ".ots", ".odp", ".otp", ".odg", ".xlsx",
          ".xlsm", ".xltx", ".pptx", ".pptm", ".ppsx", ".potx"}
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
    (a paragraph of a .docx), else None; `uncheckable` names the parts of an Office file
    that cannot be checked (`word/vbaProject.bin (macros)`)."""

    text: str
    labels: list[str] | None = None
    uncheckable: list[str] = field(default_factory=list)


def uncheckable_parts(parts: list[str]) -> str:
    """What to say of parts of Office files (`file:part (what)`) that cannot be checked."""
    return (f"{', '.join(parts)} cannot be checked for identifiers; save the file again without them (macros, "
            "embedded objects, imported files, an attached template, links to other files: paste an object as a "
            "picture or its text as text), or leave the file out")


def _office(path: Path | bytes, shown: str, kind: str = "") -> Extracted:
    kind = kind or (path.suffix.lower() if isinstance(path, Path) else "")
    try:
        found = officetext.read(path)
    except TooLarge as error:
        raise InvalidDataError(f"{error}, so it cannot be checked for identifiers; save a smaller "
                               "copy", path=shown) from None
    except PackageError as error:
        raise InvalidDataError(f"not a readable {kind} file ({error}), so it cannot be checked for "
                               "identifiers; save it again from the word processor, or remove it",
                               path=shown) from None
    return Extracted("\n".join(line.replace("\n", " ") for line in found.lines), found.labels, found.uncheckable)


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
        raise InvalidDataError(f"cannot be read ({error.strerror}), so it cannot be checked for "
                               "identifiers; make it readable, or move it out of the case folder", path=shown) from None
    if data.lstrip()[:5] == b"{\\rtf":
        return _rtf(data)
    text = decode(data)
    return None if text is None else Extracted(text)
