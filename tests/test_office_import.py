"""`reviewctl import`: an earlier tracker brought in, every row checked first (issue 12)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from helpers import INVALID, USAGE, Cli, git, load, refused_cleanly, snapshot

HEADER = ["Pseudonym", "Review type", "Referred by", "Date received", "Incident date", "Summary", "Agencies",
          "Status"]


def write_map(cli: Cli, path: Path) -> Path:
    path.write_text(cli.ok("template", "import-map.yaml").out)
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_tracker_is_imported_in_one_commit(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    # A review under way has a decision to conduct, on the day the tracker gives (issue 18).
    mapping.write_text(mapping.read_text().replace("  # decision: Decision date", "  decision: Decision date"))
    tracker = write_xlsx(tmp_path / "tracker.xlsx", [
        ["Child A", "Child", "Fictional Academy DSL", datetime(2026, 9, 2), None, "Fictional summary",
         "Police; Children's Social Care", "Review under way", datetime(2026, 9, 15)],
        ["Adult B", "SAR", "Fictional Care Home", "03/10/2026", "1/10/26", None, "Adult Social Care", "with the chair",
         None],
        [None, None, None, None, None, None, None, None, None],  # a blank row between blocks
        ["Adult C", "dhr", "Fictional Shire Police", "5 Nov 2026", None, None, None, None, None],
    ], [*HEADER, "Decision date"])
    head = git(store, "rev-parse", "HEAD").strip()
    result = cli.ok("import", str(tracker), "--map", str(mapping))
    ids = result.out.split()
    assert len(ids) == 3 and "imported 3 case(s)" in result.err
    assert git(store, "rev-parse", "HEAD~1").strip() == head  # one commit for the whole import
    assert git(store, "log", "-1", "--format=%s").startswith("store: import (3 cases)")
    first = load(store / "cases" / ids[0] / "case.yaml")
    assert (first["type"], first["stage"], first["subject"]) == ("lcspr", "in-review", "Child A")
    assert first["received"] == date(2026, 9, 2) and first["agencies"] == ["Police", "Children's Social Care"]
    assert [(h["step"], h["from"], h["to"], h.get("imported")) for h in first["history"]] == [
        ("refer", None, "referred", None), ("import", "referred", "setup", "decision"),
        ("import", "setup", "in-review", "stage")]
    second = load(store / "cases" / ids[1] / "case.yaml")
    assert (second["type"], second["stage"], second["received"], second["incident_date"]) == (
        "sar", "awaiting-chair", date(2026, 10, 3), date(2026, 10, 1))
    third = load(store / "cases" / ids[2] / "case.yaml")
    assert third["stage"] == "referred" and len(third["history"]) == 1
    cli.ok("validate")
    listed = {r["id"]: r["stage"] for r in json.loads(cli.ok("list", "--format", "json").out)}
    assert listed == {ids[0]: "in-review", ids[1]: "awaiting-chair", ids[2]: "referred"}
    assert "import" in cli.ok("log", ids[0]).out


def test_every_bad_row_is_named_and_nothing_is_imported(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(
        ",".join(HEADER) + "\n"
        "Child A,lcspr,DSL,02/11/2026,,,Police,scoping\n"
        "Child B,lcspr,DSL,31/02/2026,,,Police,scoping\n"
        "Child C,lcspr,DSL,02/11/2026,,,Police,scoping\n"
        ",Hamster review,DSL,02/11/2026,,,Police,Published\n"
    )
    before = snapshot(store)
    result = cli("import", str(tracker), "--map", str(mapping))
    assert result.code == INVALID and result.out == "" and "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines)
    assert "tracker.csv row 3, column 'Date received': '31/02/2026' is not a date" in lines[0]
    assert any("row 5, column 'Pseudonym': blank" in line for line in lines)
    assert any("row 5, column 'Review type': 'Hamster review' is not a review type" in line for line in lines)
    assert len(lines) == 4 and lines[-1].startswith("error: 2 bad row(s); nothing was imported")
    assert snapshot(store) == before


def test_a_stage_after_approval_cannot_be_imported(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = tmp_path / "t.csv"
    tracker.write_text(",".join(HEADER) + "\nChild A,lcspr,DSL,02/11/2026,,,Police,approved\n")
    before = snapshot(store)
    result = cli("import", str(tracker), "--map", str(mapping))
    assert result.code == INVALID and "'approved' cannot be imported" in result.err
    assert snapshot(store) == before


def test_dry_run_prints_what_would_be_created(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = tmp_path / "t.csv"
    tracker.write_text(",".join(HEADER) + "\nChild A,LCSPR,DSL,2 November 2026,,,Police,SCOPING\n")
    before = snapshot(store)
    result = cli.ok("import", str(tracker), "--map", str(mapping), "--dry-run")
    assert "Child A" in result.out and "scoping" in result.out and "lcspr" in result.out
    assert "1 case(s) would be created" in result.err
    assert snapshot(store) == before


def test_a_map_that_names_no_such_column(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = tmp_path / "t.csv"
    tracker.write_text("Name,Type\nChild A,lcspr\n")
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping))
    assert "no column 'Pseudonym' (for subject)" in err and "Name, Type" in err
    mapping.write_text("columns: {subject: Name}\n")
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping))
    assert "give the column of type, referrer, received" in err
    (tmp_path / "t.txt").write_text("x")
    refused_cleanly(cli, store, USAGE, "import", str(tmp_path / "t.txt"), "--map", str(mapping))


def test_an_import_step_only_straight_after_the_referral(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = tmp_path / "t.csv"
    tracker.write_text(",".join(HEADER) + "\nChild A,lcspr,DSL,02/11/2026,,,Police,scoping\n")
    case_id = cli.ok("import", str(tracker), "--map", str(mapping)).out.strip()
    path = store / "cases" / case_id / "case.yaml"
    text = path.read_text()
    path.write_text(text.replace("to: scoping", "to: approved").replace("stage: scoping", "stage: approved"))
    result = cli("validate")
    assert result.code == INVALID and "an import) may only follow 'refer'" in result.out


def titled_workbook(path: Path) -> Path:
    """A tracker as business units keep one: a notes sheet first, and on the cases' sheet a
    title, a date and a blank row above the headings."""
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["How to use this tracker"])
    cases = book.create_sheet("Cases 2026")
    cases.append(["Fictional Shire Safeguarding Partnership: case review tracker"])
    cases.append(["Updated", datetime(2026, 11, 1)])
    cases.append([])
    cases.append(HEADER)
    cases.append(["Child A", "Child", "Fictional Academy DSL", "02/11/2026", None, None, "Police", "New"])
    cases.append(["Adult B", "SAR", "Fictional Care Home", "2 Nov 2026", None, None, None, None])
    book.save(path)
    return path


def test_the_row_of_headings_is_found_below_a_title_on_the_sheet_named(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = titled_workbook(tmp_path / "tracker.xlsx")
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping))
    assert "no row of the first 30 names every column of the map; row 1 has the columns: How to use this" in err
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping), "--sheet", "Cases")
    assert err == ("error: --sheet 'Cases': tracker.xlsx has no such sheet; its sheets are: Notes, Cases 2026")
    result = cli.ok("import", str(tracker), "--map", str(mapping), "--sheet", "cases 2026", "--dry-run")
    assert [line.split()[0] for line in result.out.splitlines()[2:]] == ["5", "6"]  # the rows as Excel numbers them
    ids = cli.ok("import", str(tracker), "--map", str(mapping), "--sheet", "Cases 2026",
                 "--header-row", "4").out.split()
    assert [load(store / "cases" / i / "case.yaml")["subject"] for i in ids] == ["Child A", "Adult B"]
    assert load(store / "cases" / ids[1] / "case.yaml")["received"] == date(2026, 11, 2)


def test_a_wrong_header_row_or_sheet_is_named(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = titled_workbook(tmp_path / "tracker.xlsx")
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping), "--sheet", "Cases 2026",
                          "--header-row", "2")
    assert "no column 'Pseudonym' (for subject); row 2 has the columns: Updated, 2026-11-01" in err
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping), "--sheet", "Cases 2026",
                          "--header-row", "40")
    assert err == "error: --header-row 40: tracker.xlsx has 6 row(s)"
    assert cli("import", str(tracker), "--map", str(mapping), "--header-row", "0").code == USAGE
    flat = tmp_path / "t.csv"
    flat.write_text("Our tracker\n\n" + ",".join(HEADER) + "\nChild A,lcspr,DSL,11/30/2026,,,Police,scoping\n")
    err = refused_cleanly(cli, store, USAGE, "import", str(flat), "--map", str(mapping), "--sheet", "One")
    assert "--sheet is for a workbook (.xlsx); t.csv is one table" in err
    result = cli("import", str(flat), "--map", str(mapping))
    assert result.code == INVALID and "t.csv row 4, column 'Date received': '11/30/2026' is not a date: there is " \
        "no month 30; dates are read day first, as England writes them (for 30 November 2026 write 30/11/2026)" \
        in result.err
