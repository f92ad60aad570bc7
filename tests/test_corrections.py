"""Corrections with an audit trail, report revisions, withdrawals, reopenings, changes of type."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import (
    PARTNERS,
    REFUSED,
    REPORT,
    USAGE,
    Cli,
    git,
    load,
    refer,
    refused_cleanly,
    stage,
    to_closed,
    to_jcrg_agreed,
    to_setup,
)


def show(cli: Cli, case_id: str, *extra: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok(*extra, "show", case_id, "--format", "json").out)  # type: ignore[no-any-return]


def to_scoping(cli: Cli, case_type: str = "lcspr") -> str:
    case_id = refer(cli, case_type)
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    return case_id


def clock(view: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(d for d in view["deadlines"] if d["name"] == name)


# -- amend -------------------------------------------------------------------------------

def test_amend_keeps_the_old_value_and_the_clocks_follow(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli)
    cli.ok("scope", case_id, "--notified", "2026-11-10", "--date", "2026-11-10")
    before = show(cli, case_id)
    assert clock(before, "si-notification")["late"] is True  # 5 working days from 2 Nov is 9 Nov
    # The rapid review counts from awareness (Mon 2 Nov, the day it was referred): Mon 23 Nov.
    assert clock(before, "rapid-review")["due"] == "2026-11-23"
    cli.ok("amend", case_id, "scoping.notified", "2026-11-06", "--reason", "Typed from the wrong letter")
    after = show(cli, case_id)
    assert after["scoping"]["notified"] == "2026-11-06"
    assert clock(after, "si-notification")["late"] is False
    assert clock(after, "rapid-review")["due"] == "2026-11-23"  # not from the notification
    entry = after["history"][-1]
    assert {k: entry[k] for k in ("step", "field", "old", "new", "reason", "by", "from", "to")} == {
        "step": "amend", "field": "scoping.notified", "old": "2026-11-10", "new": "2026-11-06",
        "reason": "Typed from the wrong letter", "by": "Test Business Unit", "from": "scoping", "to": "scoping"}
    subject = git(store, "log", "-1", "--format=%s").strip()
    assert subject == f"{case_id}: amend (scoping.notified)"  # no values, no reason in the commit
    # The council was aware before the referral reached the business unit: Fri 30 Oct + 15
    # working days (2-6, 9-13, 16-20 Nov) is Fri 20 Nov.
    cli.ok("amend", case_id, "case.aware", "2026-10-30", "--reason", "The police told the council on the Friday")
    assert clock(show(cli, case_id), "rapid-review")["due"] == "2026-11-20"
    assert cli.ok("validate").code == 0


def test_amend_text_and_list_entries_in_an_ended_case(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed(cli, store, "sar", tmp_path)
    cli.ok("close", case_id, "--reason", "Superseded", "--date", "2026-11-20")
    cli.ok("amend", case_id, "case.subject", "Adult Y", "--reason", "Pseudonym agreed with the family")
    cli.ok("amend", case_id, "setup.chronology_requests.Health.requested", "2026-11-13", "--reason", "Sent a day late")
    view = show(cli, case_id)
    assert view["stage"] == "closed" and view["subject"] == "Adult Y"
    assert view["setup"]["chronology_requests"][1]["requested"] == "2026-11-13"
    assert view["history"][-1]["field"] == "setup.chronology_requests.2.requested"
    assert "Adult Y" not in git(store, "log", "-2", "--format=%B")
    assert cli.ok("validate").code == 0


def test_a_second_recording_is_refused_with_a_hint_to_amend(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli)
    cli.ok("scope", case_id, "--notified", "2026-11-03")
    err = refused_cleanly(cli, store, REFUSED, "scope", case_id, "--notified", "2026-11-04")
    assert "scoping.notified is already recorded (2026-11-03)" in err
    assert f"reviewctl amend {case_id} scoping.notified VALUE --reason TEXT" in err


def test_a_second_summary_at_triage_is_refused_too(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "sar")
    err = refused_cleanly(cli, store, REFUSED, "triage", case_id, "--accept", "--reason", "r",
                          "--summary", "Another summary")
    assert "case.summary is already recorded" in err and "Another" not in err


def test_amend_bad_input(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli)
    cli.ok("scope", case_id, "--notified", "2026-11-04", "--rapid-review-sent", "2026-11-10", "--request", "Police")
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notifed", "2026-11-05", "--reason", "r")
    assert "scoping.notifed is not a field" in err and "notified" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "nowhere.key", "x", "--reason", "r")
    assert "not a field" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notified", "next week", "--reason", "r")
    assert "scoping.notified is a date" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notified", "2026-11-12", "--reason", "r")
    assert "scoping.rapid_review_sent 2026-11-10 would be before scoping.notified (2026-11-12)" in err
    cli.ok("scope", case_id, "--done", "--date", "2026-11-10")
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.rapid_review_sent", "2026-11-11",
                          "--reason", "r")
    assert "scoping.rapid_review_sent 2026-11-11 would be after the step 'scope-done' of 2026-11-10" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.received", "2026-11-05", "--reason", "r")
    assert "case.received 2026-11-05 would be after the step 'refer' of 2026-11-02" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notified", "2026-10-30", "--reason", "r")
    assert "before the referral was received" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notified", "2026-12-01", "--reason", "r")
    assert "after today" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notified", "2026-11-04", "--reason", "r")
    assert "already 2026-11-04; nothing to correct" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.notified", "2026-11-05", "--reason", "  ")
    assert "--reason is required" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.stage", "decision", "--reason", "r")
    assert "cannot be amended" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.type", "sar", "--reason", "r")
    assert "retype" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.agencies", "Health", "--reason", "r")
    assert "list or a record" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.triage.outcome", "no-further-action",
                          "--reason", "r")
    assert "reopen the case and decide again" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "case.triage.date", "2026-11-31", "--reason", "r")
    assert "is a date" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.requests.9.returned", "2026-11-05",
                          "--reason", "r")
    assert "no entry of scoping.requests" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "scoping.requests.Police.requested", "2026-11-01",
                          "--reason", "r")
    assert "scoping.requests.1.requested 2026-11-01 is before the referral was received" in err
    err = refused_cleanly(cli, store, REFUSED, "amend", case_id, "case.incident_date", "2026-11-01", "--reason", "r")
    assert "nothing is recorded at case.incident_date" in err


# -- report revisions --------------------------------------------------------------------

def test_a_revision_after_approval_sends_the_case_back(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role)
    assert stage(store, case_id) == "approved"
    revised = tmp_path / "revised.md"
    revised.write_text(REPORT + "\nA paragraph the QA panel asked for.\n")
    cli.ok("report", case_id, "--file", str(revised), "--revision", "--reason", "QA panel asked for changes")
    view = show(cli, case_id)
    assert view["stage"] == "report"
    assert view["history"][-1]["step"] == "revise" and view["history"][-1]["reason"] == "QA panel asked for changes"
    assert [a["counts"] for a in view["approval_status"]] == [False, False]
    assert "revised (version 2)" in view["approval_status"][0]["note"]
    assert "no longer counts" in cli.ok("show", case_id).out
    verify = json.loads(cli("verify", case_id, "--format", "json").out)  # exit 1: nothing counts
    assert {c["status"] for c in verify if c["role"] == "sscp"} == {"superseded", "missing"}
    assert cli.ok("validate").code == 0
    plan = tmp_path / "plan.md"
    cli.ok("report", case_id, "--agreed")
    refused = cli("approve", case_id, "--role", "sscp")
    assert refused.code == REFUSED
    cli.ok("jcrg", case_id, "--final-report", "2", "--comms-plan", str(plan), "--action", "a",
           "--owner", "Council", "--due", "2027-01-01", "--measure", "m")
    cli.ok("approve", case_id, "--role", "sscp")
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert stage(store, case_id) == "approved"
    assert cli.ok("validate").code == 0


def test_revision_bad_input(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    same = tmp_path / "same.md"
    same.write_text(REPORT)
    err = refused_cleanly(cli, store, REFUSED, "report", case_id, "--file", str(same), "--revision", "--reason", "r")
    assert "same text as version 1" in err
    err = refused_cleanly(cli, store, USAGE, "report", case_id, "--file", str(same), "--revision")
    assert "--reason is required" in err
    err = refused_cleanly(cli, store, USAGE, "report", case_id, "--agreed", "--revision", "--reason", "r")
    assert "go with --file" in err
    other = to_setup(cli, "sar")
    err = refused_cleanly(cli, store, REFUSED, "report", other, "--file", str(same), "--revision", "--reason", "r")
    assert "--revision is for a report the JCRG agreed" in err


# -- withdraw, reopen --------------------------------------------------------------------

def test_withdraw_and_reopen(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli, "sar")
    cli.ok("withdraw", case_id, "--reason", "A duplicate of another referral")
    view = show(cli, case_id)
    assert view["stage"] == "withdrawn" and view["history"][-1]["reason"] == "A duplicate of another referral"
    cli.ok("reopen", case_id, "--to", "referred", "--reason", "Not a duplicate after all")
    assert stage(store, case_id) == "referred"
    assert load(store / "cases" / case_id / "case.yaml")["history"][-1]["step"] == "reopen"
    assert cli.ok("validate").code == 0


def test_reopen_a_decision_not_to_conduct_and_decide_again(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli, "dhr")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "criteria not met", "--date", "2026-11-05")
    cli.ok("decide", case_id, "--chair", "--not-conduct", "--rationale", "agreed", "--learning-to", "L&D group",
           "--date", "2026-11-06")
    assert stage(store, case_id) == "not-conducted"
    cli.ok("reopen", case_id, "--to", "decision", "--reason", "The Home Office QA panel challenged the decision")
    cli.ok("decide", case_id, "--conduct", "--rationale", "new information", "--date", "2026-11-20")
    cli.ok("decide", case_id, "--chair", "--conduct", "--rationale", "agreed", "--date", "2026-11-20")
    assert stage(store, case_id) == "setup"
    assert cli.ok("validate").code == 0


def test_reopen_a_closed_case(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed(cli, store, "lcspr", tmp_path)
    cli.ok("close", case_id, "--reason", "Superseded", "--date", "2026-11-20")
    cli.ok("reopen", case_id, "--to", "monitoring", "--reason", "Evidence the action did not hold")
    assert stage(store, case_id) == "monitoring"
    assert cli.ok("validate").code == 0


def test_withdraw_and_reopen_bad_input(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "lcspr")
    err = refused_cleanly(cli, store, REFUSED, "withdraw", case_id, "--reason", "r")
    assert "only before the decision to conduct" in err and "setup" in err
    err = refused_cleanly(cli, store, USAGE, "withdraw", case_id, "--reason", " ")
    assert "--reason is required" in err
    err = refused_cleanly(cli, store, REFUSED, "reopen", case_id, "--to", "referred", "--reason", "r")
    assert "has not ended" in err
    ended = refer(cli, "sar")
    cli.ok("triage", ended, "--no-further-action", "--reason", "not a safeguarding matter")
    err = refused_cleanly(cli, store, USAGE, "reopen", ended, "--to", "setup", "--reason", "r")
    assert "is not a re-entry point" in err and "re-entry points: referred" in err
    err = refused_cleanly(cli, store, USAGE, "reopen", ended, "--to", "nowhere", "--reason", "r")
    assert "names no stage" in err and "nowhere" not in err
    err = refused_cleanly(cli, store, USAGE, "reopen", ended, "--to", "referred")
    assert "--reason is required" in err


# -- change of type ----------------------------------------------------------------------

def test_an_unknown_case_cannot_become_lcspr_without_the_rapid_review(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli, "unknown")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    err = refused_cleanly(cli, store, REFUSED, "decide", case_id, "--type", "lcspr", "--conduct",
                          "--rationale", "criteria met", "--date", "2026-11-05")
    assert "serious incident notification" in err and "rapid review" in err
    cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-05", "--date", "2026-11-05")
    cli.ok("decide", case_id, "--type", "lcspr", "--conduct", "--rationale", "criteria met", *PARTNERS,
           "--date", "2026-11-05")
    assert stage(store, case_id) == "setup"
    assert cli.ok("validate").code == 0


def test_retype(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli, "sar")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    err = refused_cleanly(cli, store, REFUSED, "retype", case_id, "--type", "lcspr", "--reason", "a child died")
    assert "serious incident notification" in err
    err = refused_cleanly(cli, store, REFUSED, "triage", case_id, "--accept", "--reason", "r", "--type", "lcspr")
    cli.ok("retype", case_id, "--type", "dhr", "--reason", "The police confirmed a domestic homicide")
    view = show(cli, case_id)
    assert view["type"] == "dhr" and view["history"][-1]["step"] == "retype"
    assert view["history"][-1]["reason"] == "The police confirmed a domestic homicide"
    err = refused_cleanly(cli, store, USAGE, "retype", case_id, "--type", "xyz", "--reason", "r")
    assert "is not a review type" in err
    err = refused_cleanly(cli, store, USAGE, "retype", case_id, "--type", "dhr", "--reason", "r")
    assert "already of type 'dhr'" in err
    err = refused_cleanly(cli, store, USAGE, "retype", case_id, "--type", "unknown", "--reason", "r")
    assert "give the type it should be" in err
    err = refused_cleanly(cli, store, USAGE, "retype", case_id, "--type", "sar", "--reason", "")
    assert "--reason is required" in err
    assert cli.ok("validate").code == 0


def test_a_case_past_the_chair_cannot_become_lcspr(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli, "sar")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("decide", case_id, "--conduct", "--rationale", "met", "--date", "2026-11-05")
    err = refused_cleanly(cli, store, REFUSED, "retype", case_id, "--type", "lcspr", "--reason", "r")
    assert "cannot take the step 'decide-conduct' from 'decision' to 'awaiting-chair'" in err


def test_validate_catches_a_change_of_type_made_by_hand(cli: Cli, store: Path) -> None:
    case_id = to_scoping(cli, "sar")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    path = store / "cases" / case_id / "case.yaml"
    text = path.read_text().replace("type: sar\n", "type: lcspr\n", 1)
    lines = text.split("\ntriage:")  # the history comes before the triage record
    entry = ("  - step: retype\n    date: 2026-11-05\n    from: decision\n    to: decision\n"
             "    by: Someone\n    recorded: 2026-11-05\n    type: lcspr\n    reason: by hand\n")
    path.write_text(lines[0] + "\n" + entry.rstrip("\n") + "\ntriage:" + lines[1])
    git(store, "commit", "-qam", "by hand")
    result = cli("validate")
    assert result.code == 3 and "'lcspr' cannot stand here" in result.out + result.err
    assert "serious incident notification" in result.out + result.err
