"""A second attack on the Word guard, after issue 19's fixes: places in an Office file that a
reader sees and the guard did not read. Each file is a real one (python-docx, openpyxl, or
an OpenDocument package written part by part), edited as a zip where the library cannot
make the part; each place is checked to hold the name (refused, never quoted) and to pass
when it holds none. Every name here is invented.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import NAME, REFUSED, Cli, git, refer, refused_cleanly

SURNAME = "Quillfeather"  # the part of NAME each place spells
SECRETS = ("Quill", "feather", "Imaginary")
CLEAN = "Reviewer"


def docx(body: str = "", styles: str = "", settings: str = "") -> bytes:
    """A Word file made by python-docx, with `body` XML before its section and `styles` and
    `settings` XML added to those parts."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("The review of Child Z, fictional.")
    out = io.BytesIO()
    doc.save(out)
    return zip_edit(out.getvalue(), {"word/document.xml": ("<w:sectPr", body + "<w:sectPr"),
                                     "word/styles.xml": ("</w:styles>", styles + "</w:styles>"),
                                     "word/settings.xml": ("<w:defaultTabStop", settings + "<w:defaultTabStop")})


def zip_edit(data: bytes, replace: dict[str, tuple[str, str]]) -> bytes:
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            files[info.filename] = archive.read(info)
    for name, (old, new) in replace.items():
        text = files[name].decode()
        assert old in text, (name, old)
        files[name] = text.replace(old, new, 1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def xlsx(change: Callable[..., None]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = 1
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_format(value: str, escaped: bool = False) -> Callable[..., None]:
    def change(book) -> None:  # type: ignore[no-untyped-def]
        book.active["A1"].number_format = "".join("\\" + c for c in value) + " 0" if escaped else f'"{value}" 0'
    return change


def _conditional_format(value: str) -> Callable[..., None]:
    def change(book) -> None:  # type: ignore[no-untyped-def]
        from openpyxl.formatting.rule import CellIsRule
        from openpyxl.styles import Font
        from openpyxl.styles.numbers import NumberFormat

        rule = CellIsRule(operator="greaterThan", formula=["0"], font=Font(bold=True))
        rule.dxf.numFmt = NumberFormat(numFmtId=200, formatCode=f'"{value}" 0')
        book.active.conditional_formatting.add("A1", rule)
    return change


ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')


def odt(styles: str = "", body: str = "") -> bytes:
    manifest = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                'opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    content = (f"<office:document-content {ODF}><office:automatic-styles>{styles}</office:automatic-styles>"
               f"<office:body><office:text>{body}<text:p>Here.</text:p></office:text></office:body>"
               "</office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


def _symbols(value: str, font: str = "Arial", offset: int = 0) -> str:
    return "<w:p>" + "".join(f'<w:r><w:sym w:font="{font}" w:char="{ord(c) + offset:04X}"/></w:r>'
                             for c in value) + "</w:p>"


# Each place: (the file's name, how it is made holding a value, what the finding names).
PLACES: dict[str, tuple[str, Callable[[str], bytes], str]] = {
    "a name spelt in symbols (w:sym)": ("a.docx", lambda v: docx(_symbols(v)), "paragraph 2 (name)"),
    "a name spelt in a symbol font's letters": ("a.docx", lambda v: docx(_symbols(v, "Symbol", 0xF000)),
                                                "paragraph 2 (name)"),
    "a style's alias": ("a.docx", lambda v: docx(styles='<w:style w:type="paragraph" w:styleId="Z"><w:name '
                                                        f'w:val="Visits"/><w:aliases w:val="{v}"/></w:style>'),
                        "word/styles.xml style alias (name)"),
    "a date control's format": ("a.docx", lambda v: docx(
        f"<w:p><w:sdt><w:sdtPr><w:date><w:dateFormat w:val=\"'{v}' d/M/yyyy\"/></w:date></w:sdtPr>"
        "<w:sdtContent><w:r><w:t>Pick a date</w:t></w:r></w:sdtContent></w:sdt></w:p>"),
                                "paragraph 2 date format (name)"),
    "a cell's number format": ("a.xlsx", lambda v: xlsx(_number_format(v)), "xl/styles.xml number format (name)"),
    "a number format spelt with escapes": ("a.xlsx", lambda v: xlsx(_number_format(v, escaped=True)),
                                           "xl/styles.xml number format (name)"),
    "a conditional format's number format": ("a.xlsx", lambda v: xlsx(_conditional_format(v)),
                                             "xl/styles.xml number format (name)"),
    "a form control's value (OpenDocument)": ("a.odt", lambda v: odt(body=(
        '<office:forms><form:form form:name="F"><form:text form:name="t1" form:id="c1" '
        f'form:current-value="{v}"/></form:form></office:forms>')), "content.xml value (name)"),
    "a list's number prefix (OpenDocument)": ("a.odt", lambda v: odt(styles=(
        '<text:list-style style:name="L1"><text:list-level-style-number text:level="1" '
        f'style:num-prefix="{v} " style:num-format="1"/></text:list-style>')),
                                              "content.xml list numbering text (name)"),
    "conditional text (OpenDocument)": ("a.odt", lambda v: odt(body=(
        '<text:p><text:conditional-text text:condition="ooow:1" text:string-value-if-true="Other" '
        f'text:string-value-if-false="{v}">Other</text:conditional-text></text:p>')),
                                        "content.xml conditional text (name)"),
    "a style's display name (OpenDocument)": ("a.odt", lambda v: odt(styles=(
        f'<style:style style:name="P1" style:display-name="{v}" style:family="paragraph"/>')),
                                              "content.xml name (name)"),
}


@pytest.fixture
def case_with_name(cli: Cli, team: Path) -> str:
    return refer(cli, "lcspr", "--name", NAME)


def put(store: Path, case_id: str, name: str, data: bytes) -> Path:
    path = store / "cases" / case_id / "documents" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a document")
    return path


@pytest.mark.parametrize("what", list(PLACES))
def test_a_place_a_reader_sees_is_checked(cli: Cli, team: Path, case_with_name: str, what: str) -> None:
    case_id = case_with_name
    name, make, label = PLACES[what]
    path = put(team, case_id, name, make(SURNAME))
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/{name}:{label}" in err, err
    assert not [s for s in SECRETS if s.lower() in err.lower()], err
    path.write_bytes(make(CLEAN))
    git(team, "commit", "-qam", "redacted")
    cli.ok("redaction-check", case_id)


FIELD = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDE'
         '</w:instrText></w:r><w:r><w:instrText xml:space="preserve">TEXT "C:\\\\Shared\\\\visits.docx" </w:instrText>'
         '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Visits</w:t></w:r><w:r>'
         '<w:fldChar w:fldCharType="end"/></w:r></w:p>')
TAKES_IN = {
    "an INCLUDETEXT field, its name split across two runs": FIELD,
    "an INCLUDEPICTURE field": ('<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;https://example.invalid/p.png&quot; '
                                '\\d "><w:r><w:t>a picture</w:t></w:r></w:fldSimple></w:p>'),
    "a DDEAUTO field": ('<w:p><w:fldSimple w:instr=" DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe &quot;/k&quot; ">'
                        "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>"),
}
NOT_TAKEN = ('<w:p><w:fldSimple w:instr=" HYPERLINK &quot;https://example.invalid/&quot; "><w:r><w:t>the policy'
             '</w:t></w:r></w:fldSimple><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>')


@pytest.mark.parametrize("what", list(TAKES_IN))
def test_a_field_that_takes_in_another_file_is_refused(cli: Cli, team: Path, case_with_name: str, what: str) -> None:
    """Its text comes from the other file when fields are updated, as an altChunk's does."""
    case_id = case_with_name
    put(team, case_id, "a.docx", docx(TAKES_IN[what]))
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/a.docx:word/document.xml (a field that takes in another file" in err, err
    assert "cannot be checked for identifiers" in err
    (team / "cases" / case_id / "documents" / "a.docx").write_bytes(docx(NOT_TAKEN))
    git(team, "commit", "-qam", "plain fields")
    cli.ok("redaction-check", case_id)
