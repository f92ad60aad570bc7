"""Every stage, for each review type, from the decision to conduct to closure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPORT, TICK_ALL, Cli, git, load, stage, to_closed, to_in_review


@pytest.mark.parametrize("case_type", ["lcspr", "sar", "dhr"])
def test_referral_to_closed(cli: Cli, store: Path, tmp_path: Path, case_type: str) -> None:
    case_id = to_closed(cli, store, case_type, tmp_path)
    refused = cli("close", case_id, "--date", "2026-11-20")
    assert refused.code == 1 and "A2" in refused.err
    cli.ok("close", case_id, "--reason", "Superseded by the regional audit", "--date", "2026-11-20")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert view["stage"] == "closed"
    steps = [h["step"] for h in view["history"]]
    assert steps[-8:] == ["commission", "tor", "report", "jcrg", "approve", "publish", "monitor", "close"]
    actions = {a["id"]: a for a in view["jcrg"]["actions"]}
    assert actions["A1"]["status"] == "complete" and actions["A2"]["status"] == "closed"
    assert actions["A2"]["closed_reason"] == "Superseded by the regional audit"
    assert view["report"]["versions"][0]["recommendations"] == [
        "The partnership should review its escalation policy.",
        "Agencies should share information at the point of referral, and record it.",
    ]
    publication = view["publication"]
    sent_to = [n["to"] for n in publication["notifications"]]
    libraries = [n["to"] for n in publication["libraries"]]
    expected = {"lcspr": (["National Panel", "Ofsted", "Secretary of State"], ["NSPCC"]),
                "sar": ([], ["SCIE"]), "dhr": (["Home Office", "Domestic Abuse Commissioner"], [])}[case_type]
    assert sent_to == ["Person and family", *expected[0]] and libraries == expected[1]
    for document in [n["document"] for n in publication["notifications"]]:
        assert (store / "cases" / case_id / document).is_file()
    assert cli.ok("validate").code == 0
    assert git(store, "status", "--porcelain") == ""


def test_review_clocks(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    view = json.loads(cli.ok("--as-of", "2026-12-02", "show", case_id, "--format", "json").out)
    clocks = {(d["name"], d["item"]): d for d in view["deadlines"]}
    assert clocks[("review-publication", None)]["due"] == "2027-05-11"  # 6 months from 11 Nov
    assert clocks[("milestone", "Panel 1")]["status"] == "overdue"
    assert clocks[("chronology-return", "Police")]["due"] == "2026-12-10"
    cli.ok("milestone", case_id, "Panel 1", "--date", "2026-11-20")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert [d["status"] for d in view["deadlines"] if d["item"] == "Panel 1"] == ["met"]


def test_chronology_import_and_integrated_view(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "sar", tmp_path)
    police = tmp_path / "police.csv"
    police.write_text("date,time,event,source,significance\n"
                      "2026-01-10,09:00,Officers attended the address after a call,Incident log,high\n"
                      "2026-06-01,,Welfare check,Incident log,medium\n")
    health = tmp_path / "health.yaml"
    health.write_text("events:\n  - {date: 2026-01-10, event: Officers attended the address after a call., "
                      "source: GP note, significance: high}\n  - {date: 2026-01-12, time: '14:30', "
                      "event: GP appointment, source: GP record, significance: low}\n")
    cli.ok("chronology", "import", case_id, str(police), "--agency", "Police", "--date", "2026-11-17")
    cli.ok("chronology", "import", case_id, str(health), "--agency", "Health", "--date", "2026-11-17")
    rows = json.loads(cli.ok("chronology", "show", case_id, "--format", "json").out)
    assert [(r["date"], r["agency"]) for r in rows] == [
        ("2026-01-10", "Health"), ("2026-01-10", "Police"), ("2026-01-12", "Health"), ("2026-06-01", "Police")]
    assert rows[1]["flags"] == ["possible duplicate of #1 (Health)"]
    assert rows[3]["flags"] == ["gap of 140 days before this event"]
    assert "| 2 | 2026-01-10 | 09:00 | Police |" in cli.ok("chronology", "show", case_id).out
    assert "date,time,agency" in cli.ok("chronology", "show", case_id, "--format", "csv").out
    setup = load(store / "cases" / case_id / "setup.yaml")
    assert all(r["received"] for r in setup["chronology_requests"])


def test_approval_is_stale_when_the_report_changes(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "sar", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report))
    report.write_text(REPORT + "\nA second version.\n")
    cli.ok("report", case_id, "--file", str(report))
    cli.ok("report", case_id, "--agreed")
    cli.ok("present", case_id)
    plan = tmp_path / "comms.md"
    plan.write_text("# Plan\n")
    refused = cli("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan), "--action", "x",
                  "--owner", "Council", "--due", "2027-03-01", "--measure", "m")
    assert refused.code == 1 and "version 2 is" in refused.err
    cli.ok("jcrg", case_id, "--final-report", "2", "--comms-plan", str(plan), "--action", "x",
           "--owner", "Council", "--due", "2027-03-01", "--measure", "m")
    cli.ok("approve", case_id, "--role", "sscp")
    refused = cli("approve", case_id, "--role", "independent-chair", "--version", "1")
    assert refused.code == 1 and "not the current final report" in refused.err
    refused = cli("approve", case_id, "--role", "home-office-qa")
    assert refused.code == 2 and "does not approve a sar" in refused.err
    # The report's text is changed after the sscp approval: that approval is stale.
    final = store / "cases" / case_id / "report-v2.md"
    final.write_text(final.read_text() + "Edited after approval.\n")
    git(store, "commit", "-qam", "edit the report by hand")
    refused = cli("approve", case_id, "--role", "independent-chair")
    assert refused.code == 1 and "text has changed" in refused.err
    assert stage(store, case_id) == "jcrg-agreed"
