"""The parts of an Office file (.docx, .xlsx, .pptx, OpenDocument: a zip of parts), read
within bounds.

What a part is comes from the package itself, never from its name alone: the content
types of `[Content_Types].xml` (or an OpenDocument's `META-INF/manifest.xml`) and the
relationships (`_rels/*.rels`) that tie the parts together. A part's bytes are read in
pieces up to a limit, so a part that unpacks to gigabytes is refused, not read whole; an
XML part is parsed with no DTD at all (an Office part never needs one), so no entity
can expand ("billion laughs") and no outside file is fetched.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

MAX_PARTS = 10_000  # a long report with many pictures has a few hundred
MAX_XML_PART = 16 * 2**20  # parsed, such a part takes about ten times this in memory, and seconds
MAX_READ = 64 * 2**20  # all the parts read from one file, those in embedded files included
_CHUNK = 2**20
CONTENT_TYPES = "[content_types].xml"
MANIFEST = "meta-inf/manifest.xml"
_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, NotImplementedError, RuntimeError)


class PackageError(ValueError):
    """The file cannot be read as a package; the message names the part where there is one."""


class TooLarge(PackageError):
    """A part, or the parts together, unpack to more than the limits."""


class _NoDoctype(ElementTree.TreeBuilder):
    """A tree builder that stops at a document type declaration, before any entity in it
    is declared, let alone expanded."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise PackageError("declares a DTD, which an Office part never needs")


def local(tag: str) -> str:
    """A tag's or attribute's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def key(name: str) -> str:
    """A part's name as the package compares it: no leading slash, any case."""
    return name.lstrip("/").replace("\\", "/").lower()


@dataclass(frozen=True)
class Relationship:
    part: str  # the relationships part that holds it, as the archive names it
    source: str  # the part it belongs to, as key() gives it ("" for the package itself)
    kind: str  # the last word of its type: hyperlink, image, oleObject, aFChunk, ...
    target: str  # the part it points to, as key() gives it, or the address of an outside one
    address: str  # its target as written
    external: bool


@dataclass
class Budget:
    """What is left to read of one file, shared with the files embedded in it."""

    left: int = MAX_READ


@dataclass
class Package:
    archive: zipfile.ZipFile
    budget: Budget = field(default_factory=Budget)
    types: dict[str, str] = field(default_factory=dict)  # by key(): the content type
    defaults: dict[str, str] = field(default_factory=dict)  # by extension
    relationships: list[Relationship] = field(default_factory=list)

    @property
    def parts(self) -> list[zipfile.ZipInfo]:
        """Every part, in the order the archive holds them (folders left out)."""
        return [m for m in self.archive.infolist() if not m.is_dir()]

    @property
    def opendocument(self) -> bool:
        return any(key(m.filename) == MANIFEST for m in self.parts)

    def content_type(self, name: str) -> str | None:
        found = self.types.get(key(name))
        if found is None and "." in name.rsplit("/", 1)[-1]:
            found = self.defaults.get(name.rsplit(".", 1)[-1].lower())
        return found

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_: object) -> None:
        self.archive.close()

    def head(self, part: zipfile.ZipInfo, size: int = 64) -> bytes:
        """The first bytes of a part, to see what it holds."""
        try:
            with self.archive.open(part) as stream:
                return stream.read(size)
        except _ERRORS as error:
            raise PackageError(f"{part.filename}: {error}") from None

    def data(self, part: zipfile.ZipInfo, limit: int) -> bytes:
        """A part's bytes; TooLarge past `limit` or the file's budget, found before it is all read."""
        def too_large(size: int) -> TooLarge:
            if size > limit:
                return TooLarge(f"{part.filename} unpacks to more than {limit >> 20} MB")
            return TooLarge(f"its parts unpack to more than {MAX_READ >> 20} MB in all")

        if part.file_size > min(limit, self.budget.left):
            raise too_large(part.file_size)
        pieces: list[bytes] = []
        size = 0
        try:
            with self.archive.open(part) as stream:
                while piece := stream.read(_CHUNK):
                    size += len(piece)
                    if size > min(limit, self.budget.left):  # the size the archive declares can be a lie
                        raise too_large(size)
                    pieces.append(piece)
        except _ERRORS as error:
            raise PackageError(f"{part.filename}: {error}") from None
        self.budget.left -= size
        return b"".join(pieces)

    def xml(self, part: zipfile.ZipInfo, data: bytes | None = None) -> ElementTree.Element:
        """A part parsed as XML (from `data`, its bytes as `xml_bytes` read them, when given),
        refused if it declares a DTD."""
        if data is None:
            data = self.xml_bytes(part)
        parser = ElementTree.XMLParser(target=_NoDoctype())
        try:
            parser.feed(data)
            root: ElementTree.Element = parser.close()
        except (PackageError, ElementTree.ParseError) as error:
            raise PackageError(f"{part.filename}: {error}") from None
        return root

    def xml_bytes(self, part: zipfile.ZipInfo) -> bytes:
        """The bytes of a part to be parsed as XML, within its limit."""
        return self.data(part, MAX_XML_PART)

    def embedded(self, part: zipfile.ZipInfo) -> Package:
        """An Office file held as a part of this one (a chart's workbook), on the same budget."""
        return open_package(self.data(part, MAX_READ), self.budget)

    def _load(self) -> None:
        parts = self.parts
        if len(parts) > MAX_PARTS:
            raise TooLarge(f"holds more than {MAX_PARTS} parts")
        for part in parts:
            name = key(part.filename)
            if name == CONTENT_TYPES:
                for entry in self.xml(part):
                    if local(entry.tag) == "Default":
                        self.defaults[entry.get("Extension", "").lower()] = entry.get("ContentType", "")
                    elif local(entry.tag) == "Override":
                        self.types[key(entry.get("PartName", ""))] = entry.get("ContentType", "")
            elif name == MANIFEST:
                for entry in self.xml(part):
                    attributes = {local(k): v for k, v in entry.attrib.items()}
                    self.types[key(attributes.get("full-path", ""))] = attributes.get("media-type", "")
            elif name.endswith(".rels") and (name.startswith("_rels/") or "/_rels/" in name):
                self.relationships += _relationships(part.filename, self.xml(part))


def _relationships(part: str, root: ElementTree.Element) -> list[Relationship]:
    folder, _, base = key(part).rpartition("_rels/")
    source = folder + base.removesuffix(".rels")
    found = []
    for entry in root:
        if local(entry.tag) != "Relationship":
            continue
        address = target = entry.get("Target", "")
        external = entry.get("TargetMode", "").lower() == "external"
        if not external:
            joined = target if target.startswith("/") else posixpath.join(posixpath.dirname(source), target)
            target = key(posixpath.normpath("/" + unquote(joined)))
        found.append(Relationship(part, source, entry.get("Type", "").rsplit("/", 1)[-1], target, address, external))
    return found


def open_package(source: Path | bytes, budget: Budget | None = None) -> Package:
    """The package, its content types and relationships read. Raises PackageError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except _ERRORS as error:
        raise PackageError(str(error)) from None
    package = Package(archive, budget or Budget())
    try:
        package._load()
    except PackageError:
        archive.close()
        raise
    return package

