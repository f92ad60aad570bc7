"""Statutory fidelity (issue 11): parallel proceedings, subject details and learning
themes from fixed vocabularies, and the figures split by review type and clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REFUSED, USAGE, Cli, git, load, refer, refused_cleanly, to_jcrg_agreed, to_setup


def test_parallel_proceedings_and_a_pause_that_waits_for_one(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "dhr")
    err = refused_cleanly(cli, store, USAGE, "parallel", "add", case_id, "--kind", "trial", "--ref", "T1")
    assert "known: criminal, inquest, iopc, cdop, other" in err
    cli.ok("parallel", "add", case_id, "--kind", "criminal", "--ref", "Crown Court T20267001", "--date", "2026-11-13")
    cli.ok("parallel", "add", case_id, "--kind", "inquest", "--ref", "Coroner 2026-0042", "--date", "2026-11-13")
    cli.ok("parallel", "event", case_id, "P1", "--event", "Trial listed for 3 May 2027", "--date", "2026-11-16")
    err = refused_cleanly(cli, store, USAGE, "parallel", "event", case_id, "P3", "--event", "Verdict")
    assert "known: P1, P2" in err
    cli.ok("clock", "pause", case_id, "dhr-submission", "--reason", "Disclosure held until the trial",
           "--for", "P1", "--date", "2026-11-17")
    record = load(store / "cases" / case_id / "proceedings.yaml")["proceedings"]
    assert [(p["id"], p["kind"]) for p in record] == [("P1", "criminal"), ("P2", "inquest")]
    assert record[0]["events"][0]["event"] == "Trial listed for 3 May 2027"
    pause = load(store / "cases" / case_id / "clocks.yaml")["clocks"][0]["pauses"][0]
    assert pause["for"] == "P1 (criminal, Crown Court T20267001)"
    refused_cleanly(cli, store, USAGE, "clock", "pause", case_id, "dhr-decision", "--reason", "r", "--for", "P9")
    assert cli.ok("validate").code == 0


def test_subject_details_from_fixed_vocabularies(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("subject", case_id, "--set", "age_band=5-9", "--set", "ethnicity=white", "--set", "care=looked after")
    details = load(store / "cases" / case_id / "profile.yaml")["details"]
    assert details == {"age_band": "5-9", "ethnicity": "White", "care": "looked after"}
    err = refused_cleanly(cli, store, USAGE, "subject", case_id, "--set", "sex=unknown")
    assert "known: female, male, not known" in err
    err = refused_cleanly(cli, store, USAGE, "subject", case_id, "--set", "religion=none")
    assert "fields: age_band, sex, ethnicity, disability, care, setting" in err


def test_themes_from_the_vocabulary_the_store_extends(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    err = refused_cleanly(cli, store, USAGE, "themes", case_id, "--add", "Hoarding")
    assert "known: Multi-agency information sharing" in err
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "themes: [Hoarding]\n")
    git(store, "commit", "-qam", "a theme of our own")
    assert "Hoarding" in cli.ok("themes", "--list").out
    cli.ok("themes", case_id, "--add", "Hoarding", "--add", "self-neglect")
    refused_cleanly(cli, store, REFUSED, "themes", case_id, "--add", "Hoarding")
    assert load(store / "cases" / case_id / "profile.yaml")["themes"] == ["Hoarding", "Self-neglect"]
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert figures["themes"] == {"Hoarding": 1, "Self-neglect": 1}
    table = cli.ok("stats", "--year", "2026", "--by", "theme").out
    assert "Hoarding" in table and "Self-neglect" in table


def test_stats_by_type_and_each_clock_against_its_original_and_revised_date(cli: Cli, store: Path) -> None:
    child = refer(cli)  # received Mon 2 Nov 2026: notify by Mon 9 Nov (3, 4, 5, 6, 9)
    cli.ok("triage", child, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("clock", "extend", child, "si-notification", "--to", "2026-11-16", "--reason", "Agreed with the Panel",
           "--date", "2026-11-06")
    cli.ok("scope", child, "--notified", "2026-11-12", "--date", "2026-11-12")
    adult = refer(cli, "sar")
    cli.ok("triage", adult, "--no-further-action", "--reason", "r", "--date", "2026-11-03")
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    notice = figures["timescales"]["by_clock"]["si-notification"]
    assert (notice["settled"], notice["within_original"], notice["within_revised"]) == (1, 0, 1)
    assert (notice["share_within_original"], notice["share_within_revised"]) == (0.0, 1.0)
    assert figures["by_type"]["lcspr"]["referrals"]["total"] == 1
    assert figures["by_type"]["sar"]["triage"] == {"no-further-action": 1}
    assert figures["by_type"]["lcspr"]["timescales"]["by_clock"]["si-notification"]["within_revised"] == 1
    only = json.loads(cli.ok("stats", "--year", "2026", "--type", "sar", "--format", "json").out)
    assert only["referrals"]["total"] == 1 and "by_type" not in only
    rows = cli.ok("stats", "--year", "2026", "--by", "type", "--format", "md").out
    assert "| Local Child Safeguarding Practice Review | 1 |" in rows and "| Safeguarding Adults Review | 1 |" in rows
    refused_cleanly(cli, store, USAGE, "stats", "--by", "agency")


def test_financial_year_runs_april_to_march(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TODAY", "2027-03-01")
    cli.ok("refer", "--type", "sar", "--subject", "Adult Y", "--referrer", "Fictional GP", "--received", "2027-02-01")
    financial = json.loads(cli.ok("stats", "--year", "2026", "--financial-year", "--format", "json").out)
    calendar = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert (financial["from"], financial["to"]) == ("2026-04-01", "2027-03-31")
    assert financial["by_type"]["sar"]["referrals"]["total"] == 1
    assert calendar["by_type"]["sar"]["referrals"]["total"] == 0


def test_stats_list_the_findings_of_a_sar_not_published(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role)
    cli.ok("publish", case_id, "--route", "not-published", "--reason", "The family asked that it not be published")
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert figures["not_published"] == [{
        "id": case_id, "type": "sar", "subject": "Child Z", "date": "2026-11-20",
        "reason": "The family asked that it not be published",
        "findings": ["The partnership should review its escalation policy.",
                     "Agencies should share information at the point of referral, and record it."]}]
    assert "The partnership should review its escalation policy." in cli.ok("stats", "--year", "2026").out
    document = cli.ok("stats", "--year", "2026", "--format", "md").out
    assert "Reviews not published" in document and "share information at the point of referral" in document
