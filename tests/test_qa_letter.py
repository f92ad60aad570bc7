"""`home-office qa --letter` takes the QA Panel's letter as it comes (issue 20): a Word
document (kept byte for byte), a PDF (kept as its text, which the guards read), or text."""

from __future__ import annotations

from pathlib import Path

from helpers import NAME, REFUSED, USAGE, Cli, load, refused_cleanly, to_jcrg_agreed


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text is `lines` (Helvetica), as a letter saved as PDF holds its words;
    with no lines, a page with only a drawing on it, as a scanned letter is to a reader of text."""
    shown = "".join(f"({line}) Tj 0 -16 Td " for line in lines)
    content = f"BT /F1 12 Tf 72 760 Td {shown}ET" if lines else "0 0 0 rg 72 600 300 100 re f"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               "/Resources << /Font << /F1 5 0 R >> >> >>",
               f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{at:010d} 00000 n \n" for at in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def submitted(cli: Cli, store: Path, tmp_path: Path) -> str:
    case_id = to_jcrg_agreed(cli, store, "dhr", tmp_path)
    cli.ok("home-office", "submit", case_id)
    return case_id


def test_a_word_letter_is_kept_as_it_is_and_published_with_the_report(cli: Cli, store: Path, tmp_path: Path) -> None:
    from docx import Document

    case_id = submitted(cli, store, tmp_path)
    letter = tmp_path / "QA Panel letter.docx"
    doc = Document()
    doc.add_heading("Home Office Quality Assurance Panel (fictional)", 1)
    doc.add_paragraph("The Panel approves the report for publication.")
    doc.save(str(letter))
    cli.ok("home-office", "qa", case_id, "--outcome", "approved", "--letter", str(letter))
    kept = load(store / "cases" / case_id / "homeoffice.yaml")["outcomes"][0]["letter"]
    assert kept == "documents/2026-11-20-home-office-qa-letter-1.docx"
    assert (store / "cases" / case_id / kept).read_bytes() == letter.read_bytes()
    for role in ("sscp", "independent-chair"):  # the QA outcome above is the Home Office's part
        cli.ok("approve", case_id, "--role", role)
    cli.ok("publish", case_id, "--where", "https://example.invalid/r")
    assert load(store / "cases" / case_id / "publication.yaml")["qa_letter"] == kept
    assert cli.ok("validate").code == 0


def test_a_pdf_letter_is_kept_as_its_text(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = submitted(cli, store, tmp_path)
    letter = tmp_path / "qa.pdf"
    letter.write_bytes(pdf(["Home Office Quality Assurance Panel (fictional)",
                            "The Panel asks for more on the GP's contact."]))
    cli.ok("home-office", "qa", case_id, "--outcome", "amend-and-resubmit", "--letter", str(letter))
    kept = load(store / "cases" / case_id / "homeoffice.yaml")["outcomes"][0]["letter"]
    assert kept == "documents/2026-11-20-home-office-qa-letter-1.md"
    text = (store / "cases" / case_id / kept).read_text()
    assert "Home Office Quality Assurance Panel (fictional)" in text and "more on the GP's contact." in text


def test_a_letter_that_cannot_be_read_is_refused_and_nothing_changes(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = submitted(cli, store, tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf([]))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a PDF")
    word = tmp_path / "not-word.docx"
    word.write_bytes(b"PK\x03\x04 not a Word document")
    for letter, why in ((scan, "the PDF holds no text (a scanned image?); give the letter as .docx"),
                        (broken, "not a PDF that can be read"),
                        (word, "not a Word document that can be read"),
                        (tmp_path / "missing.pdf", "no such file")):
        err = refused_cleanly(cli, store, USAGE, "home-office", "qa", case_id, "--outcome", "approved",
                              "--letter", str(letter))
        assert why in err, err


def test_the_guard_reads_a_pdf_letter(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = submitted(cli, team, tmp_path)
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    letter = tmp_path / "qa.pdf"
    letter.write_bytes(pdf(["The Panel approves the report.", f"It names {NAME} once."]))
    err = refused_cleanly(cli, team, REFUSED, "home-office", "qa", case_id, "--outcome", "approved",
                          "--letter", str(letter))
    assert "home-office-qa-letter-1.md" in err and "(name)" in err and "Quill" not in err
