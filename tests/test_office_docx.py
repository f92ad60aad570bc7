"""Word documents: every rendered letter also as .docx on the partnership's reference
document, and a Word report kept exactly as it was handed in (issue 12)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    NAME,
    PARTNERS,
    REFUSED,
    TICK_ALL,
    USAGE,
    Cli,
    git,
    load,
    refer,
    refused_cleanly,
    snapshot,
    to_in_review,
)

from reviewctl.core.store.transaction import Journal

LETTERHEAD = "Fictional Shire Safeguarding Partnership - letterhead"


def set_formats(store: Path, formats: str) -> None:
    config = store / "reviewctl.yaml"
    assert "\ndocuments: [md]\n" in config.read_text()  # init writes the default, to be changed
    config.write_text(config.read_text().replace("\ndocuments: [md]\n", f"\ndocuments: {formats}\n"))
    git(store, "commit", "-qam", "documents as Word too")


def reference_docx(store: Path) -> None:
    from docx import Document

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.sections[0].header.paragraphs[0].text = LETTERHEAD
    doc.add_paragraph("Body of the reference document: replaced by each letter")
    doc.save(str(store / "templates" / "reference.docx"))
    git(store, "add", "templates/reference.docx")
    git(store, "commit", "-qm", "the partnership's reference document")


def word_report(path: Path, *, extra: str = "", recommendations: bool = True) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading("Review report", 1)
    doc.add_paragraph(f"The review of Child Z, fictional. {extra}")
    if recommendations:
        doc.add_heading("Recommendations", 2)
        doc.add_paragraph("The partnership should review its escalation policy.", style="List Number")
        doc.add_paragraph("Agencies should share information at referral.", style="List Number")
    doc.add_heading("Appendix", 2)
    doc.add_paragraph("Not a recommendation.", style="List Number")
    doc.save(str(path))
    return path


def test_letters_are_written_as_word_documents_too(cli: Cli, store: Path) -> None:
    from docx import Document

    set_formats(store, "[md, docx]")
    case_id = refer(cli, "unknown")
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Single agency matter")
    folder = store / "cases" / case_id
    letter = load(folder / "case.yaml")["triage"]["letter"]
    assert letter == "documents/2026-11-20-no-further-action-letter.md"
    word = folder / "documents" / "2026-11-20-no-further-action-letter.docx"
    committed = git(store, "show", "--name-only", "--format=", "HEAD")
    assert f"cases/{case_id}/{letter}" in committed and f"cases/{case_id}/documents/{word.name}" in committed
    doc = Document(str(word))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Heading 1", "Fictional Test Partnership") in paragraphs
    assert ("Heading 2", "Your referral about Child Z") in paragraphs
    assert ("Normal", "Our reference: " + case_id) in paragraphs and ("Normal", "20 November 2026") in paragraphs
    reason = next(p for p in doc.paragraphs if p.text.startswith("Reason:"))
    assert reason.runs[0].text == "Reason:" and reason.runs[0].bold
    assert any("no further or alternative action" in p.text for p in doc.paragraphs)
    assert not any("**" in p.text for p in doc.paragraphs)
    assert doc.core_properties.author == "Fictional Test Partnership"
    # The same letter makes the same file: nothing changes from run to run but the content.
    assert word.read_bytes()[:4] == b"PK\x03\x04"


def test_tables_and_lists_in_a_word_document(cli: Cli, store: Path) -> None:
    from docx import Document

    set_formats(store, "[docx]")
    case_id = refer(cli, "lcspr")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-10", "--date", "2026-11-10")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-10")
    cli.ok("decide", case_id, "--conduct", "--reason", "criteria met", "--attendee", "Police", *PARTNERS,
           "--date", "2026-11-11")
    folder = store / "cases" / case_id
    record = load(folder / "decision.yaml")["record"]
    assert record.endswith(".docx") and not (folder / record.replace(".docx", ".md")).exists()
    doc = Document(str(folder / record))
    table = doc.tables[0]
    cells = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(len(table.rows))}
    assert cells["Attended (roles)"] == "Police"
    # The template's `| | |` means "no headings": the table starts at its first label, with no
    # empty row of boxes above it; a table with headings keeps them, in bold.
    assert table.cell(0, 0).text == "Review type"
    partners = doc.tables[1]
    assert [c.text for c in partners.rows[0].cells] == ["Partner", "Name", "Role"]
    assert all(r.bold for c in partners.rows[0].cells for r in c.paragraphs[0].runs)
    assert any(p.style.name == "Heading 2" and p.text == "Rationale" for p in doc.paragraphs)


def test_the_reference_document_gives_fonts_and_letterhead(cli: Cli, store: Path) -> None:
    from docx import Document

    set_formats(store, "[md, docx]")
    reference_docx(store)
    case_id = refer(cli, "unknown")
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Single agency matter")
    doc = Document(str(store / "cases" / case_id / "documents" / "2026-11-20-no-further-action-letter.docx"))
    assert doc.sections[0].header.paragraphs[0].text == LETTERHEAD
    assert doc.styles["Normal"].font.name == "Arial"
    assert not any("reference document" in p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "Fictional Test Partnership"


def test_a_broken_reference_document_is_named(cli: Cli, store: Path) -> None:
    set_formats(store, "[md, docx]")
    (store / "templates" / "reference.docx").write_bytes(b"PK\x03\x04 not really a zip")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "broken")
    err = refused_cleanly(cli, store, INVALID, "refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R")
    assert "templates/reference.docx: not a Word document" in err


@pytest.mark.parametrize("formats", ["[pdf]", "[]", "[md, md]"])
def test_bad_document_formats_are_invalid_settings(cli: Cli, store: Path, formats: str) -> None:
    set_formats(store, formats)
    result = cli("validate")
    assert result.code == INVALID and "documents" in result.out + result.err


def test_a_word_report_is_kept_as_it_is_and_its_recommendations_found(cli: Cli, store: Path,
                                                                       tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    report = word_report(tmp_path / "Report.DOCX")
    result = cli.ok("report", case_id, "--file", str(report))
    assert "report-v1.docx" in result.err
    folder = store / "cases" / case_id
    assert (folder / "report-v1.docx").read_bytes() == report.read_bytes()
    version = load(folder / "report.yaml")["versions"][0]
    assert version["file"] == "report-v1.docx"
    assert version["sha256"] == hashlib.sha256(report.read_bytes()).hexdigest()
    assert version["recommendations"] == ["The partnership should review its escalation policy.",
                                          "Agencies should share information at referral."]
    # The approvals are of these bytes: the case goes through to approved, and validate agrees.
    cli.ok("report", case_id, "--agreed")
    cli.ok("present", case_id)
    plan = tmp_path / "plan.md"
    plan.write_text("# Plan\n")
    cli.ok("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan), "--action", "a",
           "--owner", "Council", "--due", "2027-01-01", "--measure", "m")
    cli.ok("approve", case_id, "--role", "sscp")
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert load(folder / "case.yaml")["stage"] == "approved"
    cli.ok("validate")
    # A changed byte is another report: the approvals stop counting.
    data = bytearray((folder / "report-v1.docx").read_bytes())
    data[-30] ^= 1
    (folder / "report-v1.docx").write_bytes(bytes(data))
    assert cli("validate").code == INVALID


def test_a_word_report_without_recommendations_or_not_word(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    err = refused_cleanly(cli, store, USAGE, "report", case_id, "--file",
                          str(word_report(tmp_path / "r.docx", recommendations=False)))
    assert "no recommendations found" in err and "Word's numbered list" in err
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"%PDF-1.7 not a word document")
    err = refused_cleanly(cli, store, USAGE, "report", case_id, "--file", str(fake))
    assert "not a Word document" in err


def test_dry_run_of_a_word_report_says_binary(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    before = snapshot(store)
    result = cli.ok("report", case_id, "--file", str(word_report(tmp_path / "r.docx")), "--dry-run")
    assert f"Binary files /dev/null and b/cases/{case_id}/report-v1.docx differ" in result.out
    assert snapshot(store) == before


def test_the_entry_guard_reads_a_word_report(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, team, "lcspr", tmp_path)
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    cli.ok("checklist", case_id, *TICK_ALL)
    report = word_report(tmp_path / "r.docx", extra="It met Z. Quillfeather-Imaginary twice.")
    err = refused_cleanly(cli, team, REFUSED, "report", case_id, "--file", str(report))
    assert "report-v1.docx" in err and "(name)" in err and "Quill" not in err
    cli.ok("report", case_id, "--file", str(word_report(tmp_path / "clean.docx")))


def test_the_entry_guard_reads_a_rendered_word_letter(cli: Cli, team: Path) -> None:
    # A template that puts the referrer into the letter: the Word copy alone is checked too.
    set_formats(team, "[docx]")
    (team / "templates" / "no-further-action-letter.md.j2").write_text(
        "# Letter\n\n**Reason:** {{ reason }} and Quill{{ '' }}feather-Imaginary\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "a template that leaks")
    case_id = refer(cli, "unknown", "--name", NAME)
    err = refused_cleanly(cli, team, REFUSED, "triage", case_id, "--no-further-action", "--reason", "r")
    assert ".docx" in err and "(name)" in err and "Quill" not in err


def test_an_interrupted_word_step_is_put_back_by_doctor(store: Path, tmp_path: Path, cli: Cli) -> None:
    import os
    import subprocess
    import sys

    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    before = snapshot(store)
    report = word_report(tmp_path / "r.docx")
    done = subprocess.run([sys.executable, "-m", "reviewctl", "report", case_id, "--file", str(report)],
                          cwd=store, capture_output=True, env={**os.environ, "REVIEWCTL_FAULT": "after-write"},
                          check=False)
    assert done.returncode == 137 and snapshot(store) != before
    cli.ok("doctor")
    assert snapshot(store) == before


def test_the_journal_puts_back_a_word_document_byte_for_byte(store: Path, tmp_path: Path) -> None:
    from reviewctl.adapters.journal import original as _original
    from reviewctl.core.store.folder import Store
    from reviewctl.core.store.transaction import restore

    path = store / "letter.docx"
    original = word_report(tmp_path / "r.docx").read_bytes()
    path.write_bytes(original)
    kept, binary = _original(path)
    assert binary and kept is not None
    journal = Journal("report", "TST-2026-AAAAAA", None, {"letter.docx": kept, "notes.md": "text\n"},
                      binary=["letter.docx"])
    loaded = Journal.load(journal.dump())
    path.write_bytes(b"changed")
    restore(Store.find(store), loaded, index=False)
    assert path.read_bytes() == original and (store / "notes.md").read_text() == "text\n"
