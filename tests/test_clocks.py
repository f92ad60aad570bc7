"""Clocks that pause and stretch, deadlines that stay visible once missed, and what next.

Dates are worked by hand on the England and Wales calendar; the comments show the work.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import REPORT, TICK_ALL, Cli, git, refer, to_in_review

from reviewctl.adapters.calendar import Calendar
from reviewctl.core.clocks.deadlines import MONTHS, WORKING_DAYS, paused_length, revise

ENGLAND = Calendar()  # England and Wales, no closure days of a store's own


def d(text: str) -> date:
    return date.fromisoformat(text)


# -- the arithmetic, worked by hand ---------------------------------------------------

@pytest.mark.parametrize(("paused", "resumed", "length"), [
    # Tue 22 Dec 2026 up to Mon 4 Jan 2027: 22, 23, 24, 29, 30, 31 Dec (25 and 28 Dec, 1 Jan are bank holidays).
    ("2026-12-22", "2027-01-04", 6),
    # Thu 25 Mar to Thu 1 Apr 2027: 25, 30, 31 Mar (Good Friday 26 Mar, Easter Monday 29 Mar).
    ("2027-03-25", "2027-04-01", 3),
    # Fri 30 Apr to Tue 4 May 2027: only Fri 30 Apr (early May bank holiday Mon 3 May).
    ("2027-04-30", "2027-05-04", 1),
    ("2026-12-18", "2026-12-21", 1),  # Friday to Monday: the Friday is lost
    ("2026-12-19", "2026-12-21", 0),  # Saturday to Monday: nothing lost
    ("2026-12-21", "2026-12-21", 0),  # resumed the same day
])
def test_working_days_a_pause_lasts(paused: str, resumed: str, length: int) -> None:
    assert paused_length(WORKING_DAYS, d(paused), d(resumed), ENGLAND) == length


def test_a_resumed_pause_moves_the_due_date_by_working_days() -> None:
    # 15 working days from Mon 14 Dec 2026 is Thu 7 Jan 2027; paused 6 working days over
    # Christmas: Fri 8, Mon 11, Tue 12, Wed 13, Thu 14, Fri 15 Jan 2027.
    pause = ("pause", d("2026-12-22"), d("2027-01-04"), "awaiting the police", None)
    revised = revise(d("2027-01-07"), WORKING_DAYS, [pause], d("2027-01-05"), ENGLAND)
    assert (revised.due, revised.paused_since) == (d("2027-01-15"), None)
    # Easter: 15 working days from Mon 22 Mar 2027 is Wed 14 Apr; 3 lost: Thu 15, Fri 16, Mon 19 Apr.
    easter = ("pause", d("2027-03-25"), d("2027-04-01"), "inquest", None)
    assert revise(d("2027-04-14"), WORKING_DAYS, [easter], d("2027-04-02"), ENGLAND).due == d("2027-04-19")


def test_pauses_add_up_and_an_open_pause_moves_nothing_yet() -> None:
    first = ("pause", d("2026-12-22"), d("2027-01-04"), "one", None)
    second = ("pause", d("2027-01-08"), d("2027-01-11"), "two", None)  # Fri 8 Jan: one more day
    assert revise(d("2027-01-07"), WORKING_DAYS, [second, first], d("2027-01-12"), ENGLAND).due == d("2027-01-18")
    still = ("pause", d("2027-01-08"), None, "two", None)
    revised = revise(d("2027-01-07"), WORKING_DAYS, [first, still], d("2027-01-20"), ENGLAND)
    assert (revised.due, revised.paused_since) == (d("2027-01-15"), d("2027-01-08"))
    # As it stood before the first pause ended, nothing had moved.
    assert revise(d("2027-01-07"), WORKING_DAYS, [first], d("2027-01-01"), ENGLAND).paused_since == d("2026-12-22")


def test_a_month_clock_moves_by_calendar_days() -> None:
    # 6 months from 20 Nov 2026 is 20 May 2027; paused 11 Jan to 1 Mar 2027 = 49 days: 8 Jul 2027.
    pause = ("pause", d("2027-01-11"), d("2027-03-01"), "criminal trial", "trial")
    assert revise(d("2027-05-20"), MONTHS, [pause], d("2027-03-02"), ENGLAND).due == d("2027-07-08")


# -- pause, resume, extend through the commands ---------------------------------------

def _rapid_review_case(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    """An lcspr case whose rapid review clock started Mon 14 Dec 2026 (the day the council became
    aware, which is the day it was referred): due Thu 7 Jan 2027."""
    monkeypatch.setenv("REVIEWCTL_TODAY", "2027-02-01")
    case_id = cli.ok("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School DSL",
                     "--received", "2026-12-14", "--summary", "Fictional", "--agency", "Police",
                     "--date", "2026-12-14").out.strip()
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-12-14")
    cli.ok("scope", case_id, "--notified", "2026-12-14", "--date", "2026-12-14")
    return case_id


def _clock(cli: Cli, case_id: str, name: str, as_of: str) -> dict:  # type: ignore[type-arg]
    view = json.loads(cli.ok("--as-of", as_of, "show", case_id, "--format", "json").out)
    found = [c for c in view["deadlines"] if c["name"] == name]
    return found[0] if found else {}


def test_pause_resume_extend_and_the_story(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _rapid_review_case(cli, monkeypatch)
    commits = int(git(store, "rev-list", "--count", "HEAD"))
    cli.ok("clock", "pause", case_id, "rapid-review", "--reason", "awaiting the police's view",
           "--for", "criminal investigation", "--date", "2026-12-22")
    assert int(git(store, "rev-list", "--count", "HEAD")) == commits + 1
    assert "clock-pause" in git(store, "log", "-1", "--format=%s")
    # Paused: past its original due date, but not red.
    paused = _clock(cli, case_id, "rapid-review", "2027-01-10")
    assert (paused["status"], paused["due"], paused["paused_since"]) == ("paused", "2027-01-07", "2026-12-22")
    assert cli("--as-of", "2027-01-10", "due", "--fail-on-overdue").code == 0
    (row,) = json.loads(cli.ok("--as-of", "2027-01-10", "list", "--format", "json").out)
    assert row["rag"] == "paused"

    out = cli.ok("clock", "resume", case_id, "rapid-review", "--date", "2027-01-04")
    assert "resumed after 6 working days; due 2027-01-07 -> 2027-01-15" in out.err
    cli.ok("clock", "pause", case_id, "rapid-review", "--reason", "chair unavailable", "--date", "2027-01-08")
    cli.ok("clock", "resume", case_id, "rapid-review", "--date", "2027-01-11")
    assert _clock(cli, case_id, "rapid-review", "2027-01-12")["due"] == "2027-01-18"  # the pauses add up
    cli.ok("clock", "extend", case_id, "rapid-review", "--to", "2027-01-29", "--reason", "more agency information",
           "--agreed-by", "National Panel", "--date", "2027-01-12")
    clock = _clock(cli, case_id, "rapid-review", "2027-01-13")
    assert (clock["original_due"], clock["due"], clock["status"], clock["revised"]) == (
        "2027-01-07", "2027-01-29", "open", True)
    assert "paused 2026-12-22 to 2027-01-04" in clock["why"] and "agreed by National Panel" in clock["why"]
    # Exports name both dates and why.
    due_csv = cli.ok("--as-of", "2027-01-13", "due", "--format", "csv").out.splitlines()
    assert due_csv[0] == "case,type,stage,label,original_due,due,status,working_days_left,why"
    assert ",2027-01-07,2027-01-29,open," in due_csv[1]
    tracker = cli.ok("--as-of", "2027-01-13", "list", "--format", "csv").out.splitlines()
    header = tracker[0].split(",")
    assert tracker[1].split(",")[header.index("next_due_original")] == "2027-01-07"
    assert "next_due_why" in header
    assert "| Originally due |" in cli.ok("--as-of", "2027-01-13", "list", "--format", "md").out

    cli.ok("scope", case_id, "--rapid-review-sent", "2027-01-20", "--date", "2027-01-20")
    assert _clock(cli, case_id, "rapid-review", "2027-01-21")["status"] == "met"  # within the revised date
    story = {c["clock"]: c for c in json.loads(cli.ok("clock", "list", case_id, "--format", "json").out)}
    events = [(e["date"], e["event"].split(" (")[0], e["due"]) for e in story["rapid-review"]["story"]]
    assert events == [
        ("2026-12-14", "started", "2027-01-07"), ("2026-12-22", "paused", "2027-01-07"),
        ("2027-01-04", "resumed after 6 working days", "2027-01-15"), ("2027-01-08", "paused", "2027-01-15"),
        ("2027-01-11", "resumed after 1 working day", "2027-01-18"), ("2027-01-12", "extended", "2027-01-29"),
        ("2027-01-20", "met", "2027-01-29")]
    assert story["review-publication"]["status"] == "not started"
    assert "resumed after 6 working days" in cli.ok("clock", "list", case_id).out
    # Within the timescale as revised, not as first set.
    figures = json.loads(cli.ok("stats", "--year", "2027", "--format", "json").out)
    assert figures["timescales"] == {"settled": 1, "revised": 1, "within_original": 0, "within_revised": 1,
                                     "met_late": 0, "missed": 0, "by_clock": {"rapid-review": {
                                         "settled": 1, "within_original": 0, "within_revised": 1,
                                         "share_within_original": 0.0, "share_within_revised": 1.0}}}
    assert "Met within the revised timescale: 1" in cli.ok("stats", "--year", "2027", "--format", "md").out
    # As it stood before the rapid review went in, and before the clock started.
    assert _clock(cli, case_id, "rapid-review", "2027-01-19")["status"] == "open"
    assert _clock(cli, case_id, "rapid-review", "2026-12-23")["status"] == "paused"
    assert _clock(cli, case_id, "rapid-review", "2026-12-13") == {}
    assert cli.ok("validate").code == 0
    record = (store / "cases" / case_id / "clocks.yaml").read_text()
    assert "for: criminal investigation" in record and "agreed_by: National Panel" in record


def test_a_clock_run_per_entry_is_named_with_its_entry(cli: Cli, store: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)  # chronologies asked 12 Nov: due Thu 10 Dec 2026
    cli.ok("clock", "pause", case_id, "chronology-return:Health", "--reason", "records held by the coroner",
           "--date", "2026-11-20")
    monkeypatch.setenv("REVIEWCTL_TODAY", "2026-12-31")
    # Fri 20 Nov to Mon 30 Nov: 20, 23-27 Nov = 6 working days; 10 Dec + 6 = Fri 18 Dec 2026.
    cli.ok("clock", "resume", case_id, "chronology-return:health", "--date", "2026-11-30")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    clocks = {c["item"]: c for c in view["deadlines"] if c["name"] == "chronology-return"}
    assert (clocks["Health"]["original_due"], clocks["Health"]["due"]) == ("2026-12-10", "2026-12-18")
    assert clocks["Police"]["due"] == "2026-12-10" and clocks["Police"]["why"] is None
    assert "Health" in view["clocks"]["clocks"][0]["item"]


# -- missed deadlines stay visible ----------------------------------------------------

def test_missed_and_late_deadlines_stay_visible(cli: Cli, store: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Chronologies asked Thu 12 Nov 2026: due Thu 10 Dec.  Milestones: Panel 1 on 1 Dec 2026,
    # Draft report on 1 Feb 2027.
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    monkeypatch.setenv("REVIEWCTL_TODAY", "2027-02-10")
    police = tmp_path / "police.csv"
    police.write_text("date,time,event,source,significance\n2026-01-10,09:00,Officers attended,Incident log,high\n")
    cli.ok("chronology", "import", case_id, str(police), "--agency", "Police", "--date", "2026-12-15")
    cli.ok("milestone", case_id, "Panel 1", "--date", "2026-12-03")
    cli.ok("checklist", case_id, *TICK_ALL, "--date", "2027-02-05")
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report), "--date", "2027-02-05")  # leaves in-review
    cli.ok("report", case_id, "--agreed", "--date", "2027-02-05")
    cli.ok("present", case_id, "--date", "2027-02-05")
    plan = tmp_path / "comms.md"
    plan.write_text("# Communications plan\n")
    cli.ok("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan), "--action", "Revise policy",
           "--owner", "Council", "--due", "2027-06-01", "--measure", "Published", "--date", "2027-02-08")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    clocks = {(c["name"], c["item"]): c for c in view["deadlines"]}
    police_row, health = clocks[("chronology-return", "Police")], clocks[("chronology-return", "Health")]
    assert (police_row["status"], police_row["days_late"]) == ("met-late", 5)
    # Never returned: the report went in on 5 Feb 2027, 57 days after 10 Dec.
    assert (health["status"], health["days_late"], health["met_on"]) == ("missed", 57, None)
    assert (clocks[("milestone", "Panel 1")]["status"], clocks[("milestone", "Panel 1")]["days_late"]) == (
        "met-late", 2)
    draft = clocks[("milestone", "Draft report")]
    assert (draft["status"], draft["days_late"]) == ("missed", 7)  # the JCRG agreed on 8 Feb
    # Lateness in each clock's own unit (issue 21).  The Police chronology, due Thu 10 Dec and
    # received Tue 15 Dec: Fri 11, Mon 14, Tue 15 Dec = 3 working days.  Health's, missed when
    # the report went in on Fri 5 Feb 2027: 11-18 Dec (6), 21-24 Dec (4; Fri 25 and Mon 28 Dec
    # are bank holidays), 29-31 Dec (3), Fri 1 Jan a bank holiday, 4-29 Jan (20), 1-5 Feb (5)
    # = 38 working days.  A milestone is a date, not a working-day limit: calendar days.
    assert (police_row["late_by"], health["late_by"]) == ("3 working days", "38 working days")
    assert (clocks[("milestone", "Panel 1")]["late_by"], draft["late_by"]) == ("2 days", "7 days")
    table = cli.ok("show", case_id).out
    assert "missed (38 working days late)" in table and "met-late (3 working days late)" in table
    assert "met-late (2 days late)" in table and "(57 days late)" not in table
    # Missed deadlines are not open ones: nothing of them in `due`.
    assert all(r["clock"] not in ("chronology-return", "milestone")
               for r in json.loads(cli.ok("due", "--format", "json").out))
    # As it stood before the chronology came in: not met, overdue.
    then = _clock(cli, case_id, "chronology-return", "2026-12-14")
    assert (then["status"], then["met_on"]) == ("overdue", None)
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)["timescales"]
    assert (figures["met_late"], figures["missed"]) == (2, 0)
    figures = json.loads(cli.ok("stats", "--year", "2027", "--format", "json").out)["timescales"]
    assert (figures["missed"], figures["within_original"]) == (2, 0)


# -- what next --------------------------------------------------------------------------

def test_next_steps_name_what_is_missing(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    # Withdrawing and the Panel's national review need nothing the case records.
    (step,) = [s for s in view["next"]["steps"] if s["step"] not in ("withdraw", "national-review")]
    assert (step["step"], step["to"], step["ready"]) == ("scope-done", "decision", False)
    assert [m["field"] for m in step["missing"]] == ["scoping.notified", "scoping.rapid_review_sent"]
    out = cli.ok("next", case_id).out
    assert f"reviewctl scope {case_id} --notified DATE" in out and "scope-returned" in out
    assert "Next steps" in cli.ok("show", case_id).out
    cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-10")
    (step,) = [s for s in json.loads(cli.ok("next", case_id, "--format", "json").out)["steps"]
               if s["step"] not in ("withdraw", "national-review")]
    assert step["ready"] and step["missing"] == []


def test_next_for_an_unsettled_type_and_an_ended_case(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "unknown")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--done")
    steps = json.loads(cli.ok("next", case_id, "--format", "json").out)["steps"]
    # The Panel's national review is for lcspr only: it too waits for the type.
    assert {s["step"] for s in steps} == {"decide-conduct", "decide-not-conduct", "national-review", "withdraw"}
    assert all("settle the review type" in s["missing"][0]["hint"] for s in steps if s["step"] != "withdraw")
    ended = refer(cli)
    cli.ok("triage", ended, "--no-further-action", "--reason", "r")
    # An ended case goes on only by a reopening, to the workflow's re-entry point.
    steps = json.loads(cli.ok("next", ended, "--format", "json").out)["steps"]
    assert [(s["step"], s["to"]) for s in steps] == [("reopen", "referred")]


def test_next_offers_a_settled_type_no_step_of_another_type(cli: Cli, store: Path) -> None:
    """A DHR awaiting its decision is not offered the Panel's national review (lcspr only) as a
    step that lacks only "settling the type": its type is settled."""
    case_id = refer(cli, "dhr", "--aware", "2026-11-02")
    cli.ok("triage", case_id, "--accept", "--reason", "Meets the criteria", "--date", "2026-11-03")
    steps = json.loads(cli.ok("next", case_id, "--format", "json").out)["steps"]
    assert "national-review" not in [s["step"] for s in steps]
    assert not any("settle the review type" in m["hint"] for s in steps for m in s["missing"])
