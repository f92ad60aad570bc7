"""Statutory fidelity (issue 11): clocks from when the local authority became aware, the
Panel's response, who decides.  Dates are worked by hand around the Christmas bank
holidays of 2026 (Fri 25 Dec; Boxing Day on a Saturday, so Mon 28 Dec; Fri 1 Jan 2027)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import INVALID, PARTNERS, REFUSED, USAGE, Cli, git, load, refused_cleanly


@pytest.fixture(autouse=True)
def _after_christmas(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TODAY", "2027-01-20")


def lcspr(cli: Cli, *extra: str) -> str:
    case_id = cli.ok("refer", "--type", "lcspr", "--subject", "Child Y", "--referrer", "Fictional School DSL",
                     "--received", "2026-12-23", "--incident-date", "2026-12-19", "--summary", "Fictional",
                     "--agency", "Police", *extra).out.strip()
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-12-23")
    return case_id


def deadlines(cli: Cli, case_id: str) -> dict[str, dict]:  # type: ignore[type-arg]
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    return {d["name"]: d for d in view["deadlines"] if d["item"] is None}


def test_notification_clock_runs_from_when_the_council_became_aware(cli: Cli, store: Path) -> None:
    case_id = lcspr(cli, "--aware", "2026-12-21")
    # Mon 21 Dec + 5 working days: 22, 23, 24, (25, 28 bank holidays) 29, 30 -> Wed 30 Dec.
    clock = deadlines(cli, case_id)["si-notification"]
    assert (clock["start"], clock["due"]) == ("2026-12-21", "2026-12-30")
    # The notification was made the day before the referral reached the business unit.
    cli.ok("scope", case_id, "--notified", "2026-12-22", "--date", "2026-12-23")
    clocks = deadlines(cli, case_id)
    assert clocks["si-notification"]["status"] == "met"
    # The rapid review counts from awareness too (issue 21): Mon 21 Dec + 15 working days, over
    # Fri 25 Dec, Mon 28 Dec (Boxing Day's substitute) and Fri 1 Jan -> Thu 14 Jan 2027.
    assert (clocks["rapid-review"]["start"], clocks["rapid-review"]["due"]) == ("2026-12-21", "2027-01-14")


def test_aware_defaults_to_the_received_date(cli: Cli, store: Path) -> None:
    case_id = lcspr(cli)
    # Wed 23 Dec + 5: 24, 29, 30, 31, (1 Jan) 4 Jan.
    assert deadlines(cli, case_id)["si-notification"]["due"] == "2027-01-04"
    assert load(store / "cases" / case_id / "case.yaml")["aware"].isoformat() == "2026-12-23"


def test_rapid_review_from_the_notification_is_a_store_setting(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "clock_starts: {rapid-review: scoping.notified}\n")
    git(store, "commit", "-qam", "rapid review from the notification")
    case_id = lcspr(cli, "--aware", "2026-12-21")
    # Counted from the notification, the clock waits for it (no fallback to the received date).
    assert "rapid-review" not in deadlines(cli, case_id)
    cli.ok("scope", case_id, "--notified", "2026-12-22", "--date", "2026-12-23")
    # Tue 22 Dec + 15 working days, over Fri 25 Dec, Mon 28 Dec (Boxing Day's substitute) and
    # Fri 1 Jan -> Fri 15 Jan 2027: one working day later than from awareness.
    clock = deadlines(cli, case_id)["rapid-review"]
    assert (clock["start"], clock["due"]) == ("2026-12-22", "2027-01-15")


def test_a_clock_start_the_workflow_does_not_offer_is_invalid(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "clock_starts: {rapid-review: case.received}\n")
    git(store, "commit", "-qam", "a start the workflow does not offer")
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "clock_starts.rapid-review" in err and "case.aware, scoping.notified" in err


def test_aware_after_received_and_notified_before_aware_are_refused(cli: Cli, store: Path) -> None:
    err = refused_cleanly(cli, store, USAGE, "refer", "--type", "lcspr", "--subject", "Child Y", "--referrer", "R",
                          "--received", "2026-12-23", "--aware", "2026-12-24")
    assert "--aware 2026-12-24 is after the referral was received" in err
    case_id = lcspr(cli, "--aware", "2026-12-21")
    err = refused_cleanly(cli, store, USAGE, "scope", case_id, "--notified", "2026-12-20", "--date", "2026-12-23")
    assert "before the local authority became aware" in err


def test_ofsted_dfe_notification_and_the_panels_response(cli: Cli, store: Path) -> None:
    case_id = lcspr(cli, "--aware", "2026-12-21")
    err = refused_cleanly(cli, store, REFUSED, "scope", case_id, "--panel-response", "2027-01-08",
                          "--panel-agrees", "--date", "2027-01-08")
    assert "rapid review" in err
    cli.ok("scope", case_id, "--notified", "2026-12-22", "--ofsted-dfe", "2026-12-22", "--date", "2026-12-23")
    cli.ok("scope", case_id, "--rapid-review-sent", "2027-01-08", "--date", "2027-01-08")
    cli.ok("scope", case_id, "--done", "--date", "2027-01-08")
    cli.ok("decide", case_id, "--conduct", "--rationale", "criteria met", *PARTNERS, "--date", "2027-01-11")
    cli.ok("scope", case_id, "--panel-response", "2027-01-18", "--panel-disagrees", "--date", "2027-01-18")
    scoping = load(store / "cases" / case_id / "scoping.yaml")
    assert scoping["ofsted_dfe"] == {"made": True, "date": scoping["notified"]}
    assert scoping["panel_response"]["outcome"] == "disagrees"
    assert str(scoping["panel_response"]["date"]) == "2027-01-18"
    assert cli.ok("validate").code == 0


def to_decision(cli: Cli, case_type: str) -> str:
    case_id = cli.ok("refer", "--type", case_type, "--subject", "Child Y", "--referrer", "Fictional DSL",
                     "--received", "2026-12-23", "--summary", "Fictional", "--agency", "Police").out.strip()
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-12-23")
    if case_type == "lcspr":
        cli.ok("scope", case_id, "--notified", "2026-12-23", "--rapid-review-sent", "2027-01-08",
               "--date", "2027-01-08")
    cli.ok("scope", case_id, "--done", "--date", "2027-01-08")
    return case_id


@pytest.mark.parametrize("outcome", [("--conduct",), ("--not-conduct", "--learning-to", "L&D Group")])
def test_an_lcspr_decision_without_every_partner_is_refused(cli: Cli, store: Path, outcome: tuple[str, ...]) -> None:
    case_id = to_decision(cli, "lcspr")
    two = PARTNERS[:4]  # the local authority and the ICB; the police did not agree
    err = refused_cleanly(cli, store, REFUSED, "decide", case_id, *outcome, "--rationale", "r", *two,
                          "--date", "2027-01-11")
    assert "missing: police" in err and "--partner" in err
    err = refused_cleanly(cli, store, USAGE, "decide", case_id, *outcome, "--rationale", "r", *two,
                          "--partner", "probation=Fictional Officer; Head", "--date", "2027-01-11")
    assert "known: local-authority, icb, police" in err
    cli.ok("decide", case_id, *outcome, "--rationale", "r", *PARTNERS, "--date", "2027-01-11")
    decision = load(store / "cases" / case_id / "decision.yaml")
    assert decision["body"] == "safeguarding partners"
    assert decision["partners"]["police"] == {"name": "Fictional Superintendent", "role": "Head of Public Protection"}
    record = (store / "cases" / case_id / decision["record"]).read_text()
    assert "Head of Public Protection" in record and "Designated Nurse for Safeguarding" in record
    assert "police: Fictional Superintendent (Head of Public Protection)" in cli.ok("show", case_id).out


@pytest.mark.parametrize(("case_type", "body"), [("sar", "Safeguarding Adults Board"),
                                                 ("dhr", "Community Safety Partnership")])
def test_the_chair_decides_on_behalf_of_the_body(cli: Cli, store: Path, case_type: str, body: str) -> None:
    case_id = to_decision(cli, case_type)
    basis = ("--basis", "mandatory") if case_type == "sar" else ()
    cli.ok("decide", case_id, "--conduct", "--rationale", "recommend", *basis, "--date", "2027-01-11")
    decision = load(store / "cases" / case_id / "decision.yaml")
    recommendation = (store / "cases" / case_id / decision["recommendation"]).read_text()
    assert f"on behalf of the {body}" in recommendation
    cli.ok("decide", case_id, "--chair", "--conduct", "--rationale", "agreed", "--date", "2027-01-12")
    decision = load(store / "cases" / case_id / "decision.yaml")
    assert (decision["body"], decision["decided_for"]) == (body, "Independent Chair")
    letter = (store / "cases" / case_id / decision["referrer_letter"]).read_text()
    assert f"Independent Chair, on behalf of the {body}" in letter


def test_the_dhr_label_is_a_setting(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "type_labels: {dhr: Domestic Abuse Related Death Review}\n")
    git(store, "commit", "-qam", "the Victims and Prisoners Act 2024 is commenced")
    case_id = to_decision(cli, "dhr")
    cli.ok("decide", case_id, "--conduct", "--rationale", "recommend", "--date", "2027-01-11")
    decision = load(store / "cases" / case_id / "decision.yaml")
    assert "Domestic Abuse Related Death Review" in (store / "cases" / case_id / decision["record"]).read_text()


def test_a_label_for_a_type_the_workflow_lacks_is_invalid(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "type_labels: {darr: Domestic Abuse Related Death Review}\n")
    git(store, "commit", "-qam", "a slip")
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "type_labels.darr" in err and "known: lcspr, sar, dhr, unknown" in err
