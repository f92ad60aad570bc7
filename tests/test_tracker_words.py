"""The tracker in words (issue 20): csv, md and xlsx show each type and stage by its label,
with the codes in their own columns, Yes or No, and RAG as a word; `--codes` keeps the
output scripts read. The spreadsheet holds no visible apostrophe and prints landscape, one
page wide, with its header row on every page: checked in LibreOffice as well as openpyxl."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import office
from helpers import Cli, refer

OLD_CSV_HEADER = ("id,type,converted_from_rapid_review,stage,subject,received,incident_date,decision,decision_date,"
                  "basis,lead_reviewer,next_deadline,next_due,next_due_original,next_due_why,rag,published,actions_open,"
                  "actions_overdue")


def rows_of(text: str) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text))}


def test_csv_and_md_speak_words_and_keep_the_codes_beside(cli: Cli, store: Path) -> None:
    child = refer(cli, "lcspr")  # its notification clock is overdue on 2026-11-20
    adult = refer(cli, "sar")
    cli.ok("triage", adult, "--accept", "--reason", "r", "--date", "2026-11-03")
    text = cli.ok("list", "--format", "csv").out
    assert text.splitlines()[0] == OLD_CSV_HEADER + ",type_code,stage_code"
    rows = rows_of(text)
    assert (rows[child]["type"], rows[child]["stage"], rows[child]["rag"]) == (
        "Local Child Safeguarding Practice Review", "Referral received", "Red")
    assert rows[child]["converted_from_rapid_review"] == "No"
    assert (rows[adult]["type"], rows[adult]["type_code"], rows[adult]["stage_code"]) == (
        "Safeguarding Adults Review", "sar", "scoping")
    assert rows[adult]["stage"] == "Triage accepted; initial scoping and information sharing"
    md = cli.ok("list", "--format", "md").out
    assert f"| {child} | Local Child Safeguarding Practice Review | Referral received | Child Z |" in md


def test_codes_keep_the_output_scripts_read(cli: Cli, store: Path) -> None:
    child = refer(cli, "lcspr")
    text = cli.ok("list", "--format", "csv", "--codes").out
    assert text.splitlines() == [
        OLD_CSV_HEADER,
        f"{child},lcspr,False,referred,Child Z,2026-11-02,,,,,,Serious incident notified to the National Panel,"
        "2026-11-09,2026-11-09,,red,,0,0"]
    assert f"| {child} | lcspr | referred | Child Z |" in cli.ok("list", "--format", "md", "--codes").out


def test_a_store_type_label_is_the_word_shown(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "type_labels: {dhr: Domestic Abuse Related Death Review}\n")
    case_id = refer(cli, "dhr")
    assert rows_of(cli.ok("list", "--format", "csv").out)[case_id]["type"] == "Domestic Abuse Related Death Review"


def test_the_annual_figures_document_names_the_types_in_words(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "type_labels: {dhr: Domestic Abuse Related Death Review}\n")
    refer(cli, "lcspr")
    refer(cli, "dhr")
    document = cli.ok("stats", "--year", "2026", "--by", "type", "--format", "md").out
    for shown in ("| Local Child Safeguarding Practice Review | 1 |", "| Domestic Abuse Related Death Review | 1 |",
                  "| Total | 2 |"):
        assert shown in document, shown
    assert "| lcspr |" not in document and "| dhr |" not in document  # the Board reads words, not codes


def test_the_xlsx_in_words_holds_no_apostrophe_and_prints_one_page_wide(cli: Cli, store: Path, tmp_path: Path,
                                                                         office_profile: Path) -> None:
    from openpyxl import load_workbook

    child = refer(cli, "lcspr")
    sums = cli.ok("refer", "--type", "sar", "--subject", "=1+2", "--referrer", "R",
                  "--received", "2026-10-01").out.strip()
    out = tmp_path / "tracker.xlsx"
    cli.ok("list", "--format", "xlsx", "--output", str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Type code", "Stage code"]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)}
    assert rows[child]["Type"].value == "Local Child Safeguarding Practice Review"
    assert rows[child]["Converted from rapid review"].value == "No"
    assert rows[child]["Type code"].value == "lcspr" and rows[child]["Stage code"].value == "referred"
    long = rows[child]["Type"]  # wider than a column may be: wrapped, its row as tall as its lines
    assert long.alignment.wrap_text and sheet.row_dimensions[long.row].height == 30
    formula = rows[sums]["Subject (pseudonym)"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+2", "s", True)
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight, sheet.print_title_rows) == (
        "landscape", 1, 0, "$1:$1")
    # The code columns are not printed: the print area ends at the column before them.
    from openpyxl.utils import get_column_letter

    last_printed = get_column_letter(header.index("Type code"))
    assert sheet.print_area is not None and sheet.print_area.split(":")[1].startswith(f"${last_printed}$")

    office.needed()
    shown = office.convert([out], office.CSV_AS_SHOWN, tmp_path / "csv", office_profile)[0]
    calc = rows_of("id" + shown.read_text(encoding="utf-8")[len("Case"):])
    assert calc[sums]["Subject (pseudonym)"] == "=1+2"  # text, as typed: no apostrophe, never 3
    assert calc[child]["Received"] == "02/11/2026" and calc[child]["Type"].startswith("Local Child")


def test_a_long_tracker_prints_its_header_on_every_page(cli: Cli, store: Path, tmp_path: Path,
                                                        office_profile: Path) -> None:
    office.needed()
    tracker = tmp_path / "old.csv"
    tracker.write_text("Pseudonym,Review type,Referred by,Date received\n" + "".join(
        f"Child {n},lcspr,Fictional School DSL,{1 + n % 28}/10/2026\n" for n in range(90)))
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {subject: Pseudonym, type: Review type, referrer: Referred by, "
                       "received: Date received}\n")
    cli.ok("import", str(tracker), "--map", str(mapping))
    out = tmp_path / "tracker.xlsx"
    cli.ok("list", "--format", "xlsx", "--output", str(out))
    pdf = office.convert([out], "pdf", tmp_path / "pdf", office_profile)[0]
    size = office.page_size(pdf)
    assert (round(size.width_mm), round(size.height_mm)) == (297, 210)  # A4 landscape
    assert size.pages >= 2
    text = office.pdf_text(pdf)
    pages = text.split("\f")[:size.pages]
    assert all(page.lstrip().startswith("Case") for page in pages), [p[:40] for p in pages]
    assert "Type code" not in text  # the codes are for scripts, not for paper
    # One page wide: every column of the sheet is on the first page, the last one too.
    assert "Actions overdue" in pages[0] and "Actions overdue" in pages[1]
