"""Statutory fidelity, second round (issue 21): where the clocks start, what they are worth,
and how late is said.  Every date is worked by hand in the comments on the England and Wales
calendar: Christmas 2026 has Fri 25 Dec, Boxing Day on Saturday 26 Dec with its substitute
Mon 28 Dec, and Fri 1 Jan 2027 as bank holidays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import INVALID, REFUSED, USAGE, Cli, git, load, refer, refused_cleanly, to_in_review
from ruamel.yaml import YAML

from reviewctl.core.store.folder import DEFAULT_WORKFLOW


@pytest.fixture(autouse=True)
def _in_the_new_year(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TODAY", "2027-01-20")


def clocks(cli: Cli, case_id: str, *before: str) -> dict[str, dict]:  # type: ignore[type-arg]
    view = json.loads(cli.ok(*before, "show", case_id, "--format", "json").out)
    return {d["name"]: d for d in view["deadlines"] if d["item"] is None}


def child(cli: Cli, aware: str, *extra: str) -> str:
    case_id = cli.ok("refer", "--type", "lcspr", "--subject", "Child K", "--referrer", "Fictional Academy DSL",
                     "--received", aware, "--aware", aware, "--summary", "Fictional", "--agency", "Police",
                     *extra).out.strip()
    cli.ok("triage", case_id, "--accept", "--reason", "Notifiable", "--date", aware)
    return case_id


def setting(store: Path, line: str) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + line + "\n")
    git(store, "commit", "-qam", "a store setting")


# -- 1. the rapid review counts from awareness ---------------------------------------

def test_the_rapid_review_counts_from_awareness_by_default(cli: Cli, store: Path) -> None:
    case_id = child(cli, "2026-12-22")
    # Aware Tue 22 Dec 2026, + 15 working days: 23, 24, 29, 30, 31 Dec (5; Fri 25 and Mon 28
    # Dec are bank holidays), 4-8 Jan (10; Fri 1 Jan is a bank holiday), 11-15 Jan (15):
    # Fri 15 Jan 2027, though the notification came two days later.
    cli.ok("scope", case_id, "--notified", "2026-12-24", "--date", "2026-12-24")
    rapid = clocks(cli, case_id)["rapid-review"]
    assert (rapid["start"], rapid["due"], rapid["standing"]) == ("2026-12-22", "2027-01-15", "statutory guidance")
    # From the notification (a store's choice): Thu 24 Dec + 15 working days: 29, 30, 31 Dec
    # (3), 4-8 Jan (8), 11-15 Jan (13), Mon 18, Tue 19 Jan (15).
    setting(store, "clock_starts: {rapid-review: scoping.notified}")
    rapid = clocks(cli, case_id)["rapid-review"]
    assert (rapid["start"], rapid["due"]) == ("2026-12-24", "2027-01-19")


# -- 2. a DHR's month runs from the police notice to the partnership ------------------

def test_refer_aware_means_the_police_notice_for_a_dhr(cli: Cli, store: Path) -> None:
    # The option's help says what the date is for each type (read past the help's frame).
    shown = " ".join(w for w in cli.ok("refer", "--help").out.split() if w != "│")
    for words in ("lcspr: the local authority", "sar: the Safeguarding Adults Board",
                  "dhr: the police notified the Community Safety Partnership"):
        assert words in shown
    case_id = cli.ok("refer", "--type", "dhr", "--subject", "Adult L", "--referrer", "Fictional Police",
                     "--received", "2026-11-02", "--aware", "2026-10-29", "--summary", "Fictional",
                     "--agency", "Police", "--date", "2026-11-02").out.strip()
    # Told on Thu 29 Oct 2026: one month is Sun 29 Nov, which the deadline says.
    decision = clocks(cli, case_id, "--as-of", "2026-11-20")["dhr-decision"]
    assert (decision["start"], decision["due"]) == ("2026-10-29", "2026-11-29")
    assert decision["note"] == "falls on Sunday, not a working day"
    assert "2026-10-29 (the police notified the Community Safety Partnership of the death)" in cli.ok(
        "--as-of", "2026-11-20", "show", case_id).out


def test_an_adult_review_that_becomes_a_dhr_counts_from_the_police_notice(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "sar", "--aware", "2026-11-02")  # the Board, Mon 2 Nov 2026
    cli.ok("triage", case_id, "--accept", "--reason", "Criteria met", "--date", "2026-11-03")
    err = refused_cleanly(cli, store, USAGE, "retype", case_id, "--type", "dhr", "--aware", "2026-11-26",
                          "--reason", "r", "--date", "2026-11-25")
    assert "--aware 2026-11-26 is after the change of type (2026-11-25)" in err
    err = refused_cleanly(cli, store, USAGE, "retype", case_id, "--type", "dhr", "--aware", "2026-11-31",
                          "--reason", "r", "--date", "2026-11-25")
    assert "--aware" in err
    cli.ok("retype", case_id, "--type", "dhr", "--aware", "2026-11-25",
           "--reason", "The police notified the partnership of a domestic homicide", "--date", "2026-11-25")
    case = load(store / "cases" / case_id / "case.yaml")
    assert str(case["aware"]) == "2026-11-25"
    entry = case["history"][-1]
    assert (entry["step"], entry["field"], str(entry["old"]), str(entry["new"])) == (
        "retype", "case.aware", "2026-11-02", "2026-11-25")
    # Wed 25 Nov 2026 + one month is Fri 25 Dec, Christmas Day: the deadline says so ...
    decision = clocks(cli, case_id, "--as-of", "2026-11-30")["dhr-decision"]
    assert (decision["start"], decision["due"]) == ("2026-11-25", "2026-12-25")
    assert decision["note"] == "falls on a bank holiday, not a working day"
    # ... and a store moves it back to Thu 24 Dec, or on past Boxing Day's substitute
    # (Mon 28 Dec) to Tue 29 Dec.
    setting(store, "month_end: previous-working-day")
    moved = clocks(cli, case_id, "--as-of", "2026-11-30")["dhr-decision"]
    assert (moved["original_due"], moved["due"]) == ("2026-12-24", "2026-12-24")
    assert "moved back to the previous working day" in moved["note"]
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("previous-working-day", "next-working-day"))
    git(store, "commit", "-qam", "on, not back")
    assert clocks(cli, case_id, "--as-of", "2026-11-30")["dhr-decision"]["due"] == "2026-12-29"
    assert cli.ok("validate").code == 0


def test_a_month_end_setting_outside_the_three_is_invalid(cli: Cli, store: Path) -> None:
    setting(store, "month_end: nearest-working-day")
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "month_end" in err and "previous-working-day" in err


# -- 6. a table says what JSON says -----------------------------------------------------

def test_the_why_column_says_a_month_clock_falls_on_sunday(cli: Cli, store: Path) -> None:
    case_id = cli.ok("refer", "--type", "dhr", "--subject", "Adult L", "--referrer", "Fictional Police",
                     "--received", "2026-11-02", "--aware", "2026-10-29", "--summary", "Fictional",
                     "--agency", "Police", "--date", "2026-11-02").out.strip()
    # Due Sun 29 Nov 2026 (one month from Thu 29 Oct), as the JSON says of it.
    for out in (cli.ok("--as-of", "2026-11-20", "show", case_id).out,
                cli.ok("--as-of", "2026-11-20", "due").out,
                cli.ok("--as-of", "2026-11-20", "due", "--format", "csv").out):
        row = next(line for line in out.splitlines() if "2026-11-29" in line)
        assert "falls on Sunday, not a working day" in row
    (due,) = json.loads(cli.ok("--as-of", "2026-11-20", "due", "--format", "json").out)
    assert (due["why"], due["note"]) == (None, "falls on Sunday, not a working day")
    # Moved back: Fri 27 Nov, and the table says from where.
    setting(store, "month_end: previous-working-day")
    row = next(line for line in cli.ok("--as-of", "2026-11-20", "due").out.splitlines() if case_id in line)
    assert "2026-11-27" in row and "the month ended on 2026-11-29 (Sunday)" in row


# -- 3. a looked-after child: Ofsted and the Secretary of State ----------------------------

def test_a_looked_after_child_needs_ofsted_and_the_secretary_of_state_told(cli: Cli, store: Path) -> None:
    case_id = child(cli, "2026-12-22", "--set", "care=looked after")
    # Aware Tue 22 Dec + 5 working days: 23, 24, 29, 30, 31 Dec (25 and 28 Dec are bank
    # holidays): Thu 31 Dec 2026.
    told = clocks(cli, case_id, "--as-of", "2026-12-23")["ofsted-dfe-notification"]
    assert (told["start"], told["due"], told["status"]) == ("2026-12-22", "2026-12-31", "open")
    cli.ok("scope", case_id, "--notified", "2026-12-23", "--rapid-review-sent", "2027-01-08", "--date", "2027-01-08")
    err = refused_cleanly(cli, store, REFUSED, "scope", case_id, "--done", "--date", "2027-01-08")
    assert "reviewctl scope ID --ofsted-dfe DATE" in err and "looked after" in err
    # A reason for not telling them is no notification of a looked-after child.
    cli.ok("scope", case_id, "--ofsted-dfe-not-made", "Thought it was the Panel's to do", "--date", "2027-01-08")
    refused_cleanly(cli, store, REFUSED, "scope", case_id, "--done", "--date", "2027-01-08")
    cli.ok("amend", case_id, "scoping.ofsted_dfe.made", "yes", "--reason", "It was made", "--date", "2027-01-08")
    cli.ok("scope", case_id, "--ofsted-dfe", "2027-01-04", "--date", "2027-01-08")
    cli.ok("scope", case_id, "--done", "--date", "2027-01-08")
    # Told on Mon 4 Jan 2027: Thu 31 Dec was the due date, then Mon 4 Jan (Fri 1 Jan is a bank
    # holiday) is one working day late, four calendar days.
    told = clocks(cli, case_id)["ofsted-dfe-notification"]
    assert (told["status"], told["late_by"], told["days_late"]) == ("met-late", "1 working day", 4)
    assert cli.ok("validate").code == 0


def test_a_child_known_to_be_looked_after_later_gets_the_clock_then(cli: Cli, store: Path) -> None:
    case_id = child(cli, "2026-12-22")
    assert "ofsted-dfe-notification" not in clocks(cli, case_id)
    cli.ok("scope", case_id, "--notified", "2026-12-23", "--rapid-review-sent", "2027-01-08", "--done",
           "--date", "2027-01-08")
    # Found to have been looked after once scoping was over: the clock shows it missed, and the
    # notification can still be recorded whatever the stage; the step already taken stands.
    cli.ok("subject", case_id, "--set", "care=looked after", "--date", "2027-01-11")
    assert clocks(cli, case_id)["ofsted-dfe-notification"]["status"] == "overdue"
    assert cli.ok("validate").code == 0
    cli.ok("scope", case_id, "--ofsted-dfe", "2027-01-11", "--date", "2027-01-11")
    # Thu 31 Dec + 4, 5, 6, 7, 8, 11 Jan: six working days late.
    assert clocks(cli, case_id)["ofsted-dfe-notification"]["late_by"] == "6 working days"


# -- 9. each clock's standing -------------------------------------------------------------

def test_each_clock_says_how_binding_it_is(cli: Cli, store: Path) -> None:
    flow = YAML(typ="safe").load(DEFAULT_WORKFLOW.read_text())
    standings = {c["id"]: c["standing"] for c in flow["clocks"]}
    assert standings["si-notification"] == "statutory"
    assert standings["review-publication"] == "national expectation"  # not a statutory limit
    assert standings["dhr-decision"] == standings["review-completion"] == "statutory guidance"
    assert standings["agency-reply"] == standings["publication-notice"] == "local practice"
    assert all(c.get("source") for c in flow["clocks"])
    source = next(c["source"] for c in flow["clocks"] if c["id"] == "review-publication")
    assert "SI 2018/789 reg.14" in source
    case_id = child(cli, "2026-12-22")
    listed = json.loads(cli.ok("clock", "list", case_id, "--format", "json").out)
    assert {c["clock"]: c["standing"] for c in listed}["review-publication"] == "national expectation"
    table = cli.ok("clock", "list", case_id).out
    assert "standing" in table.splitlines()[1] and "statutory guidance" in table
    assert "statutory" in cli.ok("show", case_id).out.split("Deadlines")[1]


def test_a_standing_outside_the_four_is_invalid(cli: Cli, store: Path) -> None:
    flow = YAML(typ="safe").load(DEFAULT_WORKFLOW.read_text())
    flow["clocks"][0]["standing"] = "Working Together 2023 ch.5"
    with (store / "flow.yaml").open("w") as handle:
        YAML(typ="safe").dump(flow, handle)
    setting(store, "workflow: flow.yaml")
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "flow.yaml:" in err and "clocks[0].standing" in err and "national expectation" in err


# -- 10. lateness in the clock's own unit ---------------------------------------------------

def test_late_by_one_working_day_over_a_weekend(cli: Cli, store: Path) -> None:
    case_id = child(cli, "2026-11-13")
    # Aware Fri 13 Nov 2026 + 5 working days: Fri 20 Nov.  Notified Mon 23 Nov: one working
    # day late (three calendar days).
    cli.ok("scope", case_id, "--notified", "2026-11-23", "--date", "2026-11-23")
    notice = clocks(cli, case_id)["si-notification"]
    assert (notice["due"], notice["status"], notice["late_by"], notice["days_late"]) == (
        "2026-11-20", "met-late", "1 working day", 3)
    assert "met-late (1 working day late)" in cli.ok("show", case_id).out
    story = {c["clock"]: c for c in json.loads(cli.ok("clock", "list", case_id, "--format", "json").out)}
    assert story["si-notification"]["story"][-1]["event"] == "met (1 working day late)"
    assert "days late" not in cli.ok("clock", "list", case_id).out


def test_one_day_late_is_one_day(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "sar", tmp_path)  # milestone "Panel 1" due Tue 1 Dec 2026
    cli.ok("milestone", case_id, "Panel 1", "--date", "2026-12-02")
    milestone = next(d for d in json.loads(cli.ok("show", case_id, "--format", "json").out)["deadlines"]
                     if d["name"] == "milestone" and d["item"] == "Panel 1")
    assert (milestone["late_by"], milestone["days_late"]) == ("1 day", 1)
    assert "(1 day late)" in cli.ok("show", case_id).out and "1 days" not in cli.ok("show", case_id).out


def test_the_site_shows_each_clocks_standing_and_lateness(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = child(cli, "2026-11-13")
    cli.ok("scope", case_id, "--notified", "2026-11-23", "--date", "2026-11-23")  # due Fri 20 Nov: Mon is 1 late
    cli.ok("site", str(tmp_path / "site"))
    page = (tmp_path / "site" / "cases" / f"{case_id}.html").read_text()
    assert '<th scope="col">Standing</th>' in page
    assert '<td data-label="Standing">statutory</td>' in page
    assert '<td data-label="Standing">statutory guidance</td>' in page
    assert "1 working day late" in page and "days late" not in page


def test_bad_subject_details_and_conditions_are_refused(cli: Cli, store: Path) -> None:
    err = refused_cleanly(cli, store, USAGE, "refer", "--type", "lcspr", "--subject", "Child K", "--referrer", "R",
                          "--received", "2026-12-22", "--set", "care=looked-after-ish")
    assert "--set care" in err and "looked after" in err
    err = refused_cleanly(cli, store, USAGE, "refer", "--type", "lcspr", "--subject", "Child K", "--referrer", "R",
                          "--received", "2026-12-22", "--set", "carer=looked after")
    assert "fields: age_band" in err
    flow = YAML(typ="safe").load(DEFAULT_WORKFLOW.read_text())
    clock = next(c for c in flow["clocks"] if c["id"] == "ofsted-dfe-notification")
    clock["when"] = {"field": "care", "equals": "looked after"}  # no document named
    with (store / "flow.yaml").open("w") as handle:
        YAML(typ="safe").dump(flow, handle)
    setting(store, "workflow: flow.yaml")
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "flow.yaml:" in err and ".when" in err and "<document>.<key>" in err


def test_a_date_set_where_none_was_reads_as_not_recorded_never_none(cli: Cli, store: Path) -> None:
    """A referral with no --aware that becomes a DHR: the history and the clock say the date was
    not recorded before, never "None" (what a business manager would read as a value)."""
    case_id = refer(cli, "sar")
    cli.ok("triage", case_id, "--accept", "--reason", "Criteria met", "--date", "2026-11-03")
    cli.ok("retype", case_id, "--type", "dhr", "--aware", "2026-11-25",
           "--reason", "The police notified the partnership of a domestic homicide", "--date", "2026-11-25")
    for shown in (cli.ok("--as-of", "2026-11-30", "show", case_id).out,
                  cli.ok("--as-of", "2026-11-30", "clock", "list", case_id).out):
        assert "case.aware (not recorded) -> 2026-11-25" in shown or \
            "case.aware: (not recorded) -> 2026-11-25" in shown, shown
        assert "None" not in shown
