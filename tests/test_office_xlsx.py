"""The tracker as a working spreadsheet: dates as dates, human headers, a frozen and
filtered header row, widths, RAG as fill and text; no cell is ever a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from helpers import Cli, refer


def test_xlsx_is_a_working_spreadsheet(cli: Cli, store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    overdue = refer(cli, "lcspr")  # its notification clock is overdue on 2026-11-20
    fine = refer(cli, "dhr")
    out = tmp_path / "tracker.xlsx"
    cli.ok("list", "--format", "xlsx", "--output", str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Case", "Type", "Converted from rapid review", "Stage", "Subject (pseudonym)"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    rows = {r[0].value: {h: c for h, c in zip(header, r, strict=True)} for r in sheet.iter_rows(min_row=2)}
    received = rows[overdue]["Received"]
    assert isinstance(received.value, datetime) and received.value.date() == date(2026, 11, 2)
    assert received.number_format == "dd/mm/yyyy"
    assert isinstance(rows[overdue]["Next due"].value, datetime)
    assert rows[overdue]["RAG"].value == "Red"
    assert rows[overdue]["RAG"].fill.fgColor.rgb.endswith("FFC7CE")
    assert rows[fine]["RAG"].value == "Green"
    assert rows[fine]["RAG"].fill.fgColor.rgb.endswith("C6EFCE")
    widths = {sheet.cell(1, n).value: sheet.column_dimensions[sheet.cell(1, n).column_letter].width
              for n in range(1, len(header) + 1)}
    assert widths["Case"] >= len(overdue) and widths["Subject (pseudonym)"] >= len("Subject (pseudonym)")
    assert all(w <= 32 for w in widths.values())  # longer text wraps, the row as tall as its lines
    # A row with wrapped text ("Local Child Safeguarding Practice Review") has every value at its
    # top, as the wrapped text is: at the sheet's default, the bottom, the row reads as two.
    wrapped = [c for c in rows[overdue].values() if c.alignment.wrap_text]
    assert wrapped and all(c.alignment.vertical == "top" for c in rows[overdue].values() if c.value not in (None, ""))
    assert rows[overdue]["Received"].number_format == "dd/mm/yyyy"  # aligned, still a date


def test_hyperlink_subject_is_text_in_csv_and_xlsx(cli: Cli, store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    subjects = ['=HYPERLINK("http://example.invalid","Child Z")', "-1+2", "@SUM(A1)", "+CMD"]
    ids = {s: cli.ok("refer", "--type", "sar", "--subject", s, "--referrer", "R", "--received",
                     "2026-10-01").out.strip() for s in subjects}
    by_id = {r["id"]: r for r in csv.DictReader(io.StringIO(cli.ok("list", "--format", "csv").out))}
    for subject, case_id in ids.items():
        assert by_id[case_id]["subject"] == "'" + subject
    out = tmp_path / "t.xlsx"
    cli.ok("list", "--format", "xlsx", "--output", str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = {r[0].value: r[4] for r in sheet.iter_rows(min_row=2)}
    for subject, case_id in ids.items():
        # A string cell, marked to stay text when edited: no apostrophe to see (only CSV needs one).
        assert (cells[case_id].data_type, cells[case_id].quotePrefix) == ("s", True)
        assert cells[case_id].value == subject


def test_tab_and_carriage_return_starts_are_defused() -> None:
    # A subject is trimmed when it comes in; a value read from elsewhere may still start so.
    from reviewctl.adapters.xlsx import _cell
    from reviewctl.cli.output import defused

    for value in ("\t=1+1", "\r=1+1"):
        assert defused(value) == "'" + value
        assert _cell(value) == value  # a string cell in the sheet, marked as text (above)
    assert defused(-3) == -3 and _cell(-3) == -3
