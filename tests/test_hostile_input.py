"""Hostile input that must not hurt: alias bombs, control characters, spreadsheet formulas,
non-UTF-8 arguments, implausible dates, and stores that cannot be written."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    ALIAS_BOMB,
    INVALID,
    REPORT,
    TICK_ALL,
    UNUSABLE,
    USAGE,
    Cli,
    alias_bomb,
    git,
    refer,
    refused_cleanly,
    snapshot,
    to_in_review,
)

ESCAPE = "\x1b[31m"
HOSTILE_AGENCY = f"Fictional {ESCAPE}Police\r\x07"


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", "hand edit")


# -- YAML anchors and aliases -----------------------------------------------------------

def test_alias_bomb_in_a_case_is_refused_before_it_expands(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    case = store / "cases" / case_id / "case.yaml"
    case.write_text(case.read_text() + "extra:\n" + "".join("  " + line + "\n" for line in ALIAS_BOMB.splitlines()))
    commit_all(store)
    line = 1 + case.read_text().splitlines().index("  ya0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    where = f"cases/{case_id}/case.yaml:{line}: ya0: YAML anchors and aliases"
    for args in (("show", case_id), ("log", case_id), ("triage", case_id, "--accept", "--reason", "r")):
        err = refused_cleanly(cli, store, INVALID, *args)
        assert where in err and "write the values out in full" in err, err
    result = cli("validate")
    assert result.code == INVALID and where in result.out
    # Ampersands and asterisks in text are not anchors: such a case reads and steps as ever.
    other = cli.ok("refer", "--type", "sar", "--subject", "Adult *Q*", "--referrer", "Police & Health",
                   "--summary", "*emphasis* & more, &amp; [*x*]").out.strip()
    assert "Police & Health" in cli.ok("show", other).out
    cli.ok("triage", other, "--accept", "--reason", "r", "--agency", "A & B")
    # The bulk report names the case, and lists nothing it cannot trust.
    result = cli("list", "--format", "json")
    assert result.code == INVALID and [r["id"] for r in json.loads(result.out)] == [other]
    assert "anchors and aliases" in result.err


def test_billion_laughs_in_a_process_with_little_memory(cli: Cli, store: Path) -> None:
    import resource

    case_id = refer(cli)
    notes = store / "cases" / case_id / "notes.yaml"
    notes.write_text(alias_bomb(9))  # 9 ** 9 values once expanded
    commit_all(store)
    before = snapshot(store)

    def limit() -> None:  # an expansion fails fast here instead of eating the machine
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    for args in (("show", case_id), ("triage", case_id, "--accept", "--reason", "r")):
        result = subprocess.run([sys.executable, "-m", "reviewctl", *args], cwd=store, capture_output=True,
                                text=True, timeout=60, preexec_fn=limit)
        assert result.returncode == INVALID, result.stderr
        assert result.stderr == (f"error: cases/{case_id}/notes.yaml:1: ya0: YAML anchors and aliases "
                                 "(&name, *name) are not allowed; write the values out in full\n")
    assert snapshot(store) == before


def test_alias_in_the_settings_is_refused(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "extra: &e [1, 2]\nagain: *e\n")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "reviewctl.yaml:" in err and "extra: YAML anchors and aliases" in err


# -- empty and read-only stores --------------------------------------------------------

@pytest.mark.parametrize("content", ["", "# only a comment\n", " \n\n  \n"])
def test_empty_case_file(cli: Cli, store: Path, content: str) -> None:
    case_id = refer(cli)
    (store / "cases" / case_id / "case.yaml").write_text(content)
    commit_all(store)
    for args in (("show", case_id), ("log", case_id), ("triage", case_id, "--accept", "--reason", "r")):
        err = refused_cleanly(cli, store, INVALID, *args)
        assert f"cases/{case_id}/case.yaml: is empty" in err and "git restore" in err


def _immutable(path: Path, on: bool) -> bool:
    """Make a folder read-only even for root (chattr +i), or by mode when not root."""
    if os.geteuid() != 0:
        path.chmod(0o555 if on else 0o755)
        return True
    if shutil.which("chattr") is None:
        return False
    result = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    return result.returncode == 0


@pytest.fixture
def read_only(store: Path) -> Iterator[list[Path]]:
    made: list[Path] = []
    yield made
    for path in reversed(made):
        _immutable(path, False)


def _lock(paths: list[Path], made: list[Path]) -> None:
    for path in paths:
        if not _immutable(path, True):
            pytest.skip("running as root without chattr +i: a folder cannot be made read-only here")
        made.append(path)


def test_read_only_case_folder(cli: Cli, store: Path, read_only: list[Path]) -> None:
    case_id = refer(cli)
    _lock([store / "cases" / case_id], read_only)
    err = refused_cleanly(cli, store, UNUSABLE, "triage", case_id, "--accept", "--reason", "r")
    assert "cannot write here" in err and "make the store writable" in err
    assert not (store / ".git" / "reviewctl-journal.json").exists()
    cli.ok("show", case_id)  # reading still works


def test_read_only_store(cli: Cli, store: Path, read_only: list[Path]) -> None:
    case_id = refer(cli)
    folders = [p for p in store.rglob("*") if p.is_dir()] + [store]
    _lock(folders, read_only)
    before = snapshot(store)
    for args in (("triage", case_id, "--accept", "--reason", "r"),
                 ("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R")):
        err = refused_cleanly(cli, store, UNUSABLE, *args)
        assert "cannot write here" in err
    # Reports still read a store they cannot write (their cache is only skipped).
    assert case_id in cli.ok("list").out and case_id in cli.ok("due").out
    assert snapshot(store) == before


# -- arguments that are not text ---------------------------------------------------------

def test_non_utf8_arguments_from_a_real_process(cli: Cli, store: Path) -> None:
    refer(cli)
    before = snapshot(store)
    for argv in ([b"refer", b"--type", b"sar", b"--subject=\xff", b"--referrer", b"R"],
                 [b"list", b"--agency", b"Caf\xe9"], [b"show", b"TST-\xff"]):
        result = subprocess.run([sys.executable, "-m", "reviewctl", *argv], cwd=store, capture_output=True,
                                timeout=120, env={**os.environ, "LC_ALL": "C.UTF-8"})
        err = result.stderr.decode()
        assert result.returncode == USAGE, err
        assert err.count("\n") == 1 and err.startswith("error: ") and "not UTF-8" in err
    assert snapshot(store) == before


# -- control characters are shown escaped ------------------------------------------------

def test_control_characters_are_escaped_in_every_table_and_document(cli: Cli, store: Path) -> None:
    case_id = cli.ok("refer", "--type", "sar", "--subject", f"Adult {ESCAPE}Q", "--referrer", "R\rX",
                     "--summary", "bell\x07 and\nnew line", "--agency", HOSTILE_AGENCY).out.strip()
    cli.ok("triage", case_id, "--accept", "--reason", f"why {ESCAPE}", "-m", f"note {ESCAPE}")
    outputs = {
        "list": cli.ok("list").out, "tracker md": cli.ok("tracker", "--format", "md").out,
        "show": cli.ok("show", case_id).out, "show md": cli.ok("show", case_id, "--format", "md").out,
        "log": cli.ok("log", case_id).out, "log md": cli.ok("log", case_id, "--format", "md").out,
        "due": cli.ok("due").out, "stats md": cli.ok("stats", "--format", "md").out,
    }
    for name, text in outputs.items():
        assert "\x1b" not in text and "\r" not in text and "\x07" not in text, name
    assert "Fictional \\x1b[31mPolice\\r\\x07" in outputs["show"]
    assert "Adult \\x1b[31mQ" in outputs["list"] and "Adult \\x1b[31mQ" in outputs["tracker md"]
    assert "bell\\x07 and\\nnew line" in outputs["show"]
    # JSON keeps the value as it is (escaped by JSON itself).
    assert json.loads(cli.ok("show", case_id, "--format", "json").out)["subject"] == f"Adult {ESCAPE}Q"


def test_error_messages_stay_on_one_line(cli: Cli, store: Path) -> None:
    err = refused_cleanly(cli, store, USAGE, "report", "TST-2026-AAAAAA", "--file", "a\nb\x1b[2J")
    assert "\x1b" not in err


# -- spreadsheets never run a cell as a formula ------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]


def test_csv_and_xlsx_cells_are_never_formulas(cli: Cli, store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ids = {}
    for formula in FORMULAS:
        ids[formula] = cli.ok("refer", "--type", "sar", "--subject", formula, "--referrer", "R",
                              "--received", "2026-10-01").out.strip()
    cells = {row[0]: row for row in csv.reader(io.StringIO(cli.ok("list", "--format", "csv").out))}
    for formula, case_id in ids.items():
        subject = cells[case_id][4]
        assert subject == "'" + formula, subject
    out = tmp_path / "tracker.xlsx"
    cli.ok("list", "--format", "xlsx", "--output", str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    for formula, case_id in ids.items():  # text as typed: no apostrophe to see in a sheet
        assert by_id[case_id]["Subject (pseudonym)"] == formula
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                assert cell.data_type == "s" and cell.quotePrefix, cell.value  # stays text when edited
    # Numbers stay numbers: a negative count of working days is still a number.
    refer(cli)
    due = list(csv.DictReader(io.StringIO(cli.ok("--as-of", "2027-06-01", "due", "--format", "csv").out)))
    assert due and all(int(r["working_days_left"]) < 0 for r in due if r["status"] == "overdue")
    assert any(r["working_days_left"].startswith("-") for r in due)


# -- dates that cannot be meant -----------------------------------------------------------

@pytest.mark.parametrize(("option", "value"), [
    ("--received", "0001-01-01"), ("--received", "1899-12-31"), ("--incident-date", "0001-01-01"),
    ("--date", "1066-10-14"),
])
def test_implausible_dates_are_refused(cli: Cli, store: Path, option: str, value: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R",
                          option, value)
    assert f"{option} {value} is not a plausible date" in err and "1900" in err


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_as_of_beyond_the_calendar(cli: Cli, store: Path, value: str) -> None:
    case_id = refer(cli)
    for args in (("show", case_id), ("list",), ("due",), ("log", case_id)):
        err = refused_cleanly(cli, store, USAGE, "--as-of", value, *args)
        assert "--as-of" in err and "not a plausible date" in err


@pytest.mark.parametrize("year", ["10000", "-5", "0", "1899"])
def test_stats_years_out_of_range(cli: Cli, store: Path, year: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "stats", "--year", year)
    assert f"--year {year} is not a year" in err


def test_milestone_dates_are_plausible(cli: Cli, store: Path) -> None:

    case_id = to_in_review(cli, store, "dhr", store.parent)
    for args in (("milestone", case_id, "Panel 1", "--date", "0001-01-01"),
                 ("tor", case_id, "--file", str(store.parent / "tor.md"), "--milestone", "Panel 2=0001-01-01")):
        err = refused_cleanly(cli, store, USAGE, *args)
        assert "not a plausible date" in err, err
    err = refused_cleanly(cli, store, USAGE, "tor", case_id, "--file", str(store.parent / "tor.md"),
                          "--milestone", "Panel 2=2035-01-01")
    assert "--milestone Panel 2: 2035-01-01 is more than 5 years after today" in err, err


# -- xlsx output paths ------------------------------------------------------------------

def test_xlsx_output_paths(cli: Cli, store: Path, tmp_path: Path) -> None:
    refer(cli)
    err = refused_cleanly(cli, store, USAGE, "list", "--format", "xlsx", "--output", "missing/dir/x.xlsx")
    assert "does not exist" in err
    err = refused_cleanly(cli, store, USAGE, "list", "--format", "xlsx", "--output", str(tmp_path))
    assert "is a folder" in err


def test_xlsx_to_a_fifo_does_not_hang(store: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "reviewctl", "list", "--format", "xlsx", "--output", str(fifo)],
                            cwd=store, capture_output=True, text=True, timeout=60)
    assert result.returncode == USAGE and "not a regular file" in result.stderr


def test_planned_dates_are_not_years_away(cli: Cli, store: Path, tmp_path: Path) -> None:

    case_id = to_in_review(cli, store, "sar", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    (tmp_path / "report.md").write_text(REPORT)
    cli.ok("report", case_id, "--file", str(tmp_path / "report.md"))
    cli.ok("report", case_id, "--agreed")
    cli.ok("present", case_id)
    (tmp_path / "plan.md").write_text("# Plan\n")
    jcrg = ("jcrg", case_id, "--final-report", "1", "--comms-plan", str(tmp_path / "plan.md"), "--action", "a",
            "--owner", "Council", "--measure", "m", "--due")
    err = refused_cleanly(cli, store, USAGE, *jcrg, "2031-11-21")
    assert "--due 2031-11-21 is more than 5 years after today (2026-11-20)" in err
    (tmp_path / "actions.yaml").write_text("- {text: t, owner: Council, due: 0001-01-01, measure: m}\n")
    err = refused_cleanly(cli, store, USAGE, *jcrg[:6], "--actions", str(tmp_path / "actions.yaml"))
    assert "--due 0001-01-01 is not a plausible date" in err
    cli.ok(*jcrg, "2031-11-20")  # five years ahead is still a plan
