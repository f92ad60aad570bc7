"""Imports bounded by what they unpack (issue 19, "Bounded imports"): a workbook is refused
before it is parsed when it unpacks past its bounds or declares a DTD; rows stream, every
row is read (whatever the sheet's <dimension> says) and checked without a `git status`
each; an oversized CSV field, and a control character on its way into a Word letter, are
one-line refusals, never exit 70.

Real files: workbooks made by openpyxl and then rewritten as an attacker would
(benchmarks/hostile_files.py), real stores, real git.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from helpers import INVALID, USAGE, Cli, git, refused_cleanly, snapshot, to_setup

from reviewctl.core.steps import importer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import hostile_files as hostile  # beside the benchmark that uses them too


@pytest.fixture
def mapping(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(cli.ok("template", "import-map.yaml").out)
    return path


def refused_import(cli: Cli, store: Path, tracker: Path, mapping: Path, code: int = USAGE) -> str:
    err = refused_cleanly(cli, store, code, "import", str(tracker), "--map", str(mapping))
    assert tracker.name in err
    return err


# -- a workbook bounded by what it unpacks, before any parser sees it ------------------------

def test_a_cell_that_unpacks_past_a_megabyte_is_refused(cli: Cli, store: Path, tmp_path: Path,
                                                        mapping: Path) -> None:
    tracker = hostile.cell_bomb(tmp_path / "bomb.xlsx", 3 * 2**20)
    assert tracker.stat().st_size < 50_000  # a few KB on disk
    err = refused_import(cli, store, tracker, mapping)
    assert "xl/worksheets/sheet1.xml" in err and "longer than 1 MB" in err


def test_a_workbook_that_unpacks_past_50_mb_is_refused(cli: Cli, store: Path, tmp_path: Path, mapping: Path) -> None:
    tracker = hostile.padded(tmp_path / "padded.xlsx", 60 * 2**20)  # blank space a parser would skim
    err = refused_import(cli, store, tracker, mapping)
    assert "unpacks to 60 MB, more than the 50 MB allowed" in err


def test_sizes_that_lie_in_the_directory_are_refused(cli: Cli, store: Path, tmp_path: Path, mapping: Path) -> None:
    tracker = hostile.lying_sizes(tmp_path / "lying.xlsx", rows=300)
    err = refused_import(cli, store, tracker, mapping)
    assert "not a zip package that can be unpacked" in err


def test_too_many_parts_are_refused(cli: Cli, store: Path, tmp_path: Path, mapping: Path) -> None:
    err = refused_import(cli, store, hostile.many_parts(tmp_path / "parts.xlsx", 10_001), mapping)
    assert "parts, more than the 10000 allowed" in err


@pytest.mark.parametrize("make", [hostile.with_dtd, hostile.utf16_dtd], ids=["utf-8", "utf-16"])
def test_a_dtd_in_a_workbook_is_refused(cli: Cli, store: Path, tmp_path: Path, mapping: Path, make: object) -> None:
    tracker = make(tmp_path / "dtd.xlsx")  # type: ignore[operator]
    err = refused_import(cli, store, tracker, mapping)
    assert "DTD or an entity" in err and "xl/worksheets/sheet1.xml" in err


def test_an_xml_part_in_another_encoding_is_refused(cli: Cli, store: Path, tmp_path: Path, mapping: Path) -> None:
    tracker = hostile.write_xlsx(tmp_path / "utf7.xlsx", hostile.tracker_rows(1))
    hostile.replace_part(tracker, hostile.SHEET, hostile.sheet_xml([]))
    text = b"".join(hostile.sheet_xml([])).replace(b'encoding="UTF-8"', b'encoding="UTF-7"')
    hostile.replace_part(tracker, hostile.SHEET, [text])
    err = refused_import(cli, store, tracker, mapping)
    assert "encoding" in err


def test_a_dimension_that_understates_the_sheet_drops_no_row(cli: Cli, store: Path, tmp_path: Path,
                                                             mapping: Path) -> None:
    rows = hostile.tracker_rows(5)
    tracker = hostile.understated(tmp_path / "short.xlsx", rows)
    result = cli.ok("import", str(tracker), "--map", str(mapping))
    assert len(result.out.split()) == 5 and "imported 5 case(s)" in result.err
    subjects = {r["subject"] for r in json.loads(cli.ok("list", "--format", "json").out)}
    assert subjects == {row[0] for row in rows}


def test_rows_widened_to_the_last_column_are_bounded(cli: Cli, store: Path, tmp_path: Path, mapping: Path) -> None:
    tracker = hostile.wide_rows(tmp_path / "wide.xlsx", 400)  # 400 rows of 16,384 cells each, padded
    err = refused_import(cli, store, tracker, mapping)
    assert "more than 2,000,000 cells" in err and "delete the columns" in err


def test_a_damaged_sheet_is_a_refusal(cli: Cli, store: Path, tmp_path: Path, mapping: Path) -> None:
    tracker = hostile.write_xlsx(tmp_path / "broken.xlsx", [])
    hostile.replace_part(tracker, hostile.SHEET, [b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>x'])
    err = refused_import(cli, store, tracker, mapping)
    assert "not a spreadsheet that can be read" in err


# -- CSV fields, control characters ---------------------------------------------------------

def test_a_csv_field_over_128_kib_is_refused_naming_row_and_column(cli: Cli, store: Path, tmp_path: Path,
                                                                   mapping: Path) -> None:
    rows = hostile.tracker_rows(3)
    rows[1][5] = "x" * (128 * 1024 + 1)
    err = refused_import(cli, store, hostile.write_csv(tmp_path / "long.csv", rows), mapping)
    assert "row 3, column 6 ('Summary')" in err and "128 KiB" in err


def test_a_chronology_field_over_128_kib_is_refused(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_setup(cli, "sar")
    path = tmp_path / "police.csv"
    path.write_text("date,time,event,source,significance\n2026-02-03,,ok,GP,low\n"
                    f"2026-02-04,,{'y' * 200_000},GP,high\n")
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(path), "--agency", "Police")
    assert str(path) in err and "row 3, column 3 ('event')" in err


def test_a_yaml_chronology_value_over_128_kib_is_refused(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_setup(cli, "sar")
    path = tmp_path / "health.yaml"
    path.write_text("events:\n  - {date: 2026-02-03, event: ok, source: GP, significance: low}\n"
                    f"  - {{date: 2026-02-04, event: {'y' * 200_000}, source: GP, significance: high}}\n")
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(path), "--agency", "Health")
    assert "line 3: event: a value of 195 KiB" in err


def test_a_chronology_csv_with_quotes_blank_lines_and_a_short_row(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_setup(cli, "sar")
    path = tmp_path / "police.csv"
    path.write_text('date,time,event,source,significance\n\n2026-02-03,,"A visit, then a call",GP,low\n'
                    "2026-02-04,10:15,Short row,GP\n")
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(path), "--agency", "Police")
    assert "row 4: significance" in err  # its record number in the file, blank lines counted
    path.write_text('date,time,event,source,significance\n\n2026-02-03,,"A visit, then a call",GP,low\n')
    cli.ok("chronology", "import", case_id, str(path), "--agency", "Police")
    rows = json.loads(cli.ok("chronology", "show", case_id, "--format", "json").out)
    assert [r["event"] for r in rows] == ["A visit, then a call"]


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x85"])
def test_a_tracker_cell_with_a_control_character_is_refused(cli: Cli, store: Path, tmp_path: Path,
                                                            mapping: Path, character: str) -> None:
    rows = hostile.tracker_rows(2)
    rows[1][0] = f"Adult{character}Q"
    tracker = hostile.write_csv(tmp_path / "ctl.csv", rows)
    before = snapshot(store)
    result = cli("import", str(tracker), "--map", str(mapping))
    assert result.code == INVALID and result.out == "" and snapshot(store) == before
    lines = result.err.splitlines()  # one line per bad row, then what to do
    assert all(line.startswith("error: ") for line in lines) and len(lines) == 2
    assert f"ctl.csv row 3, column 'Pseudonym': holds a control character (U+{ord(character):04X})" in lines[0]


def docx_store(store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(re.sub(r"(?m)^documents:.*$", "documents: [md, docx]", config.read_text()))
    git(store, "commit", "-qam", "letters in Word too")


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\ufffe"])
def test_a_subject_with_a_control_character_in_a_word_letter_is_a_refusal(cli: Cli, store: Path,
                                                                         character: str) -> None:
    docx_store(store)
    err = refused_cleanly(cli, store, INVALID, "refer", "--type", "sar", "--subject", f"Adult{character}Q",
                          "--referrer", "Fictional GP")
    assert "Word copy" in err and f"control character (U+{ord(character):04X})" in err
    assert "Adult" not in err


def test_a_vertical_tab_still_makes_a_word_letter(cli: Cli, store: Path) -> None:
    docx_store(store)
    case_id = cli.ok("refer", "--type", "sar", "--subject", "Adult\x0bQ", "--referrer", "Fictional GP").out.strip()
    assert list((store / "cases" / case_id / "documents").glob("*.docx"))


# -- rows checked once, not a git status each ---------------------------------------------

def test_rows_are_checked_without_a_git_status_each(cli: Cli, store: Path, tmp_path: Path, mapping: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = hostile.write_csv(tmp_path / "rows.csv", hostile.tracker_rows(40))
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))  # git itself logs every process it runs
    result = cli.ok("import", str(tracker), "--map", str(mapping))
    assert len(result.out.split()) == 40
    started = [json.loads(line) for line in trace.read_text().splitlines() if '"event":"start"' in line]
    commands = [e["argv"][1] if len(e["argv"]) > 1 else "" for e in started]
    assert commands.count("status") <= 1, commands
    assert len(started) < 20, commands  # a handful for the import, whatever its rows


def test_an_import_of_more_rows_than_allowed_is_refused(cli: Cli, store: Path, tmp_path: Path, mapping: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    err = refused_import(cli, store, hostile.write_csv(tmp_path / "six.csv", hostile.tracker_rows(6)), mapping)
    assert "more than 5 rows" in err and "in parts" in err
    cli.ok("import", str(hostile.write_csv(tmp_path / "five.csv", hostile.tracker_rows(5))), "--map", str(mapping))


def test_a_dry_run_checks_the_store_as_the_import_would(cli: Cli, store: Path, tmp_path: Path,
                                                         mapping: Path) -> None:
    tracker = hostile.write_csv(tmp_path / "rows.csv", hostile.tracker_rows(3))
    (store / ".git" / "MERGE_HEAD").write_text(git(store, "rev-parse", "HEAD"))
    before = snapshot(store)
    for args in ([], ["--dry-run"]):
        result = cli("import", str(tracker), "--map", str(mapping), *args)
        assert result.code == 1 and "a merge is under way" in result.err
    assert snapshot(store) == before
