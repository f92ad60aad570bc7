"""Dates typed as people in England type them (issue 20): every DATE option reads day first,
and refuses a month-first date in one line naming the option and the rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import USAGE, Cli, load, refer, refused_cleanly, to_setup

from reviewctl.core.case.typed_dates import NotADate, read_date

ONE_DAY = ["2026-11-02", "02/11/2026", "2/11/2026", "2 Nov 2026", "2 November 2026", "2nd November 2026",
           "2.11.26", "Monday 2 November 2026", " 2  nov 2026 "]


@pytest.mark.parametrize("typed", ONE_DAY)
def test_every_way_of_writing_the_second_of_november(typed: str) -> None:
    assert read_date(typed).isoformat() == "2026-11-02"


@pytest.mark.parametrize(("typed", "why"), [
    ("11/30/2026", "there is no month 30; dates are read day first, as England writes them "
                   "(for 30 November 2026 write 30/11/2026)"),
    ("31/02/2026", "February 2026 has 28 days"),
    ("2026-02-30", "February 2026 has 28 days"),
    ("2 Novem 2026", "'novem' is not a month"),
    ("0/11/2026", "there is no day 0"),
    ("0000-01-01", "there is no year 0"),
    ("tomorrow", "write it day first, as England does, e.g. 2/11/2026, 2 Nov 2026 or 2026-11-02"),
])
def test_what_is_not_a_date_says_why(typed: str, why: str) -> None:
    with pytest.raises(NotADate) as refused:
        read_date(typed)
    assert why in refused.value.why


@pytest.mark.parametrize("typed", ONE_DAY[1:5])
def test_a_referral_received_day_first(cli: Cli, store: Path, typed: str) -> None:
    case_id = cli.ok("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "Fictional Care Home",
                     "--received", typed).out.strip()
    case = load(store / "cases" / case_id / "case.yaml")
    assert str(case["received"]) == "2026-11-02"
    assert str(case["history"][0]["date"]) == "2026-11-02"


def test_a_month_first_date_is_refused_naming_the_option_and_the_rule(cli: Cli, store: Path) -> None:
    err = refused_cleanly(cli, store, USAGE, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional Care Home", "--received", "11/30/2026")
    assert err == ("error: --received '11/30/2026' is not a real date: there is no month 30; dates are read "
                   "day first, as England writes them (for 30 November 2026 write 30/11/2026)")


def test_every_date_option_reads_day_first(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "3 Nov 2026")
    folder = store / "cases" / case_id
    assert str(load(folder / "case.yaml")["history"][-1]["date"]) == "2026-11-03"
    cli.ok("scope", case_id, "--notified", "3.11.26", "--date", "4/11/2026")
    assert str(load(folder / "scoping.yaml")["notified"]) == "2026-11-03"
    cli.ok("clock", "extend", case_id, "rapid-review", "--to", "1 December 2026", "--reason", "Panel agreed")
    clocks = json.loads(cli.ok("clock", "list", case_id, "--format", "json").out)
    assert any(c["due"] == "2026-12-01" for c in clocks)
    listed = json.loads(cli.ok("list", "--from", "1/11/2026", "--to", "2 Nov 2026", "--format", "json").out)
    assert [r["id"] for r in listed] == [case_id]
    assert json.loads(cli.ok("list", "--from", "3/11/2026", "--format", "json").out) == []
    assert "as of 2026-11-25" in cli.ok("--as-of", "25/11/2026", "list").err
    err = refused_cleanly(cli, store, USAGE, "list", "--from", "11/30/2026")
    assert err.startswith("error: --from '11/30/2026' is not a real date: there is no month 30; dates are read "
                          "day first")


def test_milestones_and_amendments_read_day_first(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_setup(cli, "sar")
    cli.ok("notify", case_id, "--family", "--date", "12 Nov 2026")
    cli.ok("chronology", "request", case_id, "--agency", "Police", "--date", "12/11/2026")
    cli.ok("commission", case_id, "--lead-reviewer", "Fictional Reviewer", "--organisation",
           "Fictional Independent Reviews Ltd", "--declare-independent", "--date", "13/11/2026")
    cli.ok("panel", "add", case_id, "--name", "Panel Member One", "--agency", "Police", "--role", "DI")
    tor = tmp_path / "tor.md"
    tor.write_text("# Terms of reference\n\nFictional.\n")
    err = refused_cleanly(cli, store, USAGE, "tor", case_id, "--file", str(tor), "--milestone", "Panel 1=12/30/2026")
    assert "--milestone 'Panel 1=12/30/2026': '12/30/2026' is not a real date: there is no month 30" in err
    cli.ok("tor", case_id, "--file", str(tor), "--milestone", "Panel 1=1 Dec 2026", "--date", "16/11/2026")
    milestones = load(store / "cases" / case_id / "review.yaml")["milestones"]
    assert [(m["name"], str(m["due"])) for m in milestones] == [("Panel 1", "2026-12-01")]
    cli.ok("amend", case_id, "case.received", "1/11/2026", "--reason", "Typed the wrong day")
    assert str(load(store / "cases" / case_id / "case.yaml")["received"]) == "2026-11-01"
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.received", "11/30/2026", "--reason", "r")
    assert "received is a date, and the value given is not one: write it day first" in err


def test_a_chronology_as_a_workbook_with_dates_day_first(cli: Cli, store: Path, tmp_path: Path) -> None:
    from datetime import datetime, time

    from openpyxl import Workbook

    case_id = to_setup(cli, "sar")
    cli.ok("chronology", "request", case_id, "--agency", "Health", "--agency", "Police", "--date", "12/11/2026")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Fictional Health Trust: key events for the review"])  # a title above the headings
    sheet.append([])
    sheet.append(["Date", "Time", "Event", "Source", "Significance"])
    sheet.append([datetime(2026, 9, 1), time(9, 30), "Fictional visit", "Health record", "Seen at home"])
    sheet.append(["02/09/2026", None, "Fictional call", "Health record", "Concern raised"])
    sheet.append(["3 Sep 2026", "14:05", "Fictional letter", "GP letter", "Referral made"])
    sheet.append([None, None, None, None, None])
    returned = tmp_path / "Health chronology.xlsx"
    book.save(returned)
    cli.ok("chronology", "import", case_id, str(returned), "--agency", "Health")
    kept = load(store / "cases" / case_id / "chronology" / "health.yaml")
    assert [(str(e["date"]), e.get("time"), e["event"]) for e in kept["events"]] == [
        ("2026-09-01", "09:30", "Fictional visit"), ("2026-09-02", None, "Fictional call"),
        ("2026-09-03", "14:05", "Fictional letter")]
    flat = tmp_path / "police.csv"
    flat.write_text("date,time,event,source,significance\n4/9/2026,,Fictional stop,Log,Seen\n"
                    "09/30/2026,,Fictional call,Log,Noted\n")
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(flat), "--agency", "Police")
    assert err == (f"error: {flat}: row 3: date: '09/30/2026' is not a date: there is no month 30; dates are read "
                   "day first, as England writes them (for 30 September 2026 write 30/09/2026); nothing was imported")
    flat.write_text("date,time,event,source,significance\n4/9/2026,,Fictional stop,Log,Seen\n")
    cli.ok("chronology", "import", case_id, str(flat), "--agency", "Police")
    assert str(load(store / "cases" / case_id / "chronology" / "police.yaml")["events"][0]["date"]) == "2026-09-04"
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(tmp_path / "broken.xlsx"),
                          "--agency", "Health")
    assert "not a spreadsheet that can be read" in err
