"""A zip package (an .xlsx, a .docx) bounded by what it unpacks, checked before any parser
opens it.

A file's size on disk says little: deflate packs a run of one letter about a thousand to
one, so a 100 KB workbook can unpack to 100 MB (a zip bomb), and a parser holds what it
unpacks. `check` reads the central directory, refuses a package that declares too much,
then unpacks every part once, as a stream, counting the bytes it really gets (a
declared size may lie), and refuses:

- more than `total` bytes unpacked in all;
- a run of text in an XML part (a cell, an attribute) longer than `text_run` characters,
  so no single value can be huge however the parts are laid out;
- a DTD or an entity declaration in an XML part: Office never writes one, and entities
  expand (billion laughs) or reach out to files;
- more than `parts` parts, and a part that cannot be unpacked (damaged, encrypted).

Nothing is kept: the parser opens the file afterwards, knowing it is bounded.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_CHUNK = 2**16
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CARRY = 16  # enough of the previous chunk to find a declaration split across two


@dataclass(frozen=True)
class Bounds:
    total: int = 50 * 2**20
    text_run: int = 2**20
    parts: int = 10_000


class Unbounded(ValueError):
    """The package unpacks past its bounds or holds what is not allowed: one line, naming the part."""


def check(source: Path | IO[bytes], bounds: Bounds = Bounds()) -> None:
    """Refuse (Unbounded) a package (a path, or a binary file open for reading) that
    unpacks past `bounds`; else return. A file is read from its start, and left there."""
    _check_count(source, bounds)
    try:
        with zipfile.ZipFile(source) as package:
            infos = package.infolist()
            if len(infos) > bounds.parts:
                raise Unbounded(f"{len(infos)} parts, more than the {bounds.parts} allowed")
            declared = sum(info.file_size for info in infos)
            if declared > bounds.total:
                raise Unbounded(f"unpacks to {_mb(declared)}, more than the {_mb(bounds.total)} allowed")
            unpacked = 0
            for info in infos:
                with package.open(info) as part:
                    unpacked = _stream(part, info.filename, unpacked, bounds)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise Unbounded(f"not a zip package that can be unpacked ({_short(error)})") from None
    except NotImplementedError:  # a compression zipfile does not know
        raise Unbounded("packed in a way that cannot be unpacked; save it again") from None
    except RuntimeError:  # encrypted
        raise Unbounded("encrypted (protected by a password); save a copy without the password") from None
    finally:
        if not isinstance(source, Path):
            source.seek(0)


def _check_count(source: Path | IO[bytes], bounds: Bounds) -> None:
    """Refuse a directory of too many parts before zipfile reads it all into memory (a
    20 MB file can list some 400,000)."""
    end_record = getattr(zipfile, "_EndRecData", None)  # zipfile's own reader of the end record
    if end_record is None:
        return
    if isinstance(source, Path):
        with source.open("rb") as handle:
            record = end_record(handle)
    else:
        record = end_record(source)
    if record is None:
        raise Unbounded("not a zip package (no end of its directory)")
    entries = record[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)]
    if isinstance(entries, int) and entries > bounds.parts:
        raise Unbounded(f"{entries} parts, more than the {bounds.parts} allowed")


def _stream(part: IO[bytes], name: str, unpacked: int, bounds: Bounds) -> int:
    """Unpack one part, counting; the running total of bytes unpacked."""
    first = part.read(_CHUNK)
    codec = _xml_encoding(first, name)
    scan = _XmlScan(first, codec, name, bounds) if codec else None
    chunk = first
    while chunk:
        unpacked += len(chunk)
        if unpacked > bounds.total:
            raise Unbounded(f"unpacks to more than the {_mb(bounds.total)} allowed (at part {name[:100]})")
        if scan is not None:
            scan.feed(chunk)
        chunk = part.read(_CHUNK)
    return unpacked


# How an XML part's first bytes say its encoding (XML 1.0, appendix F); Office writes UTF-8.
_STARTS = ((b"\x00\x00\xfe\xff", None), (b"\xff\xfe\x00\x00", None), (b"\x00\x00\x00<", None),
           (b"<\x00\x00\x00", None), (b"\x4c\x6f\xa7\x94", None),  # UTF-32, EBCDIC: refused
           (b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16"), (b"\x00<\x00?", "utf-16-be"),
           (b"<\x00?\x00", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8-sig"))
_DECLARED = re.compile(r"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_READABLE = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be"}


def _xml_encoding(first: bytes, name: str) -> str | None:
    """The codec to read an XML part with; None when the part is not XML (an image)."""
    for start, codec in _STARTS:
        if first.startswith(start):
            if codec is None:
                raise Unbounded(f"part {name[:100]}: XML in an encoding Office never writes; save it again")
            return codec
    # UTF-16 with no mark and no declaration: a parser tells it from its first bytes (`<` and a
    # NUL, or white space and a NUL) and reads it, DTD and all; read here as UTF-8 it hid them.
    if len(first) >= 2 and first[1] == 0 and first[0] in b"< \t\r\n":
        return "utf-16-le"
    if len(first) >= 2 and first[0] == 0 and first[1] in b"< \t\r\n":
        return "utf-16-be"
    return "utf-8" if first.lstrip(b" \t\r\n").startswith(b"<") else None


class _XmlScan:
    """An XML part's text, decoded as it streams: its longest run without a tag, and any
    declaration."""

    def __init__(self, first: bytes, codec: str, name: str, bounds: Bounds) -> None:
        self.decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        self.name, self.bounds = name[:100], bounds
        self.run = 0  # characters since the last '<'
        self.tail = ""
        declared = _DECLARED.match(codecs.decode(first[:200], codec, errors="replace"))
        if declared and declared.group(1).strip().lower() not in _READABLE:
            # Another encoding would spell a declaration in other bytes than those looked for.
            raise Unbounded(f"part {self.name}: XML in an encoding Office never writes; save it again")

    def feed(self, chunk: bytes) -> None:
        text = self.decoder.decode(chunk)
        if _DECLARATION.search(self.tail + text):
            raise Unbounded(f"part {self.name}: declares a DTD or an entity, which spreadsheets and Word files "
                            "never need; save it again from Excel or Word")
        self.tail = text[-_CARRY:]
        pieces = text.split("<")
        if len(pieces) == 1:
            self.run += len(text)
            longest = self.run
        else:
            longest = max(self.run + len(pieces[0]), max(len(p) for p in pieces[1:]))
            self.run = len(pieces[-1])
        if longest > self.bounds.text_run:
            raise Unbounded(f"part {self.name}: a value (a cell's text, an attribute) is longer than "
                            f"{_mb(self.bounds.text_run)}")


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size // 2**10} KB"


def _short(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:120]
