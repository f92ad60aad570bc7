"""The guard reads every part of a Word file a reader can see, refuses what it cannot
read, and letters keep nothing of the reference document but its look (issue 19, item 6).

Each Word file is a real one made by python-docx, edited as a zip where python-docx
cannot make the part (a tracked change, a chart, WordArt, a form field, an altChunk, ...).
Every name here is invented.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import INVALID, NAME, REFUSED, TICK_ALL, Cli, git, refused_cleanly, to_in_review

SECRETS = ("Quill", "feather", "Imaginary", "Zo")  # no part of NAME may be repeated by a refusal
CLEAN = "Reviewer Alpha"  # the same place holding no identifier: never refused
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_REL = "http://schemas.microsoft.com/office/2006/relationships/"
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
C = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
W15 = 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'


def png() -> bytes:
    """A one-pixel PNG picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def report(change: Callable[..., None] | None = None, value: str = NAME) -> bytes:
    """A Word report (made by python-docx) with its recommendations; `change(doc, value)` adds to it."""
    from docx import Document

    doc = Document()
    doc.add_heading("Review report", 1)
    doc.add_paragraph("The review of Child Z, fictional.")
    doc.add_heading("Recommendations", 2)
    doc.add_paragraph("The partnership should review its escalation policy.", style="List Number")
    if change is not None:
        change(doc, value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def edit(data: bytes, *, body: str = "", parts: dict[str, str | bytes] | None = None,
         types: tuple[str, ...] = (), rels: dict[str, list[str]] | None = None,
         replace: dict[str, tuple[str, str]] | None = None, rename: dict[str, str] | None = None) -> bytes:
    """The zip edited: `body` XML before the document's section, new `parts`, content `types`
    (Override or Default elements), relationships added to `rels` parts, text replaced in a part,
    parts renamed."""
    rels = rels or {}
    replace = {"word/document.xml": ("<w:sectPr", body + "<w:sectPr"), **(replace or {})}
    rename = rename or {}
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            files[info.filename] = archive.read(info)
    files.update({name: content.encode() if isinstance(content, str) else content
                  for name, content in (parts or {}).items()})
    for name, links in rels.items():
        old = files.get(name, b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                              b"</Relationships>").decode()
        files[name] = old.replace("</Relationships>", "".join(links) + "</Relationships>").encode()
    for name, (old, new) in replace.items():
        text = files[name].decode()
        assert old in text, (name, old)
        files[name] = text.replace(old, new, 1).encode()
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"</Types>", "".join(types).encode()
                                                                        + b"</Types>")
    for old, new in rename.items():
        files[new] = files.pop(old)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def link(rid: str, kind: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{kind if "://" in kind else REL + kind}" Target="{target}"{mode}/>'


def override(part: str, content: str) -> str:
    return f'<Override PartName="/{part}" ContentType="{content}"/>'


DOC_RELS = "word/_rels/document.xml.rels"


# -- what a reader sees: each is found, named by file, part and kind ---------------------

def _alt_text(doc, value: str) -> None:  # type: ignore[no-untyped-def]
    doc.add_picture(io.BytesIO(png()))
    doc.inline_shapes[-1]._inline.docPr.set("descr", value)


def _comment(doc, value: str) -> None:  # type: ignore[no-untyped-def]
    doc.add_comment(doc.paragraphs[1].runs, text=f"Checked with {value}.", author=value, initials="ZQ")


def _paragraph(xml: str) -> Callable[[bytes, str], bytes]:
    return lambda data, value: edit(data, body=xml.replace("VALUE", value))


def _renamed(data: bytes, value: str) -> bytes:
    data = edit(data, body=f"<w:p><w:r><w:t>Seen by {value}.</w:t></w:r></w:p>",
                replace={"_rels/.rels": ("word/document.xml", "word/document.bin"),
                         "[Content_Types].xml": ('PartName="/word/document.xml"', 'PartName="/word/document.bin"')},
                rename={"word/document.xml": "word/document.bin", DOC_RELS: "word/_rels/document.bin.rels"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "word/document.xml" not in archive.namelist()
    return data


def _chart(data: bytes, value: str) -> bytes:
    chart = (f"<c:chartSpace {C} {A}><c:chart><c:plotArea><c:barChart><c:ser><c:idx val=\"0\"/>"
             "<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\">"
             f"<c:v>{value}</c:v></c:pt></c:strCache></c:strRef></c:tx></c:ser></c:barChart></c:plotArea>"
             "</c:chart></c:chartSpace>")
    drawing = ('<w:p><w:r><w:drawing><wp:inline><wp:extent cx="4000000" cy="2000000"/><wp:docPr id="9" name="Chart 1"/>'
               f'<a:graphic {A}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
               f'<c:chart {C} r:id="rIdC1"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    return edit(data, body=drawing, parts={"word/charts/chart1.xml": chart},
                types=(override("word/charts/chart1.xml", "application/vnd.openxmlformats-officedocument.drawingml."
                                "chart+xml"),), rels={DOC_RELS: [link("rIdC1", "chart", "charts/chart1.xml")]})


def _chart_workbook(data: bytes, value: str) -> bytes:
    """A chart's data, kept by Word as a workbook embedded in the document."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = value
    held = io.BytesIO()
    book.save(held)
    data = _chart(data, "Series 1")
    return edit(data, parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": held.getvalue()},
                types=('<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.'
                       'spreadsheetml.sheet"/>',),
                rels={"word/charts/_rels/chart1.xml.rels": [
                    link("rIdP1", "package", "../embeddings/Microsoft_Excel_Worksheet.xlsx")]})


def _tooltip(data: bytes, value: str) -> bytes:
    return edit(data, body=f'<w:p><w:hyperlink r:id="rIdH1" w:tooltip="{value}" w:history="1"><w:r>'
                           "<w:t>the policy</w:t></w:r></w:hyperlink></w:p>",
                rels={DOC_RELS: [link("rIdH1", "hyperlink", "https://example.invalid/policy", external=True)]})


def _people(data: bytes, value: str) -> bytes:
    people = (f'<w15:people {W15}><w15:person w15:author="{value}"><w15:presenceInfo w15:providerId="None" '
              f'w15:userId="{value}"/></w15:person></w15:people>')
    return edit(data, parts={"word/people.xml": people},
                types=(override("word/people.xml", "application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.people+xml"),),
                rels={DOC_RELS: [link("rIdU1", "http://schemas.microsoft.com/office/2011/relationships/people",
                                      "people.xml")]})


FORM_TEXT = ('<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/><w:enabled/>'
             '<w:textInput><w:default w:val="VALUE"/></w:textInput></w:ffData></w:fldChar></w:r>'
             '<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>     </w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
FORM_LIST = ('<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Dropdown1"/><w:enabled/>'
             '<w:ddList><w:result w:val="0"/><w:listEntry w:val="Other"/><w:listEntry w:val="VALUE"/></w:ddList>'
             '</w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMDROPDOWN </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
CONTROL = ('<w:p><w:sdt><w:sdtPr><w:alias w:val="Person"/><w:dropDownList><w:listItem w:displayText="Other" '
           'w:value="1"/><w:listItem w:displayText="VALUE" w:value="2"/></w:dropDownList></w:sdtPr>'
           '<w:sdtContent><w:r><w:t>Choose one</w:t></w:r></w:sdtContent></w:sdt></w:p>')
PLACEHOLDER = ('<w:p><w:sdt><w:sdtPr><w:placeholder><w:docPart w:val="VALUE"/></w:placeholder><w:showingPlcHdr/>'
               '</w:sdtPr><w:sdtContent><w:r><w:t>Click here</w:t></w:r></w:sdtContent></w:sdt></w:p>')

SEEN: dict[str, tuple[Callable[..., None] | None, Callable[[bytes, str], bytes] | None, list[str]]] = {
    "image alt text": (_alt_text, None, ["paragraph 5 alt text (name)"]),
    "a comment's author and text": (_comment, None, ["word/comments.xml author (name)",
                                                     "word/comments.xml paragraph 1 (name)"]),
    "who made a tracked change": (None, _paragraph('<w:p><w:ins w:id="101" w:author="VALUE" '
                                                   'w:date="2026-11-01T10:00:00Z"><w:r><w:t>Added.</w:t></w:r>'
                                                   "</w:ins></w:p>"), ["paragraph 5 author (name)"]),
    "a main part not named .xml": (None, _renamed, ["paragraph 5 (name)"]),
    "chart values": (None, _chart, ["word/charts/chart1.xml (name)"]),
    "a chart's workbook": (None, _chart_workbook,
                           ["word/embeddings/Microsoft_Excel_Worksheet.xlsx:xl/worksheets/sheet1.xml (name)"]),
    "WordArt": (None, _paragraph('<w:p><w:r><w:pict><v:shape id="w1" type="#_x0000_t136" style="width:200pt;'
                                 'height:40pt"><v:textpath string="VALUE"/></v:shape></w:pict></w:r></w:p>'),
                ["paragraph 5 WordArt text (name)"]),
    "a form field's default": (None, _paragraph(FORM_TEXT), ["paragraph 5 form field default (name)"]),
    "a drop-down form field's entry": (None, _paragraph(FORM_LIST), ["paragraph 5 drop-down entry (name)"]),
    "a content control's entry": (None, _paragraph(CONTROL), ["paragraph 5 list entry (name)"]),
    "a content control's placeholder": (None, _paragraph(PLACEHOLDER), ["paragraph 5 placeholder (name)"]),
    "a link's tooltip": (None, _tooltip, ["paragraph 5 link tooltip (name)"]),
    "a field instruction": (None, _paragraph('<w:p><w:fldSimple w:instr=" AUTHOR &quot;VALUE&quot; "><w:r>'
                                             "<w:t>the author</w:t></w:r></w:fldSimple></w:p>"),
                            ["paragraph 5 field instruction (name)"]),
    "a bookmark's name": (None, lambda data, value: _paragraph(
        '<w:p><w:bookmarkStart w:id="7" w:name="VALUE"/><w:r><w:t>Here.</w:t></w:r><w:bookmarkEnd w:id="7"/></w:p>')(
            data, re.sub(r"\W", "_", value)), ["paragraph 5 bookmark name (name)"]),
    "the people who commented": (None, _people, ["word/people.xml author (name)", "word/people.xml author's account"
                                                 " (name)"]),
}


def word_file(what: str, value: str = NAME) -> bytes:
    made, edited, _ = SEEN[what]
    data = report(made, value)
    return edited(data, value) if edited else data


def quoted_nothing(err: str) -> None:
    assert not [s for s in SECRETS if s.lower() in err.lower()], err


@pytest.fixture
def with_identifiers(cli: Cli, team: Path, tmp_path: Path) -> str:
    """A case in review that lists NAME among its identifiers, ready for a report."""
    case_id = to_in_review(cli, team, "lcspr", tmp_path)
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    cli.ok("checklist", case_id, *TICK_ALL)
    return case_id


def put(store: Path, case_id: str, name: str, data: bytes) -> None:
    path = store / "cases" / case_id / "documents" / name
    path.write_bytes(data)
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a document")


@pytest.mark.parametrize("what", list(SEEN))
def test_what_a_reader_sees_is_checked(cli: Cli, team: Path, tmp_path: Path, with_identifiers: str,
                                       what: str) -> None:
    case_id = with_identifiers
    path = tmp_path / "report.docx"
    path.write_bytes(word_file(what))
    err = refused_cleanly(cli, team, REFUSED, "report", case_id, "--file", str(path))
    for label in SEEN[what][2]:
        assert f"cases/{case_id}/report-v1.docx:{label}" in err, (label, err)
    quoted_nothing(err.replace(case_id, "ID"))
    put(team, case_id, "evidence.docx", path.read_bytes())
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    for label in SEEN[what][2]:
        assert f"cases/{case_id}/documents/evidence.docx:{label}" in err, (label, err)
    quoted_nothing(err.replace(case_id, "ID"))
    # The same part holding no identifier is read and passes: nothing is refused for being there.
    (team / "cases" / case_id / "documents" / "evidence.docx").unlink()
    git(team, "commit", "-qam", "evidence removed")
    path.write_bytes(word_file(what, CLEAN))
    cli.ok("report", case_id, "--file", str(path))


# -- what cannot be read: refused, named by file, part and kind --------------------------

def _alt_chunk(data: bytes) -> bytes:
    html = f"<html><body><p>Seen by {NAME}.</p></body></html>"
    return edit(data, body='<w:altChunk r:id="rIdK1"/>', parts={"word/afchunk.htm": html},
                types=('<Default Extension="htm" ContentType="text/html"/>',),
                rels={DOC_RELS: [link("rIdK1", "aFChunk", "afchunk.htm")]})


def _attached_template(data: bytes) -> bytes:
    return edit(data, replace={"word/settings.xml": ("<w:defaultTabStop", '<w:attachedTemplate r:id="rIdT1"/>'
                                                                           "<w:defaultTabStop")},
                rels={"word/_rels/settings.xml.rels": [
                    link("rIdT1", "attachedTemplate", "file:///C:/Templates/Partnership.dotx", external=True)]})


def _ole_object(data: bytes) -> bytes:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + NAME.encode("utf-16-le")
    return edit(data, body='<w:p><w:r><w:object><o:OLEObject Type="Embed" ProgID="Word.Document.8" ShapeID="_x1" '
                           'DrawAspect="Content" ObjectID="_1" r:id="rIdO1"/></w:object></w:r></w:p>',
                parts={"word/embeddings/oleObject1.bin": ole},
                types=('<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
                       'oleObject"/>',),
                rels={DOC_RELS: [link("rIdO1", "oleObject", "embeddings/oleObject1.bin")]})


def _macros(data: bytes) -> bytes:
    return edit(data, parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
                types=(override("word/vbaProject.bin", "application/vnd.ms-office.vbaProject"),),
                rels={DOC_RELS: [link("rIdV1", MS_REL + "vbaProject", "vbaProject.bin")]})


def _macro_enabled(data: bytes) -> bytes:
    return edit(data, replace={"[Content_Types].xml": ("wordprocessingml.document.main+xml",
                                                       "ms-word.document.macroEnabled.main+xml")})


def _linked_picture(data: bytes) -> bytes:
    return edit(data, body=f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="8" '
                           f'name="Picture"/><a:graphic {A}><a:graphicData uri="http://schemas.openxmlformats.org/'
                           'drawingml/2006/picture"/></a:graphic></wp:inline></w:drawing></w:r></w:p>',
                rels={DOC_RELS: [link("rIdI1", "image", "https://example.invalid/p.png", external=True)]})


UNREAD = {
    "an altChunk": (_alt_chunk, "word/afchunk.htm (an imported file (altChunk))"),
    "an attached template": (_attached_template, "word/settings.xml (an attached template, outside the file)"),
    "an embedded object": (_ole_object, "word/embeddings/oleObject1.bin (an embedded object)"),
    "macros": (_macros, "word/vbaProject.bin (macros)"),
    "a macro-enabled document": (_macro_enabled, "word/document.xml (a macro-enabled document)"),
    "a linked picture": (_linked_picture, "word/document.xml (a linked picture, outside the file)"),
}


@pytest.mark.parametrize("what", list(UNREAD))
def test_what_cannot_be_read_is_refused(cli: Cli, team: Path, tmp_path: Path, with_identifiers: str,
                                        what: str) -> None:
    case_id = with_identifiers
    make, part = UNREAD[what]
    path = tmp_path / "report.docx"
    path.write_bytes(make(report()))
    if what != "a macro-enabled document":  # python-docx does not open one: refused as not a Word document
        err = refused_cleanly(cli, team, REFUSED, "report", case_id, "--file", str(path))
        assert f"cases/{case_id}/report-v1.docx:{part} cannot be checked for identifiers" in err, err
        quoted_nothing(err.replace(case_id, "ID"))
    put(team, case_id, "evidence.docx", path.read_bytes())
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/evidence.docx:{part} cannot be checked for identifiers" in err, err
    assert "save the file again without them" in err and err.endswith("or leave the file out")
    quoted_nothing(err.replace(case_id, "ID"))


def test_a_part_whose_name_holds_an_identifier_is_not_named(cli: Cli, team: Path, tmp_path: Path,
                                                             with_identifiers: str) -> None:
    case_id = with_identifiers
    data = _chart(_ole_object(report()), NAME)
    renamed = {"word/embeddings/oleObject1.bin": "word/embeddings/Quillfeather.bin",
               "word/charts/chart1.xml": "word/charts/Quillfeather.xml"}
    data = edit(data, replace={DOC_RELS: ("embeddings/oleObject1.bin", "embeddings/Quillfeather.bin")})
    data = edit(data, rename=renamed, replace={DOC_RELS: ("charts/chart1.xml", "charts/Quillfeather.xml"),
                                               "[Content_Types].xml": ("chart1.xml", "Quillfeather.xml")})
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    err = refused_cleanly(cli, team, REFUSED, "report", case_id, "--file", str(path))
    assert "report-v1.docx:<a part whose name is withheld> (name)" in err, err
    assert "report-v1.docx:<a part whose name is withheld> (an embedded object) cannot be checked" in err, err
    quoted_nothing(err.replace(case_id, "ID"))
    put(team, case_id, "evidence.docx", data)
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert "evidence.docx:<a part whose name is withheld> (an embedded object) cannot be checked" in err, err
    quoted_nothing(err.replace(case_id, "ID"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_dtd_in_any_part_is_one_line(cli: Cli, team: Path, tmp_path: Path, with_identifiers: str,
                                       encoding: str) -> None:
    # "Billion laughs", in UTF-16 too: a byte search for "<!DOCTYPE" would not see it.
    case_id = with_identifiers
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    laughs = (f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE p [<!ENTITY l0 "lol">{levels}]>'
              "<Properties>&l9;</Properties>").encode(encoding)
    path = tmp_path / "report.docx"
    path.write_bytes(edit(report(), parts={"docProps/custom.xml": laughs},
                          types=(override("docProps/custom.xml", "application/vnd.openxmlformats-officedocument."
                                          "custom-properties+xml"),),
                          rels={"_rels/.rels": [link("rIdX1", "custom-properties", "docProps/custom.xml")]}))
    err = refused_cleanly(cli, team, INVALID, "report", case_id, "--file", str(path))
    assert "report-v1.docx: not a readable .docx file (docProps/custom.xml: declares a DTD" in err, err


def test_a_part_that_unpacks_too_far_is_refused_unread(cli: Cli, team: Path, tmp_path: Path,
                                                        with_identifiers: str) -> None:
    case_id = with_identifiers
    path = tmp_path / "report.docx"
    path.write_bytes(edit(report(), parts={"customXml/item9.xml": b"<a>" + b" " * (17 * 2**20) + b"</a>"}))
    assert path.stat().st_size < 2**20
    err = refused_cleanly(cli, team, INVALID, "report", case_id, "--file", str(path))
    assert "report-v1.docx: customXml/item9.xml unpacks to more than 16 MB" in err, err


def test_sheet_names_bookmarks_and_slide_alt_text_are_checked(cli: Cli, team: Path, with_identifiers: str) -> None:
    import openpyxl

    case_id = with_identifiers
    book = openpyxl.Workbook()
    book.active.title = "Quillfeather visits"
    book.active["A1"] = "Visits"
    held = io.BytesIO()
    book.save(held)
    put(team, case_id, "tracker.xlsx", held.getvalue())
    text = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    manifest = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                'opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    content = (f"<office:document-content {office} {text}><office:body><office:text><text:p>Here."
               '<text:bookmark text:name="Zoe_Quillfeather"/></text:p></office:text></office:body>'
               "</office:document-content>")
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    put(team, case_id, "notes.odt", odt.getvalue())
    p = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    slide = (f'<p:sld {p} {A}><p:cSld><p:spTree><p:sp><p:nvSpPr><p:cNvPr id="2" name="Photo" descr="{NAME}"/>'
             "</p:nvSpPr><p:txBody><a:p><a:r><a:t>A slide</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld>"
             "</p:sld>")
    authors = (f'<p:cmAuthorLst {p}><p:cmAuthor id="0" name="{NAME}" initials="ZQ" lastIdx="1" clrIdx="0"/>'
               "</p:cmAuthorLst>")
    pptx = io.BytesIO()
    with zipfile.ZipFile(pptx, "w") as archive:
        types = '<Default Extension="xml" ContentType="application/xml"/>'
        archive.writestr("[Content_Types].xml",
                         f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{types}</Types>')
        archive.writestr("ppt/slides/slide1.xml", slide)
        archive.writestr("ppt/commentAuthors.xml", authors)
    put(team, case_id, "briefing.pptx", pptx.getvalue())
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/tracker.xlsx:xl/workbook.xml sheet name (name)" in err, err
    assert f"cases/{case_id}/documents/notes.odt:content.xml name (name)" in err, err
    assert f"cases/{case_id}/documents/briefing.pptx:ppt/slides/slide1.xml alt text (name)" in err, err
    assert f"cases/{case_id}/documents/briefing.pptx:ppt/commentAuthors.xml author (name)" in err, err
    quoted_nothing(err.replace(case_id, "ID"))


# -- the reference document: refused when it carries what cannot be read, else only its look is kept --

LETTERHEAD = "Fictional Shire Safeguarding Partnership - letterhead"


def letters_in_word(store: Path) -> None:
    config = store / "reviewctl.yaml"
    assert "\ndocuments: [md]\n" in config.read_text()
    config.write_text(config.read_text().replace("\ndocuments: [md]\n", "\ndocuments: [md, docx]\n"))
    git(store, "commit", "-qam", "documents as Word too")


def reference(data: bytes, store: Path) -> None:
    (store / "templates" / "reference.docx").write_bytes(data)
    git(store, "add", "-A")
    git(store, "commit", "-qm", "the partnership's reference document")


def letterhead(change: Callable[..., None] | None = None) -> bytes:
    """A reference document made by python-docx: its letterhead in the header."""
    from docx import Document

    doc = Document()
    doc.sections[0].header.paragraphs[0].text = LETTERHEAD
    doc.add_paragraph("Body of the reference document: replaced by each letter")
    if change is not None:
        change(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


REFER = ("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "Fictional Care Home manager")


@pytest.mark.parametrize("what", [w for w in UNREAD if w != "a macro-enabled document"])
def test_a_reference_document_with_what_cannot_be_read_is_refused(cli: Cli, store: Path, what: str) -> None:
    make, part = UNREAD[what]
    letters_in_word(store)
    reference(make(letterhead()), store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert f"templates/reference.docx: {part} would go into every letter" in err, err
    assert "or remove it to use plain styles" in err
    quoted_nothing(err)


def _everything_but_the_look(data: bytes) -> bytes:
    """Comments, their people, properties, custom properties, a footnote, document variables
    and a data store, each naming someone."""
    people = f'<w15:people {W15}><w15:person w15:author="{NAME}"/></w15:people>'
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Child">'
              f"<vt:lpwstr>{NAME}</vt:lpwstr></property></Properties>")
    notes = ('<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             f'<w:footnote w:id="1"><w:p><w:r><w:t>Told by {NAME}.</w:t></w:r></w:p></w:footnote></w:footnotes>')
    return edit(data, parts={"word/people.xml": people, "docProps/custom.xml": custom, "word/footnotes.xml": notes,
                             "customXml/item2.xml": f"<note>{NAME}</note>"},
                types=(override("word/people.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml."
                                "people+xml"),
                       override("docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-"
                                "properties+xml"),
                       override("word/footnotes.xml", "application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.footnotes+xml")),
                rels={DOC_RELS: [link("rIdU1", "http://schemas.microsoft.com/office/2011/relationships/people",
                                      "people.xml"), link("rIdF1", "footnotes", "footnotes.xml"),
                                 link("rIdX2", "customXml", "../customXml/item2.xml")],
                      "_rels/.rels": [link("rIdX1", "custom-properties", "docProps/custom.xml")]},
                replace={"docProps/app.xml": ("<Company/>", f"<Company>{NAME}</Company>"),
                         "word/settings.xml": ("</w:settings>", f'<w:docVars><w:docVar w:name="Child" w:val="{NAME}"/>'
                                                                "</w:docVars></w:settings>")})


def test_a_letter_keeps_only_the_reference_documents_look(cli: Cli, team: Path) -> None:
    from docx import Document

    def named(doc) -> None:  # type: ignore[no-untyped-def]
        doc.add_comment(doc.paragraphs[0].runs, text=f"Ask {NAME}", author=NAME, initials="ZQ")
        props = doc.core_properties
        for field in ("author", "last_modified_by", "title", "subject", "keywords", "comments", "category",
                      "content_status", "identifier", "version"):
            setattr(props, field, NAME)

    letters_in_word(team)
    reference(_everything_but_the_look(letterhead(named)), team)
    case_id = cli.ok(*REFER, "--name", NAME).out.strip()  # the acknowledgement is checked, and holds no identifier
    [letter] = (team / "cases" / case_id / "documents").glob("*.docx")
    with zipfile.ZipFile(letter) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert not [name for name, data in parts.items() if b"Quillfeather" in data], sorted(parts)
    assert not {"word/comments.xml", "word/people.xml", "docProps/custom.xml", "docProps/app.xml",
                "docProps/thumbnail.jpeg", "customXml/item1.xml", "customXml/item2.xml"} & set(parts)
    core = parts["docProps/core.xml"].decode()
    assert re.findall(r"<(\w+:\w+)[ >]", core)[1:] == ["dc:title", "dc:creator", "cp:lastModifiedBy",
                                                       "dcterms:created", "dcterms:modified", "cp:revision"], core
    doc = Document(str(letter))
    assert doc.sections[0].header.paragraphs[0].text == LETTERHEAD
    assert doc.core_properties.author == "Fictional Test Partnership"


def test_the_letterhead_is_read_as_a_reader_sees_it(cli: Cli, team: Path) -> None:
    def pictured(doc) -> None:  # type: ignore[no-untyped-def]
        header = doc.sections[0].header.paragraphs[0]
        header.add_run().add_picture(io.BytesIO(png()))
        header._p.xpath(".//wp:docPr")[0].set("descr", f"Signed by {NAME}")

    letters_in_word(team)
    reference(letterhead(pictured), team)
    err = refused_cleanly(cli, team, REFUSED, *REFER, "--name", NAME)
    assert re.search(r"documents/[^ ]+\.docx:word/header1\.xml paragraph 1 alt text \(name\)", err), err
    quoted_nothing(err)
