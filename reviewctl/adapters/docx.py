"""The only user of python-docx: a rendered markdown letter as a Word document, and the
outline of a Word report (its headings and list paragraphs) to find its recommendations.

The markdown is what our templates write: headings, paragraphs, bold and italic,
bulleted and numbered lists, tables, and rules. Anything else goes in as its text. A
paragraph's lines flow as one paragraph, as markdown means them (a template is wrapped
to be read as source, not to break a letter's lines); a line kept as a line is one that
ends with two spaces or a backslash (markdown's line break), a line of an address block
(a paragraph that ends with a postcode) or of a block of fields (`**To:** ...` lines).

With the partnership's reference document, its styles, page, header and footer (the
letterhead) are kept and its body is replaced. Without one, the page is A4 with 2.5 cm
margins, in British English, Arial throughout, as a letter in England is.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.text.paragraph import Paragraph

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_INLINE = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\3(?![\w*])|`([^`]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries dated alike: the same letter makes the same bytes
# The kinds of relationship a letter does not keep from the reference document.
_NOT_LETTERS = {"comments", "commentsExtended", "commentsIds", "commentsExtensible", "people", "glossaryDocument",
                "customXml", "extended-properties", "custom-properties", "thumbnail"}
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")  # a UK postcode: an address block ends so
_FIELD = re.compile(r"^\*\*[^*]+:\*\*")  # `**To:** ...`: a block of fields, one a line
_CLOSE = re.compile(r"^Yours (sincerely|faithfully)[,.]?$", re.IGNORECASE)  # room to sign below it
_BODY_FONT = "Arial"  # sans-serif, on every machine that opens a letter (Calc and Writer: Liberation Sans)
_LANGUAGE = "en-GB"


class NotWord(ValueError):
    """The bytes are not a Word document python-docx can read."""


class NotXmlText(ValueError):
    """A letter holds a character a Word file cannot (a control character): the message
    names the line and the character's code, never the text around it."""


# What XML 1.0 cannot hold. In body text python-docx writes a vertical tab and a form feed
# as breaks; in a document property they too are refused.
_NOT_XML_BODY = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _check_xml_text(markdown: str, title: str, author: str) -> None:
    for name, value in (("title", title), ("author", author)):
        found = _NOT_XML.search(value)
        if found:
            raise NotXmlText(f"its {name} holds a control character (U+{ord(found.group()):04X})")
    for number, line in enumerate(markdown.split("\n"), start=1):
        found = _NOT_XML_BODY.search(line)
        if found:
            raise NotXmlText(f"its line {number} holds a control character (U+{ord(found.group()):04X})")


def _open(data: bytes | None) -> DocumentObject:
    from docx import Document

    try:
        return Document(io.BytesIO(data) if data is not None else None)
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds for a bad file
        raise NotWord(f"{type(error).__name__}: {error}"[:200]) from None


def _style(doc: DocumentObject, *names: str) -> str | None:
    """The first of `names` the document defines (a reference document may lack some)."""
    known = {s.name for s in doc.styles}
    return next((n for n in names if n in known), None)


def _runs(paragraph: Paragraph, text: str) -> None:
    """`text` as runs: **bold**, *italic*, `code`, a line break kept."""
    for number, line in enumerate(text.split("\n")):
        if number:
            paragraph.add_run().add_break()
        at = 0
        for match in _INLINE.finditer(line):
            if match.start() > at:
                paragraph.add_run(_ESCAPE.sub(r"\1", line[at:match.start()]))
            if match.group(2) is not None:
                paragraph.add_run(_ESCAPE.sub(r"\1", match.group(2))).bold = True
            elif match.group(4) is not None:
                paragraph.add_run(_ESCAPE.sub(r"\1", match.group(4))).italic = True
            else:
                paragraph.add_run(match.group(5)).font.name = "Consolas"
            at = match.end()
        if at < len(line):
            paragraph.add_run(_ESCAPE.sub(r"\1", line[at:]))


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _table(doc: DocumentObject, lines: list[str]) -> None:
    header, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    width = max([len(header), *(len(r) for r in body)])
    # `| | |` over a table of labels and values (the decision record) is markdown's way to have
    # no headings: in Word, an empty first row would stand above the table as a blank line of boxes.
    rows = [header, *body] if any(header) else body
    table = doc.add_table(rows=len(rows), cols=width)
    style = _style(doc, "Table Grid")
    if style:
        table.style = style
    for r, row in enumerate(rows):
        for c in range(width):
            paragraph = table.cell(r, c).paragraphs[0]
            _runs(paragraph, row[c] if c < len(row) else "")
            if r == 0 and row is header:
                for run in paragraph.runs:
                    run.bold = True


def _paragraph(doc: DocumentObject, text: str, *styles: str) -> None:
    from docx.shared import Pt

    style = _style(doc, *styles) if styles else None
    paragraph = doc.add_paragraph(style=style)
    _runs(paragraph, text)
    if _CLOSE.match(text.strip()):
        paragraph.paragraph_format.space_after = Pt(48)


def joined(lines: list[str]) -> str:
    """A paragraph's lines as Word is to show them: one flowing paragraph, but for the
    lines kept as lines (a line break, an address block, a block of fields: see above)."""
    texts = [line.strip() for line in lines]
    whole_block = bool(_POSTCODE.match(texts[-1])) or (len(texts) > 1 and all(_FIELD.match(t) for t in texts))
    out = []
    for number, (line, text) in enumerate(zip(lines, texts, strict=True)):
        hard = line.endswith("  ") or (text.endswith("\\") and not text.endswith("\\\\"))
        out.append(text[:-1].rstrip() if text.endswith("\\") and hard else text)
        if number < len(lines) - 1:
            out.append("\n" if whole_block or hard else " ")
    return "".join(out)


def _body(doc: DocumentObject, markdown: str) -> None:
    lines = markdown.splitlines()
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            _paragraph(doc, joined(buffer))
            buffer.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = len(heading.group(1))
            _paragraph(doc, heading.group(2), f"Heading {level}", "Heading 1")
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            flush()
            end = i + 2
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            _table(doc, lines[i:end])
            i = end
            continue
        elif _RULE.match(line):
            flush()
            doc.add_paragraph()
        elif (item := _BULLET.match(line)) is not None:
            flush()
            _paragraph(doc, item.group(1), "List Bullet")
        elif (item := _NUMBERED.match(line)) is not None:
            flush()
            _paragraph(doc, item.group(1), "List Number")
        elif line.startswith(("   ", "\t")) and not buffer and len(doc.paragraphs) and lines[i - 1].strip():
            # A wrapped list item goes on in the item's paragraph.
            _runs(doc.paragraphs[-1], " " + line.strip())
        else:
            buffer.append(line)
        i += 1
    flush()


def _clear_body(doc: DocumentObject) -> None:
    """Remove the reference document's body content, keeping its section (page, header, footer)."""
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _steady(data: bytes) -> bytes:
    """The package with every entry dated alike, so the same letter is the same file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, _FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def _properties(doc: DocumentObject, title: str, author: str, when: date) -> None:
    """The letter's own properties, and none of the reference document's (its author, subject,
    keywords, comments, company, manager, custom properties)."""
    props = doc.core_properties
    element: Any = props._element
    for child in list(element):
        element.remove(child)
    props.title, props.author, props.last_modified_by = title[:255], author[:255], author[:255]
    props.created = props.modified = datetime(when.year, when.month, when.day)
    props.revision = 1


def _only_the_letter(doc: DocumentObject) -> None:
    """Leave out what the reference document carries that is not the letter's: its comments
    and their authors, building blocks, data stores, extended and custom properties, the
    picture of its first page, document variables and footnotes. Its styles, numbering,
    page, header and footer stay."""
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.ns import qn
    from docx.oxml.parser import parse_xml

    package: Any = doc.part.package
    for source in [package, *package.iter_parts()]:
        for rid, rel in list(source.rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _NOT_LETTERS:
                del source.rels[rid]
    marks = {qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference")}
    for part in package.iter_parts():
        kind = next((r.reltype.rsplit("/", 1)[-1] for r in doc.part.rels.values()
                     if not r.is_external and r.target_part is part), "")
        if kind in ("footnotes", "endnotes"):  # a note of the reference's body; the separators stay
            notes = parse_xml(part.blob)
            for note in list(notes):
                if note.get(qn("w:type")) in (None, "normal"):
                    notes.remove(note)
            part._blob = serialize_part_xml(notes)
        element = getattr(part, "element", None)
        if element is None:
            continue
        for node in [n for n in element.iter() if n.tag in marks or n.tag == qn("w:docVars")]:
            node.getparent().remove(node)


def _plain_letter(doc: DocumentObject) -> None:
    """python-docx's own template made a letter in England: A4 with 2.5 cm margins (not US
    Letter), British English to check the spelling (not US English), one sans-serif font
    (not the theme's serif body), and black headings."""
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.5)
    styles: Any = doc.styles.element
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), _LANGUAGE)
        lang.set(qn("w:eastAsia"), _LANGUAGE)
    for fonts in styles.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for kind in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(kind), _BODY_FONT)
    for colour in styles.iter(qn("w:color")):
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(theme), None)
        colour.set(qn("w:val"), "000000")
    settings: Any = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), _LANGUAGE)
    if (heading := _style(doc, "Heading 1")) is not None:  # the partnership's name: at the top margin
        doc.styles[heading].paragraph_format.space_before = Pt(0)


def markdown_to_docx(markdown: str, reference: bytes | None, title: str, author: str, when: date) -> bytes:
    """`markdown` as a Word document; on the reference document's styles when there is one.

    Raises NotWord when `reference` cannot be read, NotXmlText when the text holds what a
    Word file cannot.
    """
    _check_xml_text(markdown, title, author)
    doc = _open(reference)
    if reference is not None:
        _clear_body(doc)
    else:
        _plain_letter(doc)
    _body(doc, markdown)
    _only_the_letter(doc)
    _properties(doc, title, author, when)
    out = io.BytesIO()
    doc.save(out)
    return _steady(out.getvalue())


@dataclass(frozen=True)
class Block:
    """One paragraph of a Word document, as far as finding a section's list needs."""

    heading: int | None  # its heading level, or None
    numbered: bool  # a numbered list item, by style or Word's numbering
    text: str


def outline(data: bytes) -> list[Block]:
    """The document's paragraphs in order. Raises NotWord when it is not a Word document."""
    doc = _open(data)
    blocks = []
    for paragraph in doc.paragraphs:
        name = (paragraph.style.name if paragraph.style is not None else "") or ""
        level: int | None = None
        if name == "Title":
            level = 1
        elif name.startswith("Heading"):
            digits = name.removeprefix("Heading").strip()
            level = int(digits) if digits.isdigit() else 1
        ppr: Any = paragraph._p.pPr
        # A numbered list by its style, or by Word's own numbering (which a bulleted style also uses).
        numbered = "Number" in name or ("Bullet" not in name and ppr is not None and ppr.numPr is not None)
        blocks.append(Block(level, numbered, paragraph.text))
    return blocks
