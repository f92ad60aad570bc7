"""The history is the truth (issue 18): corrections, derived dates, reopenings, a publication
that publishes nothing and an imported caseload come out as the history says, on a real store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    PARTNERS,
    REPORT,
    TICK_ALL,
    USAGE,
    Cli,
    git,
    load,
    refer,
    refused_cleanly,
    stage,
    to_closed,
    to_jcrg_agreed,
)
from ruamel.yaml import YAML

from reviewctl.core.store.folder import DEFAULT_WORKFLOW


def show(cli: Cli, case_id: str, *extra: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok("show", case_id, "--format", "json", *extra).out)  # type: ignore[no-any-return]


def clock(view: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(d for d in view["deadlines"] if d["name"] == name)


# -- a correction holds back no later step -------------------------------------------------

def test_a_correction_does_not_block_the_steps_recorded_after_it(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    # Dated today (20 Nov): a business unit catching up its records corrects a typo first...
    cli.ok("amend", case_id, "case.summary", "Fictional summary, corrected", "--reason", "typo")
    # ... and goes on recording what happened before it, with the real dates.
    cli.ok("scope", case_id, "--done", "--date", "2026-11-10")
    cli.ok("decide", case_id, "--conduct", "--rationale", "criteria met", "--date", "2026-11-11")
    history = load(store / "cases" / case_id / "case.yaml")["history"]
    assert [(h["step"], str(h["date"])) for h in history] == [
        ("refer", "2026-11-02"), ("triage-accept", "2026-11-03"), ("amend", "2026-11-20"),
        ("scope-done", "2026-11-10"), ("decide-conduct", "2026-11-11")]
    assert stage(store, case_id) == "awaiting-chair"
    assert cli.ok("validate").code == 0
    # The steps that move the case are still in the order they happened.
    err = cli("decide", case_id, "--chair", "--conduct", "--rationale", "agreed", "--date", "2026-11-10").err
    assert "before the last step (decide-conduct on 2026-11-11)" in err


# -- a correction moves every date worked out from it ------------------------------------------

def referred(cli: Cli, case_type: str, received: str = "2026-03-02") -> str:
    return cli.ok("refer", "--type", case_type, "--subject", "Adult Z", "--referrer", "Fictional Police",
                  "--received", received, "--aware", received, "--summary", "Fictional summary for tests",
                  "--agency", "Police").out.strip()


def decided(cli: Cli, case_type: str, conduct: bool = True, day: str = "2026-03-12") -> str:
    """A case whose final decision was made on `day` (sar, dhr: the chair's; the meeting's a day before)."""
    case_id = referred(cli, case_type)
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-03-03")
    if case_type == "lcspr":
        cli.ok("scope", case_id, "--notified", "2026-03-03", "--rapid-review-sent", "2026-03-05",
               "--date", "2026-03-05")
    cli.ok("scope", case_id, "--done", "--date", "2026-03-06")
    how = "--conduct" if conduct else "--not-conduct"
    extra = [*PARTNERS] if case_type == "lcspr" else ["--basis", "mandatory"] if case_type == "sar" and conduct else []
    if case_type == "lcspr":
        extra += [] if conduct else ["--learning-to", "L&D group"]
        cli.ok("decide", case_id, how, "--rationale", "r", *extra, "--date", day)
        return case_id
    cli.ok("decide", case_id, how, "--rationale", "r", *extra, "--date", "2026-03-11")
    learning = [] if conduct else ["--learning-to", "L&D group"]
    cli.ok("decide", case_id, "--chair", how, "--rationale", "agreed", *learning, "--date", day)
    return case_id


def test_a_corrected_decision_date_moves_the_review_clock_and_says_why(cli: Cli, store: Path) -> None:
    case_id = decided(cli, "sar")
    assert clock(show(cli, case_id), "review-completion")["start"] == "2026-03-12"
    cli.ok("amend", case_id, "decision.chair.date", "2026-03-20", "--reason", "The chair signed on the 20th")
    view = show(cli, case_id)
    review = clock(view, "review-completion")
    assert (review["start"], review["due"]) == ("2026-03-20", "2026-09-20")
    assert review["moved"] == ("moved by a correction of decision.chair.date 2026-03-12 -> 2026-03-20 on "
                               "2026-11-20 (The chair signed on the 20th)")
    assert view["decision"]["conducted_from"] == "2026-03-20"  # the copy people read follows
    shown = cli.ok("show", case_id).out
    assert "moved by a correction of decision.chair.date 2026-03-12 -> 2026-03-20" in shown
    story = json.loads(cli.ok("clock", "list", case_id, "--format", "json").out)
    events = next(c for c in story if c["clock"] == "review-completion")["story"]
    assert {"date": "2026-11-20", "due": "2026-09-20", "event": review["moved"]} in events
    # The figures count the decision on its corrected date.
    figures = json.loads(cli.ok("stats", "--from", "2026-03-13", "--to", "2026-03-31", "--format", "json").out)
    assert figures["decisions"] == {"conduct": 1, "not-conduct": 0}
    assert cli.ok("validate").code == 0


def test_a_corrected_meeting_date_moves_an_lcspr_review_clock(cli: Cli, store: Path) -> None:
    case_id = decided(cli, "lcspr")
    assert clock(show(cli, case_id), "review-publication")["due"] == "2026-09-12"
    cli.ok("amend", case_id, "decision.meeting_date", "2026-03-09", "--reason", "Minutes give the 9th")
    assert clock(show(cli, case_id), "review-publication")["due"] == "2026-09-09"
    assert load(store / "cases" / case_id / "decision.yaml")["conducted_from"] == date(2026, 3, 9)
    assert cli.ok("validate").code == 0


def test_the_decision_date_is_worked_out_never_typed(cli: Cli, store: Path) -> None:
    case_id = decided(cli, "sar")
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.conducted_from", "2026-03-20",
                          "--reason", "r")
    assert "decision.conducted_from cannot be amended" in err and "decision.chair.date" in err
    # A hand edit of the copy kept for people to read: validate names the file, line, key and both values.
    path = store / "cases" / case_id / "decision.yaml"
    path.write_text(path.read_text().replace("conducted_from: 2026-03-12", "conducted_from: 2026-03-01"))
    git(store, "commit", "-qam", "by hand")
    result = cli("validate")
    assert result.code == INVALID
    line = next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if "conducted_from" in text)
    assert (f"cases/{case_id}/decision.yaml:{line}: conducted_from: 2026-03-01 is not what the history gives "
            "(2026-03-12)") in result.out
    # The clocks never read the copy: they count from the decision.
    assert clock(show(cli, case_id), "review-completion")["start"] == "2026-03-12"
    # Any step writes it again as the history gives it.
    cli.ok("notify", case_id, "--family", "--date", "2026-03-13")
    assert cli.ok("validate").code == 0


# -- a reopening, and every re-entry point ------------------------------------------------------

def test_a_dhr_not_conducted_is_reopened_to_the_chair_and_goes_on(cli: Cli, store: Path) -> None:
    case_id = decided(cli, "dhr", conduct=False, day="2026-03-20")
    cli.ok("notify", case_id, "--national", "--date", "2026-03-23")
    assert "awaiting-chair" in cli.ok("next", case_id).out
    cli.ok("reopen", case_id, "--to", "awaiting-chair", "--reason", "The Home Office challenged the decision",
           "--date", "2026-06-01")
    assert stage(store, case_id) == "awaiting-chair"
    cli.ok("decide", case_id, "--chair", "--conduct", "--rationale", "New information", "--date", "2026-06-08")
    # The Home Office is told of the new decision, as it was told of the first.
    cli.ok("notify", case_id, "--national", "--date", "2026-06-09")
    cli.ok("notify", case_id, "--family", "--date", "2026-06-09")
    cli.ok("chronology", "request", case_id, "--agency", "Police", "--date", "2026-06-09")
    cli.ok("commission", case_id, "--lead-reviewer", "Fictional Reviewer", "--organisation", "Fictional Reviews Ltd",
           "--declare-independent", "--date", "2026-06-10")
    assert stage(store, case_id) == "commissioned"
    deadlines = show(cli, case_id)["deadlines"]
    first, second = (d for d in deadlines if d["name"] == "dhr-decision")
    # The first decision was made within its month and stays met; the new one counts from the reopening.
    assert (first["cycle"], first["status"], first["met_on"]) == (0, "met", "2026-03-20")
    assert (second["cycle"], second["start"], second["status"], second["met_on"]) == (1, "2026-06-01", "met",
                                                                                        "2026-06-08")
    told = [(d["cycle"], d["start"], d["met_on"]) for d in deadlines if d["name"] == "dhr-home-office-decision"]
    assert told == [(0, "2026-03-20", "2026-03-23"), (1, "2026-06-08", "2026-06-09")]
    assert clock(show(cli, case_id), "dhr-submission")["start"] == "2026-06-08"
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert figures["decisions"] == {"conduct": 1, "not-conduct": 1}
    assert figures["reopenings"] == {"count": 1, "decisions_after": 1}
    listed = json.loads(cli.ok("list", "--format", "json").out)[0]
    assert (listed["decision"], listed["decision_date"]) == ("conduct", "2026-06-08")
    assert cli.ok("validate").code == 0


def _ended_at(cli: Cli, store: Path, tmp_path: Path, source: str, case_type: str) -> str:
    """A case of `case_type` that has ended in `source`."""
    if source == "no-further-action":
        case_id = referred(cli, case_type)
        cli.ok("triage", case_id, "--no-further-action", "--reason", "not a safeguarding matter",
               "--date", "2026-03-03")
    elif source == "withdrawn":
        case_id = referred(cli, case_type)
        cli.ok("withdraw", case_id, "--reason", "a duplicate", "--date", "2026-03-03")
    elif source == "not-conducted":
        case_id = decided(cli, case_type, conduct=False)
    elif source == "national-review":
        case_id = referred(cli, case_type)
        cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-03-03")
        cli.ok("national-review", case_id, "--date", "2026-03-05")
    else:
        case_id = to_closed(cli, store, case_type, tmp_path)
        cli.ok("close", case_id, "--reason", "Superseded", "--date", "2026-11-20")
    assert stage(store, case_id) == source
    return case_id


_NEXT = {"referred": ("triage", "--accept", "--reason", "new information"),
         "decision": ("decide", "--conduct", "--rationale", "new information"),
         "awaiting-chair": ("decide", "--chair", "--conduct", "--rationale", "new information"),
         "monitoring": ("close", "--reason", "done again")}


def _reentry_points() -> list[tuple[str, str, str]]:
    flow = YAML(typ="safe").load(DEFAULT_WORKFLOW.read_text())
    return [(t["from"], t["to"], ty) for t in flow["transitions"] if t["step"] == "reopen"
            for ty in t.get("types") or ["lcspr", "sar", "dhr"]]


@pytest.mark.parametrize(("source", "target", "case_type"), _reentry_points())
def test_every_reentry_point_reopens_and_the_case_goes_on(cli: Cli, store: Path, tmp_path: Path,
                                                          source: str, target: str, case_type: str) -> None:
    case_id = _ended_at(cli, store, tmp_path, source, case_type)
    cli.ok("reopen", case_id, "--to", target, "--reason", "new information", "--date", "2026-11-20")
    assert stage(store, case_id) == target
    assert cli.ok("validate").code == 0
    step, *args = _NEXT[target]
    extra = list(PARTNERS) if (step, case_type, target) == ("decide", "lcspr", "decision") else \
        ["--basis", "mandatory"] if step == "decide" and case_type == "sar" else []
    cli.ok(step, case_id, *args, *extra, "--date", "2026-11-20")
    assert stage(store, case_id) != target
    assert cli.ok("validate").code == 0
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert figures["reopenings"]["count"] == 1


def test_a_reopening_to_a_stage_that_is_no_reentry_point_names_those_that_are(cli: Cli, store: Path) -> None:
    case_id = decided(cli, "dhr", conduct=False)
    err = refused_cleanly(cli, store, USAGE, "reopen", case_id, "--to", "setup", "--reason", "r")
    assert "--to is not a re-entry point for a case in 'not-conducted'" in err
    assert "(re-entry points: decision, awaiting-chair)" in err


# -- bad input: a correction that the history cannot hold ------------------------------------

def test_an_amend_the_history_cannot_hold_is_refused_naming_field_and_entry(cli: Cli, store: Path) -> None:
    case_id = decided(cli, "sar")  # meeting's recommendation 11 Mar, chair's decision 12 Mar
    cli.ok("notify", case_id, "--family", "--date", "2026-03-13")
    cli.ok("chronology", "request", case_id, "--agency", "Police", "--date", "2026-03-13")
    cli.ok("commission", case_id, "--lead-reviewer", "Fictional Reviewer", "--organisation", "Fictional Reviews Ltd",
           "--declare-independent", "--date", "2026-03-16")
    # A field the history does not have, or that no record has.
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.chair.when", "2026-03-13", "--reason", "r")
    assert "decision.chair.when is not a field" in err and "date" in err
    err = refused_cleanly(cli, store, 1, "amend", case_id, "setup.national.date", "2026-03-13", "--reason", "r")
    assert "nothing is recorded at setup.national.date" in err
    # A value of the wrong type.
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.chair.date", "the 13th", "--reason", "r")
    assert "decision.chair.date is a date, and the value given is not one" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "setup.family.notified", "perhaps", "--reason", "r")
    assert "setup.family.notified is true or false" in err
    # Out of order: a decision before its referral, before the recommendation, after the next step.
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.chair.date", "2026-02-27", "--reason", "r")
    assert "decision.chair.date 2026-02-27 is before the referral was received (2026-03-02)" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.chair.date", "2026-03-10", "--reason", "r")
    assert "decision.chair.date 2026-03-10 would be before the step 'decide-conduct' of 2026-03-11" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.chair.date", "2026-03-17", "--reason", "r")
    assert "decision.chair.date 2026-03-17 would be after the step 'commission' of 2026-03-16" in err
    err = refused_cleanly(cli, store, USAGE, "amend", case_id, "decision.meeting_date", "2026-03-12", "--reason", "r")
    assert "decision.meeting_date 2026-03-12 would be after the step 'decide-conduct' of 2026-03-11" in err
    cli.ok("amend", case_id, "decision.chair.date", "2026-03-13", "--reason", "the letter's date")
    assert clock(show(cli, case_id), "review-completion")["start"] == "2026-03-13"


# -- a report not published is not recorded as published -------------------------------------

def test_a_sar_not_published_ends_publication_in_its_own_stage(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role)
    cli.ok("publish", case_id, "--route", "not-published", "--reason", "The family asked that it not be published")
    assert stage(store, case_id) == "not-published"
    assert json.loads(cli.ok("list", "--stage", "published", "--format", "json").out) == []
    assert [r["id"] for r in json.loads(cli.ok("list", "--stage", "not-published", "--format", "json").out)] == [
        case_id]
    publication = load(store / "cases" / case_id / "publication.yaml")
    letter = (store / "cases" / case_id / publication["notifications"][0]["document"]).read_text()
    assert "will not publish the review report" in letter and "will publish" not in letter
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert figures["reviews_published"] == 0 and [r["id"] for r in figures["not_published"]] == [case_id]
    cli.ok("monitor", case_id)
    assert stage(store, case_id) == "monitoring"
    assert cli.ok("validate").code == 0


def test_no_publication_letter_to_a_family_whose_notice_was_not_appropriate(cli: Cli, store: Path,
                                                                            tmp_path: Path) -> None:
    case_id = decided(cli, "sar")
    cli.ok("notify", case_id, "--family", "--not-appropriate", "No family could be traced", "--date", "2026-03-13")
    cli.ok("chronology", "request", case_id, "--agency", "Police", "--date", "2026-03-13")
    cli.ok("commission", case_id, "--lead-reviewer", "Fictional Reviewer", "--organisation", "Fictional Reviews Ltd",
           "--declare-independent", "--date", "2026-03-16")
    cli.ok("panel", "add", case_id, "--name", "Panel Member", "--agency", "Police", "--role", "DI",
           "--date", "2026-03-16")
    tor = tmp_path / "tor.md"
    tor.write_text("# Terms of reference\n\nFictional.\n")
    cli.ok("tor", case_id, "--file", str(tor), "--milestone", "Panel 1=2026-04-01", "--date", "2026-03-17")
    cli.ok("checklist", case_id, *TICK_ALL, "--date", "2026-06-01")
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report), "--date", "2026-06-01")
    cli.ok("report", case_id, "--agreed", "--date", "2026-06-02")
    cli.ok("present", case_id, "--date", "2026-06-02")
    cli.ok("jcrg", case_id, "--final-report", "1", "--comms-plan", str(tor), "--action", "a", "--owner", "Council",
           "--due", "2026-12-01", "--measure", "m", "--date", "2026-06-03")
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role, "--date", "2026-06-10")
    cli.ok("publish", case_id, "--where", "https://example.invalid/r", "--date", "2026-06-15")
    assert stage(store, case_id) == "published"
    publication = load(store / "cases" / case_id / "publication.yaml")
    assert publication["notifications"] == []  # nobody to tell: no letter to the family
    assert not list((store / "cases" / case_id / "documents").glob("*publication-notification*"))
    assert cli.ok("validate").code == 0


def test_an_lcspr_notice_says_what_the_route_publishes(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role)
    cli.ok("publish", case_id, "--where", "https://example.invalid/r", "--route", "improvements-only",
           "--reason", "Full publication would identify the siblings", "--notified-on", "2026-11-10")
    for notice in load(store / "cases" / case_id / "publication.yaml")["notifications"]:
        letter = (store / "cases" / case_id / notice["document"]).read_text()
        assert "will publish the information about improvements (not the full report) on" in letter
