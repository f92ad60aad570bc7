"""Statutory fidelity, second round (issue 21): the records the guidance requires.  A SAR's
basis, the National Panel's response and national reviews, the Home Office QA outcome
recorded once, and a lead reviewer's independence that sees through spelling.

Dates: the shared stores' "today" is Fri 20 Nov 2026; `to_setup` decides on Wed 11 Nov
(lcspr, the partners) or Thu 12 Nov 2026 (sar and dhr, the chair)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from helpers import (
    INVALID,
    REFUSED,
    USAGE,
    Cli,
    git,
    home_office_approves,
    load,
    refer,
    refused_cleanly,
    stage,
    to_jcrg_agreed,
    to_setup,
)
from openpyxl import load_workbook


def sar_at_decision(cli: Cli) -> str:
    case_id = refer(cli, "sar")
    cli.ok("triage", case_id, "--accept", "--reason", "Criteria met", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-10")
    return case_id


def figures(cli: Cli) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)  # type: ignore[no-any-return]


# -- 4. a SAR's basis -----------------------------------------------------------------------

def test_a_sar_is_conducted_on_a_basis(cli: Cli, store: Path) -> None:
    case_id = sar_at_decision(cli)
    err = refused_cleanly(cli, store, USAGE, "decide", case_id, "--not-conduct", "--basis", "mandatory",
                          "--reason", "r", "--date", "2026-11-11")
    assert "--basis goes with --conduct" in err
    err = refused_cleanly(cli, store, USAGE, "decide", case_id, "--conduct", "--basis", "statutory",
                          "--reason", "r", "--date", "2026-11-11")
    assert "known: mandatory, discretionary" in err
    # The meeting may recommend without one; the Independent Chair's decision to conduct needs one.
    cli.ok("decide", case_id, "--conduct", "--reason", "Recommend a SAR", "--date", "2026-11-11")
    err = refused_cleanly(cli, store, USAGE, "decide", case_id, "--chair", "--conduct", "--reason", "Agreed",
                          "--date", "2026-11-12")
    assert "mandatory (Care Act 2014 s.44(1)-(3)), discretionary (Care Act 2014 s.44(4))" in err
    cli.ok("decide", case_id, "--chair", "--conduct", "--basis", "Discretionary", "--reason", "Agreed",
           "--date", "2026-11-12")
    decision = load(store / "cases" / case_id / "decision.yaml")
    assert decision["chair"]["basis"] == "discretionary" and "basis" not in decision
    assert "basis          discretionary (Care Act 2014 s.44(4))" in cli.ok("show", case_id).out
    letter = (store / "cases" / case_id / decision["record"]).read_text()
    assert "Basis" not in letter  # the meeting's record named none; the chair's decision does
    assert json.loads(cli.ok("show", case_id, "--format", "json").out)["basis"]["id"] == "discretionary"


def test_only_a_sar_has_a_basis(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-10")
    err = refused_cleanly(cli, store, USAGE, "decide", case_id, "--conduct", "--basis", "mandatory",
                          "--reason", "r", "--date", "2026-11-11")
    assert "a 'dhr' review has no statutory basis" in err


def test_the_basis_is_exported_and_counted(cli: Cli, store: Path, tmp_path: Path) -> None:
    mandatory = to_setup(cli, "sar")  # the meeting recommended a mandatory SAR on 11 Nov
    discretionary = sar_at_decision(cli)
    cli.ok("decide", discretionary, "--conduct", "--basis", "discretionary", "--reason", "r", "--date", "2026-11-11")
    cli.ok("decide", discretionary, "--chair", "--conduct", "--reason", "Agreed", "--date", "2026-11-12")
    # A SAR decided before the basis was recorded: still valid, counted as not recorded.
    older = sar_at_decision(cli)
    cli.ok("decide", older, "--conduct", "--basis", "mandatory", "--reason", "r", "--date", "2026-11-11")
    cli.ok("decide", older, "--chair", "--conduct", "--reason", "Agreed", "--date", "2026-11-12")
    path = store / "cases" / older / "decision.yaml"
    path.write_text(path.read_text().replace("basis: mandatory\n", ""))
    git(store, "commit", "-qam", "a decision recorded before the basis was")
    assert cli.ok("validate").code == 0
    rows = {r["id"]: r for r in json.loads(cli.ok("list", "--format", "json").out)}
    assert (rows[mandatory]["basis"], rows[discretionary]["basis"], rows[older]["basis"]) == (
        "mandatory", "discretionary", "")
    table = list(csv.DictReader(io.StringIO(cli.ok("list", "--format", "csv").out)))
    assert {r["id"]: r["basis"] for r in table}[discretionary] == "discretionary"
    sheet = tmp_path / "tracker.xlsx"
    cli.ok("list", "--format", "xlsx", "--output", str(sheet))
    header = [c.value for c in next(load_workbook(sheet).active.iter_rows(max_row=1))]
    assert "Basis" in header
    counted = figures(cli)
    assert counted["bases"] == {"discretionary": 1, "mandatory": 1, "not recorded": 1}
    assert json.loads(cli.ok("stats", "--year", "2026", "--type", "sar", "--format", "json").out)["bases"] == \
        counted["bases"]
    assert "- discretionary: 1" in cli.ok("stats", "--year", "2026", "--format", "md").out


def test_a_basis_the_workflow_lacks_is_named_by_validate(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "sar")
    path = store / "cases" / case_id / "decision.yaml"
    path.write_text(path.read_text().replace("basis: mandatory", "basis: obligatory"))
    git(store, "commit", "-qam", "a hand edit")
    result = cli("validate")
    assert result.code == INVALID
    assert f"cases/{case_id}/decision.yaml:" in result.out and "basis: 'obligatory' is not a basis" in result.out


# -- 5. the National Panel's response, and national reviews -----------------------------------

def lcspr_sent(cli: Cli) -> str:
    case_id = refer(cli, "lcspr")
    cli.ok("triage", case_id, "--accept", "--reason", "Notifiable", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-10", "--date", "2026-11-10")
    return case_id


def test_a_national_review_ends_the_local_review_before_the_decision(cli: Cli, store: Path) -> None:
    case_id = lcspr_sent(cli)
    err = refused_cleanly(cli, store, USAGE, "scope", case_id, "--panel-response", "2026-11-16",
                          "--panel-outcome", "national-review", "--panel-agrees", "--date", "2026-11-16")
    assert "not both" in err
    err = refused_cleanly(cli, store, USAGE, "scope", case_id, "--panel-response", "2026-11-16",
                          "--panel-outcome", "maybe", "--date", "2026-11-16")
    assert "known: agrees, disagrees, national-review" in err
    cli.ok("scope", case_id, "--panel-response", "2026-11-16", "--panel-outcome", "national-review",
           "--date", "2026-11-16")
    assert "will consider a national review (Children Act 2004 s.16B)" in cli.ok("show", case_id).out
    cli.ok("national-review", case_id, "--date", "2026-11-18")
    assert stage(store, case_id) == "national-review"
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert view["national_review"] == {"date": "2026-11-18", "ended_local_review": True}
    assert "2026-11-18: the local review ended" in cli.ok("show", case_id).out
    # The local clocks stopped with it: the rapid review was met, nothing runs on.
    assert all(d["status"] in ("met", "met-late") for d in view["deadlines"])
    err = refused_cleanly(cli, store, REFUSED, "national-review", case_id, "--date", "2026-11-19")
    assert "already recorded (2026-11-18)" in err
    cli.ok("reopen", case_id, "--to", "decision", "--reason", "The Panel handed the case back")
    assert cli.ok("validate").code == 0


def test_a_national_review_runs_beside_a_local_review_under_way(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "lcspr")  # the partners decided on Wed 11 Nov to conduct a review
    cli.ok("scope", case_id, "--panel-response", "2026-11-16", "--panel-agrees", "--date", "2026-11-16")
    cli.ok("national-review", case_id, "--date", "2026-11-18")
    assert stage(store, case_id) == "setup"
    assert "2026-11-18: beside the local review" in cli.ok("show", case_id).out
    err = refused_cleanly(cli, store, REFUSED, "national-review", case_id, "--date", "2026-11-19")
    assert "already recorded (2026-11-18)" in err
    ended = lcspr_sent(cli)
    cli.ok("scope", ended, "--panel-response", "2026-11-17", "--panel-outcome", "national-review",
           "--date", "2026-11-17")
    cli.ok("national-review", ended, "--date", "2026-11-19")
    counted = figures(cli)
    assert counted["panel_responses"] == {"agrees": 1, "national-review": 1}
    assert counted["national_reviews"] == {"taken": 2, "ended_local_review": 1, "beside_local_review": 1}
    assert "National reviews taken by the Panel: 2 (1 ended the local review, 1 beside it)" in cli.ok(
        "stats", "--year", "2026", "--format", "md").out
    assert "national_reviews: taken" in cli.ok("stats", "--year", "2026").out


def test_a_national_review_is_for_a_child(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "sar")
    err = refused_cleanly(cli, store, REFUSED, "national-review", case_id, "--date", "2026-11-18")
    assert "national reviews are of lcspr cases" in err


def test_a_response_recorded_before_the_outcome_still_reads(cli: Cli, store: Path) -> None:
    case_id = lcspr_sent(cli)
    cli.ok("scope", case_id, "--panel-response", "2026-11-16", "--panel-disagrees", "--date", "2026-11-16")
    path = store / "cases" / case_id / "scoping.yaml"
    path.write_text(path.read_text().replace("outcome: disagrees", "agrees: false"))
    git(store, "commit", "-qam", "as an earlier reviewctl wrote it")
    assert cli.ok("validate").code == 0
    assert "2026-11-16: disagrees with the partners' decision" in cli.ok("show", case_id).out
    assert figures(cli)["panel_responses"] == {"disagrees": 1}
    path.write_text(path.read_text().replace("agrees: false", "agrees: false\n  outcome: agrees"))
    git(store, "commit", "-qam", "both")
    assert "give the Panel's outcome" in cli("validate").out


# -- 7. the Home Office QA outcome, recorded once ------------------------------------------

def test_a_dhr_is_approved_by_its_roles_and_published_on_the_qa_outcome(cli: Cli, store: Path,
                                                                        tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "dhr", tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert stage(store, case_id) == "approved"  # no signed home-office-qa role
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where", "https://example.invalid/r")
    assert "reviewctl home-office qa ID --outcome approved" in err
    home_office_approves(cli, case_id, tmp_path, "2026-11-20")
    cli.ok("publish", case_id, "--where", "https://example.invalid/r")
    assert stage(store, case_id) == "published"


# -- 8. independence sees through spelling ----------------------------------------------------

def test_an_organisation_spelt_another_way_is_still_the_agency(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "sar")
    cli.ok("notify", case_id, "--family", "--date", "2026-11-12")
    cli.ok("chronology", "request", case_id, "--agency", "The Fictional Care Trust Ltd", "--date", "2026-11-12")
    for spelt in ("fictional care trust limited", "Fictional-Care Trust, The", "FICTIONAL CARE TRUST CIC",
                  "The Fictional Care Trust L.L.P.", "Fictional Care Trust plc"):
        err = refused_cleanly(cli, store, REFUSED, "commission", case_id, "--lead-reviewer", "Fictional Reviewer",
                              "--organisation", spelt, "--declare-independent", "--date", "2026-11-13")
        assert "is the agency involved 'The Fictional Care Trust Ltd'" in err
        assert "without case, punctuation, 'The', 'Ltd'/'Limited', 'plc', 'LLP' or 'CIC'" in err
    # Without the declaration the match is still what is said: declaring would not help.
    err = refused_cleanly(cli, store, REFUSED, "commission", case_id, "--lead-reviewer", "Fictional Reviewer",
                          "--organisation", "Fictional Care Trust", "--date", "2026-11-13")
    assert "is the agency involved" in err
    cli.ok("commission", case_id, "--lead-reviewer", "Fictional Reviewer", "--organisation",
           "Fictional Care Trustees Ltd", "--declare-independent", "--date", "2026-11-13")
