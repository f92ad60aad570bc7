"""What a reader of an Office file can see, as lines of text for the guard, and the parts
that cannot be checked, named.

Every part is read that Word, python-docx or another reader would show, whatever it is
called: it is found by the package's content types and relationships (adapters/package.py),
so a main part renamed `document.bin` is read like `document.xml`. From each XML part
come its paragraphs (a Word or DrawingML paragraph is one line: its text, tracked
deletions and field codes), every other text it holds (chart values, properties,
spreadsheet cells, OpenDocument text) and the attributes a reader sees (alt text,
authors, link tooltips and addresses, bookmark and sheet names, WordArt, form fields and
content-control entries, field instructions). An Office file embedded in another (a
chart's workbook) is read as part of it. Pictures, sounds, videos, fonts and printer
settings are not read.

What cannot be read is named, never passed: macros, embedded objects and controls,
imported files (altChunk), attached templates, links to outside files other than plain
hyperlinks (whose address is read as text), and any part of another kind.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from reviewctl.adapters.package import Package, PackageError, TooLarge, key, local, open_package

MAX_DEPTH = 2  # an Office file in an Office file in the one checked, and no deeper
_OOXML = ("{http://schemas.openxmlformats.org/", "{http://purl.oclc.org/ooxml/")  # transitional, strict
_TEXT_TAGS = {"t", "delText", "instrText", "delInstrText"}  # text, tracked deletions, field codes
_CODE_TAGS = {"instrText", "delInstrText"}
# Fields that take in another file's text or picture when they are updated (and DDE, which
# runs another program): like an altChunk, what they show cannot be checked in the file.
_TAKES_IN = re.compile(r"(?:^|[\s|])(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|LINK|DDEAUTO|DDE|IMPORT)(?=\s|$)",
                       re.IGNORECASE)
_SPACE_TAGS = {"tab", "br", "cr", "ptab"}
# Relationships whose target cannot be checked, and what a message calls it.
_REFUSED_LINKS = {
    "aFChunk": "an imported file (altChunk)", "attachedTemplate": "an attached template",
    "oleObject": "an embedded object", "control": "a control (ActiveX)", "activeXControlBinary": "a control (ActiveX)",
    "vbaProject": "macros", "wordVbaData": "macros", "keyMapCustomizations": "macros",
    "vbaProjectSignature": "macros", "subDocument": "a subdocument", "frame": "a frame of another file",
}
# Links to outside files (any but a plain hyperlink), and what a message calls them.
_OUTSIDE = {**_REFUSED_LINKS, "image": "a linked picture", "oleObject": "a linked object",
            "externalLinkPath": "a link to another workbook", "mailMergeSource": "a mail merge's data",
            "recipientData": "a mail merge's data", "dataSource": "a mail merge's data"}
# Words in a content type that say what cannot be checked.
_REFUSED_TYPES = (("macroenabled", "a macro-enabled document"), ("vbaproject", "macros"), ("vbadata", "macros"),
                  ("keymapcustomizations", "macros"), ("macrosheet", "macros"), ("oleobject", "an embedded object"),
                  ("activex", "a control (ActiveX)"))
_NOT_READ = ("image/", "audio/", "video/")  # content types shown as what they are, not as text
_NOT_TEXT = ("font", "printersettings")  # fonts and printer settings: nothing a reader sees as text
_PICTURES = {"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "emf", "wmf", "svg", "wdp", "webp"}
_PACKAGES = ("officedocument.wordprocessingml.document", "officedocument.spreadsheetml.sheet",
             "officedocument.presentationml.presentation", "opendocument.")
_PROPERTIES = ("core-properties", "extended-properties", "custom-properties")
# Attributes a reader sees (by their name without namespace), and what a finding calls them.
_ATTRIBUTES = {
    "descr": "alt text", "alt": "alt text", "title": "title", "author": "author", "initials": "author's initials",
    "userId": "author's account", "displayName": "name", "tooltip": "link tooltip", "anchor": "link",
    "location": "link", "display": "link text", "Target": "", "href": "", "string": "WordArt text",
    "instr": "field instruction", "name": "name", "displayText": "list entry", "value": "value",
    "fullDate": "date", "string-value": "value", "v": "value", "prompt": "input message",
    "promptTitle": "input message", "error": "error message", "errorTitle": "error message",
    "description": "description", "label": "label",
    # A number format's literal text shows in every cell it formats (`"Name"`, or `\N\a\m\e`),
    # a list's prefix and suffix before and after each number, an OpenDocument control its value.
    "formatCode": "number format", "format": "number format", "num-prefix": "list numbering text",
    "num-suffix": "list numbering text", "num-list-format": "list numbering text", "current-value": "value",
    "string-value-if-true": "conditional text", "string-value-if-false": "conditional text",
    "display-name": "name",
}
_NAMED = {"bookmarkStart": "bookmark name", "sheet": "sheet name", "docPr": "shape name", "cNvPr": "shape name",
          "definedName": "defined name", "property": "property name", "docVar": "document variable name",
          "cmAuthor": "author"}
# Elements whose `val` attribute is text a reader sees (form fields, content controls, ...).
_VALUES = {"listEntry": "drop-down entry", "default": "form field default", "result": "form field result",
           "name": "name", "helpText": "form field help", "statusText": "form field status text",
           "alias": "content control title", "tag": "content control tag", "docPart": "placeholder",
           "docVar": "document variable", "lvlText": "list numbering text", "aliases": "style alias",
           "dateFormat": "date format", "format": "form field format"}


@dataclass
class OfficeText:
    lines: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # what names each line in a finding
    uncheckable: list[str] = field(default_factory=list)  # `part (what it is)`: parts that cannot be checked

    def add(self, label: str, text: str) -> int:
        self.lines.append(text)
        self.labels.append(label)
        return len(self.lines) - 1


def read(source: Path | bytes) -> OfficeText:
    """The text of an Office file, by part. Raises PackageError (TooLarge past the limits)."""
    found = OfficeText()
    with open_package(source) as package:
        _read(package, found, "", 0)
    return found


def uncheckable(source: Path | bytes) -> list[str]:
    """The parts of an Office file that cannot be checked (`word/vbaProject.bin (macros)`)."""
    return read(source).uncheckable


def _read(package: Package, found: OfficeText, prefix: str, depth: int) -> None:
    parts = package.parts
    names = {key(part.filename): part.filename for part in parts}
    refused: dict[str, str] = {}
    for link in package.relationships:
        if link.external and link.kind != "hyperlink":
            what = _OUTSIDE.get(link.kind, f"a link of kind {link.kind}")
            found.uncheckable.append(f"{prefix}{names.get(link.source, link.part)} ({what}, outside the file)")
        elif not link.external and link.kind in _REFUSED_LINKS:
            refused[link.target] = _REFUSED_LINKS[link.kind]
    main = next((link.target for link in package.relationships if link.source == "" and
                 link.kind == "officeDocument" and not link.external), "word/document.xml")
    addresses: dict[str, list[str]] = {}
    for link in package.relationships:
        addresses.setdefault(link.part, []).append(link.address)
    odf = package.opendocument
    for part in sorted(parts, key=lambda p: (key(p.filename) != main, p.filename)):
        name = key(part.filename)
        kind = refused.get(name) or _kind(package, part, odf)
        shown = f"{prefix}{part.filename}"
        if kind in ("xml", "xml?"):
            try:
                data = package.xml_bytes(part)
                how = (shown, not prefix and name == main,
                       any(t in (package.content_type(part.filename) or "") for t in _PROPERTIES))
                lines, labels, uncheckable = _part_text(package, part, data, how)
            except PackageError as error:
                if kind == "xml" or isinstance(error, TooLarge):
                    raise
                found.uncheckable.append(f"{shown} (a part that cannot be read)")
                continue
            found.lines += lines
            found.labels += labels
            found.uncheckable += uncheckable
        elif kind == "relationships":
            for address in addresses.get(part.filename, []):
                if address.strip():
                    found.add(shown, address)
        elif kind == "package":
            _embedded(package, part, found, shown, depth)
        elif kind:
            found.uncheckable.append(f"{shown} ({kind})")


# The text of the large XML parts read lately, by what they are (a hash of their bytes, their
# name, how they are read). Every letter rendered from the same reference document carries the
# same styles (about 800 kB of XML that names some 300 styles): read once per process, not once
# per letter. A part's text depends on nothing but these, so an entry never goes stale; small
# parts (a letter's own text) are read each time, and the oldest entry makes room for a new one.
_MEMO: OrderedDict[tuple[bytes, tuple[str, bool, bool]], tuple[list[str], list[str], list[str]]] = OrderedDict()
_MEMO_FROM = 16 * 1024  # bytes: a part smaller than this is quicker to read again
_MEMO_SIZE = 32


def _part_text(package: Package, part: zipfile.ZipInfo, data: bytes,
               how: tuple[str, bool, bool]) -> tuple[list[str], list[str], list[str]]:
    """The lines, labels and what cannot be checked (a field that takes in another file) of an
    XML part (`how`: its name as shown, whether it is the main part, whether it holds properties)."""
    entry = (hashlib.sha256(data).digest(), how) if len(data) >= _MEMO_FROM else None
    if entry is not None and (known := _MEMO.get(entry)) is not None:
        _MEMO.move_to_end(entry)
        return known
    text = OfficeText()
    _xml(package.xml(part, data), how[0], text, main=how[1], named=how[2])
    if entry is not None:
        _MEMO[entry] = (text.lines, text.labels, text.uncheckable)
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return text.lines, text.labels, text.uncheckable


def _embedded(package: Package, part: zipfile.ZipInfo, found: OfficeText, shown: str, depth: int) -> None:
    if depth >= MAX_DEPTH:
        found.uncheckable.append(f"{shown} (an embedded file within an embedded file)")
        return
    try:
        inner = package.embedded(part)
    except PackageError as error:
        if isinstance(error, TooLarge):  # the whole file cannot be checked
            raise
        found.uncheckable.append(f"{shown} (an embedded file that cannot be read)")
        return
    with inner:
        _read(inner, found, f"{shown}:", depth + 1)


def _kind(package: Package, part: zipfile.ZipInfo, odf: bool) -> str:
    """How a part is read: "xml", "relationships", "package", "" (not read: a picture,
    a font, nothing at all), or what it is when it cannot be checked."""
    name = key(part.filename)
    if part.file_size == 0 or name in ("[content_types].xml", "meta-inf/manifest.xml"):
        return ""
    if name.endswith(".rels") and (name.startswith("_rels/") or "/_rels/" in name):
        return "relationships"
    content = (package.content_type(part.filename) or "").lower()
    refusal = next((what for word, what in _REFUSED_TYPES if word in content), None)
    if refusal:
        return refusal
    if odf and name.startswith(("basic/", "scripts/")):
        return "macros"
    if content.endswith("xml") and not content.startswith(_NOT_READ):
        return "xml"
    head = package.head(part).lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if head.startswith(b"<") and "svg" not in content:
        return "xml?"  # XML whatever its stated kind: a part's text cannot hide behind a picture's type
    if (content.startswith(_NOT_READ) or any(word in content for word in _NOT_TEXT)
            or (odf and (name in ("mimetype", "layout-cache") or name.startswith(("objectreplacements/",
                                                                                   "thumbnails/"))))):
        return ""  # the file's type, a cache of its pages, pictures, fonts, printer settings
    if head.startswith(b"PK\x03\x04") and (not content or any(p in content for p in _PACKAGES)):
        return "package"
    if not content and name.rsplit(".", 1)[-1] in _PICTURES:
        return ""
    return f"a part that cannot be read ({content or 'of no stated kind'})"


def _xml(root: ElementTree.Element, part: str, found: OfficeText, *, main: bool, named: bool) -> None:
    """One line per paragraph, per other text and per attribute a reader sees.

    One pass, in document order, with no recursion (a part may nest deep) and each
    paragraph's pieces joined once (one may hold a million runs)."""
    where = "" if main else f"{part} "
    count = 0
    pieces: dict[int, list[str]] = {}  # by the paragraph's line
    names: dict[str, str] = {}  # by tag: its name without namespace
    codes: list[str] = []  # the part's field codes, each field's pieces together
    stack: list[tuple[ElementTree.Element, int]] = [(root, -1)]  # an element, and its paragraph's line (or -1)
    while stack:
        node, line = stack.pop()
        tag = node.tag
        name = names.get(tag) or names.setdefault(tag, local(tag))
        if line < 0 and node.tail and node.tail.strip():  # text after it, in its parent
            found.add(part, node.tail)
        if name in _CODE_TAGS and node.text:
            codes.append(node.text)
        elif name == "fldChar":  # a field begins, shows its result or ends
            codes.append(" | ")
        if name == "p" and tag.startswith(_OOXML):
            count += 1
            line = found.add(f"{where}paragraph {count}", "")
            pieces[line] = []
        elif line >= 0:
            if name in _TEXT_TAGS and node.text:
                pieces[line].append(node.text)
            elif name in _SPACE_TAGS:
                pieces[line].append(" ")
            elif name == "sym":  # a character by its code, as Word shows it (`Surname` spelt one letter a run)
                pieces[line].append(_symbol(node))
        elif node.text and node.text.strip():
            found.add(f"{part} {name}" if named else part, node.text)
        for attribute, value in node.items():
            what = _shown(name, local(attribute))
            if what == "number format":  # `\N\a\m\e` and `"Name"` show as Name
                value = value.replace("\\", "").replace('"', "")
            if what is not None and value.strip():
                at = part if line < 0 else found.labels[line]
                found.add(f"{at} {what}" if what else at, value)
            if what == "field instruction":
                codes.append(f" | {value} | ")
        if len(node):
            stack.extend([(child, line) for child in reversed(node)])
    for line, text in pieces.items():
        found.lines[line] = "".join(text)
    taken = _TAKES_IN.search("".join(codes))
    if taken:  # its text comes from the other file when fields are updated: it cannot be checked here
        found.uncheckable.append(f"{part} (a field that takes in another file, {taken.group(1).upper()})")


def _symbol(node: ElementTree.Element) -> str:
    """The character a `w:sym` shows: its code in hex, a symbol font's (F0xx) read as the
    letter in that place, as the listed guard would rather read too much than too little."""
    code = next((value for attribute, value in node.items() if local(attribute) == "char"), "")
    try:
        number = int(code, 16)
    except ValueError:
        return ""
    number -= 0xF000 if 0xF020 <= number <= 0xF0FF else 0
    return chr(number) if 0x20 <= number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else ""


def _shown(element: str, attribute: str) -> str | None:
    """What a finding calls an attribute a reader sees, or None for one that is not text."""
    if attribute == "val":
        return _VALUES.get(element)
    if attribute == "name" and element in _NAMED:
        return _NAMED[element]
    return _ATTRIBUTES.get(attribute)
