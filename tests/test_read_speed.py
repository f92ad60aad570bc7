"""What makes reading quick must never make it see less: the text of a Word file's large parts is
kept by a hash of their bytes (core/privacy/office_text.py), so a part that differs in one letter,
however alike in size and name, is read again."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reviewctl.core.privacy import office_text, patterns
from reviewctl.core.privacy.extract import extract_bytes


def _word(styles_from: str = "", styles_to: str = "") -> bytes:
    """A Word file made by python-docx (its styles part is about 350 kB), the styles edited."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("A fictional letter about Child Z.")
    out = io.BytesIO()
    doc.save(out)
    if not styles_from:
        return out.getvalue()
    edited = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                assert styles_from.encode() in data
                data = data.replace(styles_from.encode(), styles_to.encode(), 1)
            target.writestr(info, data)
    return edited.getvalue()


def _kinds(data: bytes) -> set[str]:
    extracted = extract_bytes(data, ".docx", "letter.docx")
    assert extracted is not None
    return {found.kind for found in patterns.scan(extracted.text)}


def test_a_large_part_read_before_is_read_again_when_its_bytes_differ() -> None:
    plain = _word()
    # The same size, the same part, one style renamed to a phone number of as many characters.
    hidden = _word('w:val="Normal Table"', 'w:val="07700900123X"')
    assert len(zipfile.ZipFile(io.BytesIO(hidden)).read("word/styles.xml")) == \
        len(zipfile.ZipFile(io.BytesIO(plain)).read("word/styles.xml"))
    assert _kinds(plain) == set()
    assert any(len(key[0]) == 32 for key in office_text._MEMO)  # the styles' text is kept, by a SHA-256
    assert _kinds(hidden) == {patterns.PHONE}
    assert _kinds(plain) == set()  # and the kept text of the plain styles is not changed by the other
    again = extract_bytes(hidden, ".docx", "letter.docx")
    assert again is not None and "07700900123X" in again.text.splitlines()
    labels = [label for label, line in zip(again.labels or [], again.text.splitlines(), strict=True)
              if line == "07700900123X"]
    assert labels == ["word/styles.xml name"]  # labelled by its part, as when it was read the first time


def test_a_template_edited_between_two_renderings_in_one_process_is_compiled_again(tmp_path: Path) -> None:
    """Compiled templates are kept for the process (adapters/render.py): an edit of the same
    size, to the template or to a part it includes, must show at the next rendering."""
    from reviewctl.adapters.render import render

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "letter.md.j2").write_text("Dear {{ name }},\n{% include 'part.md.j2' %}")
    (folder / "part.md.j2").write_text("Yours, the unit A\n")
    assert render("letter.md.j2", {"name": "Effie"}, [folder]) == "Dear Effie,\nYours, the unit A\n"
    (folder / "letter.md.j2").write_text("Dear {{ name }}:\n{% include 'part.md.j2' %}")
    (folder / "part.md.j2").write_text("Yours, the unit B\n")
    assert render("letter.md.j2", {"name": "Effie"}, [folder]) == "Dear Effie:\nYours, the unit B\n"
    assert render("letter.md.j2", {"name": "<b>"}, [folder], autoescape=True) == "Dear &lt;b&gt;:\nYours, the unit B\n"


def test_a_round_trip_parse_kept_for_the_process_is_a_fresh_copy_that_writes_back_the_same() -> None:
    """Round-trip parses are kept by the text's hash (adapters/yamlio.py): each read gives a
    copy of its own, with the comments, quotes, styles and lines of a fresh parse."""
    from reviewctl.adapters import yamlio

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text() for p in sorted((root / "cases").glob("*/*.yaml"))]
    texts += [(root / "reviewctl" / "workflows" / "default.yaml").read_text(),
              "# kept\nwhen: 2026-11-02T10:00:00Z  # a timestamp, never kept\nsaid: 'quoted'\nn: 0x1F\nf: 1.50\n"
              "text: |\n  a block\nflow: [a, b]  # flow\nitems:\n  - x: 1\n# end\n"]
    assert len(texts) > 20
    for text in texts:
        fresh = yamlio.parse_roundtrip(text, "x.yaml", private=True)  # never kept: the reference
        first, second = yamlio.parse_roundtrip(text, "x.yaml"), yamlio.parse_roundtrip(text, "x.yaml")
        assert first is not second
        for data in (first, second):
            assert yamlio.dump(data) == yamlio.dump(fresh)
            assert [yamlio.line_of(data, (key,)) for key in fresh] == [yamlio.line_of(fresh, (key,)) for key in fresh]
        first["added"] = 1
        assert "added" not in second and "added" not in yamlio.parse_roundtrip(text, "x.yaml")
