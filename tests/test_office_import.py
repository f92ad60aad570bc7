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


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_tracker_is_imported_in_one_commit(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = write_map(cli, tmp_path / "map.yaml")
    tracker = write_xlsx(tmp_path / "tracker.xlsx", [
        ["Child A", "Child", "Fictional Academy DSL", datetime(2026, 9, 2), None, "Fictional summary",
         "Police; Children's Social Care", "Review under way"],
        ["Adult B", "SAR", "Fictional Care Home", "03/10/2026", "1/10/26", None, "Adult Social Care", "with the chair"],
        [None, None, None, None, None, None, None, None],  # a blank row between blocks
        ["Adult C", "dhr", "Fictional Shire Police", "5 Nov 2026", None, None, None, None],
    ])
    head = git(store, "rev-parse", "HEAD").strip()
    result = cli.ok("import", str(tracker), "--map", str(mapping))
    ids = result.out.split()
    assert len(ids) == 3 and "imported 3 case(s)" in result.err
    assert git(store, "rev-parse", "HEAD~1").strip() == head  # one commit for the whole import
    assert git(store, "log", "-1", "--format=%s").startswith("store: import (3 cases)")
    first = load(store / "cases" / ids[0] / "case.yaml")
    assert (first["type"], first["stage"], first["subject"]) == ("lcspr", "in-review", "Child A")
    assert first["received"] == date(2026, 9, 2) and first["agencies"] == ["Police", "Children's Social Care"]
    assert [(h["step"], h["from"], h["to"]) for h in first["history"]] == [
        ("refer", None, "referred"), ("import", "referred", "in-review")]
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
    assert any("row 5, column 'Status': 'published' cannot be imported" in line for line in lines)
    assert len(lines) == 5 and lines[-1].startswith("error: 2 bad row(s); nothing was imported")
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
