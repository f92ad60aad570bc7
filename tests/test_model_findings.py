"""What the history model (tests/test_history_model.py) found, each as a plain example on the
real command line: each test failed before its fix, and keeps the path the model walked."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import REFUSED, USAGE, Cli, load, refer, refused_cleanly, to_closed


def show(cli: Cli, case_id: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok("show", case_id, "--format", "json").out)  # type: ignore[no-any-return]


def clock(view: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(d for d in view["deadlines"] if d["name"] == name)


# -- a pause on the day of an extension --------------------------------------------------------

def test_a_clock_extended_then_paused_on_the_same_day_is_recorded_and_counted(cli: Cli, store: Path) -> None:
    # The model: an extension of the rapid review, then a pause of it on the same day, was refused
    # ("an extension on ... falls inside a pause that began on ..."), as if the pause came first;
    # and the due date forgot the pause's length where both stood in clocks.yaml.
    case_id = refer(cli, "lcspr")  # received 2 Nov 2026: the rapid review is due in 15 working days
    cli.ok("clock", "extend", case_id, "rapid-review", "--to", "2026-12-18", "--reason", "agreed",
           "--date", "2026-11-09")
    cli.ok("clock", "pause", case_id, "rapid-review", "--reason", "criminal trial", "--date", "2026-11-09")
    assert cli.ok("validate").code == 0
    cli.ok("clock", "resume", case_id, "rapid-review", "--date", "2026-11-16")
    assert cli.ok("validate").code == 0
    # Extended to Friday 18 Dec, then paused Mon 9 to Mon 16 Nov: 5 working days later, past
    # Christmas Day and Boxing Day's substitute (Monday 28 Dec).
    assert clock(show(cli, case_id), "rapid-review")["due"] == "2026-12-29"


# -- a change of type of a case brought in from an earlier tracker ----------------------------------

def test_a_case_imported_in_scoping_changes_type(cli: Cli, store: Path, tmp_path: Path) -> None:
    # The model: a sar imported in scoping could never become a dhr, "a 'dhr' case cannot take the
    # step 'import' from 'referred' to 'scoping'": the import step is no transition of any type.
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("Pseudonym,Review type,Referred by,Date received,Status,Triage date\n"
                       "Adult I,sar,Fictional Police,03/02/2026,scoping,10/02/2026\n"
                       "Adult J,sar,Fictional Police,03/02/2026,awaiting-chair,10/02/2026\n")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {subject: Pseudonym, type: Review type, referrer: Referred by, "
                       "received: Date received, stage: Status, triage: Triage date}\n")
    scoping, with_chair = cli.ok("import", str(tracker), "--map", str(mapping)).out.split()
    cli.ok("retype", scoping, "--type", "dhr", "--reason", "the police confirmed it", "--date", "2026-02-12")
    assert load(store / "cases" / scoping / "case.yaml")["type"] == "dhr"
    assert cli.ok("validate").code == 0
    cli.ok("scope", scoping, "--done", "--date", "2026-02-13")
    assert [d["name"] for d in show(cli, scoping)["deadlines"]] == ["dhr-decision"]
    # Imported where the new type never stands (an lcspr has no Independent Chair): still refused.
    err = refused_cleanly(cli, store, REFUSED, "retype", with_chair, "--type", "lcspr", "--reason", "r",
                          "--date", "2026-02-12")
    assert "a 'lcspr' case never stands in 'awaiting-chair', where this case was imported" in err


# -- a correction that would put a clock's start after its pause ------------------------------------

def test_an_amend_that_would_start_a_clock_after_its_extension_is_refused_naming_both(cli: Cli, store: Path) -> None:
    # The model: `amend ID case.aware` to a day after an extension of the clock counting from it
    # was refused as if the store were invalid (exit 3), by a clocks.yaml line, not naming the field.
    case_id = refer(cli, "dhr", "--aware", "2026-11-02")
    cli.ok("clock", "extend", case_id, "dhr-decision", "--to", "2027-01-08", "--reason", "agreed",
           "--date", "2026-11-04")
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.aware", "2026-11-05", "--reason", "typed wrong")
    assert "case.aware 2026-11-05 would be after the extension of dhr-decision on 2026-11-04" in err
    cli.ok("amend", case_id, "case.aware", "2026-11-03", "--reason", "typed wrong")
    assert clock(show(cli, case_id), "dhr-decision")["start"] == "2026-11-03"


# -- a clock paused, then started again by a reopening ------------------------------------------------

def test_a_pause_before_a_reopening_stays_with_the_deadline_it_was_made_on(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")  # received 2 Nov 2026
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "r", "--date", "2026-11-05")
    cli.ok("decide", case_id, "--chair", "--not-conduct", "--rationale", "r", "--learning-to", "L&D group",
           "--date", "2026-11-06")
    # The Home Office is to be told within 5 working days of the chair's decision: paused a week.
    cli.ok("clock", "pause", case_id, "dhr-home-office-decision", "--reason", "awaiting the inquest",
           "--date", "2026-11-09")
    cli.ok("clock", "resume", case_id, "dhr-home-office-decision", "--date", "2026-11-16")
    # Reopened to the chair before the Home Office was told: the chair's decision is made afresh.
    cli.ok("reopen", case_id, "--to", "awaiting-chair", "--reason", "new information", "--date", "2026-11-17")
    assert cli.ok("validate").code == 0
    cli.ok("decide", case_id, "--chair", "--conduct", "--rationale", "r", "--date", "2026-11-18")
    assert cli.ok("validate").code == 0
    deadlines = [d for d in show(cli, case_id)["deadlines"] if d["name"] == "dhr-home-office-decision"]
    # The first deadline ended at the reopening with its pause counted (6 Nov + 5 + 5 working days,
    # not yet missed when the case was reopened); the new one counts from the new decision, unpaused.
    assert [(d["cycle"], d["start"], d["due"]) for d in deadlines] == [(1, "2026-11-18", "2026-11-25")]


# -- a reopening of a closed case does not put its report online again --------------------------------

def test_a_reopened_closed_case_keeps_its_report_online_clock(cli: Cli, store: Path, tmp_path: Path) -> None:
    # The model: the report's year online (a minimum period, met by time passing) started again at
    # each reopening of the closed case, as a second deadline counting from the reopening.
    case_id = to_closed(cli, store, "sar", tmp_path)  # published 20 Nov 2026, online from 1 Dec 2026
    cli.ok("--as-of", "2027-01-10", "close", case_id, "--reason", "done", "--date", "2026-12-10")
    cli.ok("--as-of", "2027-01-10", "reopen", case_id, "--to", "monitoring", "--reason", "new information",
           "--date", "2026-12-15")
    assert cli.ok("validate").code == 0
    view = json.loads(cli.ok("--as-of", "2028-01-10", "show", case_id, "--format", "json").out)
    online = [(d["cycle"], d["start"], d["due"], d["status"]) for d in view["deadlines"]
              if d["name"] == "report-online"]
    assert online == [(0, "2026-12-01", "2027-12-01", "met")]


# -- a change of type after a reopening ---------------------------------------------------------------

def test_a_case_reopened_to_decide_again_changes_type(cli: Cli, store: Path) -> None:
    # The model: a dhr not conducted, reopened to its decision meeting, could not become a sar: the
    # earlier decision's needs (the learning's group) were looked for in the records made afresh.
    case_id = refer(cli, "dhr")  # received 2 Nov 2026
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "r", "--date", "2026-11-05")
    cli.ok("decide", case_id, "--chair", "--not-conduct", "--rationale", "r", "--learning-to", "L&D group",
           "--date", "2026-11-06")
    cli.ok("reopen", case_id, "--to", "decision", "--reason", "the police found it was not a homicide",
           "--date", "2026-11-09")
    cli.ok("retype", case_id, "--type", "sar", "--reason", "the police confirmed it", "--date", "2026-11-10")
    assert load(store / "cases" / case_id / "case.yaml")["type"] == "sar"
    assert cli.ok("validate").code == 0
    cli.ok("decide", case_id, "--conduct", "--rationale", "r", "--date", "2026-11-11")
    cli.ok("decide", case_id, "--chair", "--conduct", "--basis", "mandatory", "--rationale", "r",
           "--date", "2026-11-12")
    assert cli.ok("validate").code == 0


def test_a_reopened_closed_case_misses_no_clock_it_had_moved_on_from(cli: Cli, store: Path, tmp_path: Path) -> None:
    # The model: the chronologies asked for on 12 Nov 2026 (due 10 Dec) were not missed, as the
    # review moved on to its report on 18 Nov; once the closed case was reopened they showed as
    # missed, counted up to the reopening: the same deadline, stopped where it stopped in this cycle.
    case_id = to_closed(cli, store, "sar", tmp_path)
    cli.ok("--as-of", "2027-01-10", "close", case_id, "--reason", "done", "--date", "2026-12-20")
    before = json.loads(cli.ok("--as-of", "2027-01-10", "show", case_id, "--format", "json").out)["deadlines"]
    cli.ok("--as-of", "2027-01-10", "reopen", case_id, "--to", "monitoring", "--reason", "new information",
           "--date", "2027-01-05")
    after = json.loads(cli.ok("--as-of", "2027-01-10", "show", case_id, "--format", "json").out)["deadlines"]
    assert not [d for d in after if d["name"] == "chronology-return"]
    assert [d for d in after if d["late"]] == [d for d in before if d["late"]]
    # What the reopening sets running again runs: the action still open, in monitoring.
    assert sorted((d["item"], d["cycle"], d["status"]) for d in after if d["name"] == "action") == [
        ("A1", 0, "met"), ("A2", 0, "open")]
