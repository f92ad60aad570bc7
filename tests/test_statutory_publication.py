"""Statutory fidelity (issue 11): the DHR's six months to the Home Office and its QA,
publication notices per body, publication routes, month clocks on non-working days and
a store's one-off bank holidays.  Dates worked by hand around Christmas 2026."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import INVALID, REFUSED, REPORT, USAGE, Cli, git, load, refused_cleanly, to_jcrg_agreed

LETTER = "# Home Office Quality Assurance Panel (fictional)\n\n{}\n"


def letter(tmp_path: Path, text: str) -> str:
    path = tmp_path / f"qa-{abs(hash(text))}.md"
    path.write_text(LETTER.format(text))
    return str(path)


def clocks(cli: Cli, case_id: str, *extra: str) -> dict[tuple[str, str | None], dict]:  # type: ignore[type-arg]
    view = json.loads(cli.ok(*extra, "show", case_id, "--format", "json").out)
    return {(d["name"], d["item"]): d for d in view["deadlines"]}


def approve_all(cli: Cli, case_id: str, roles: list[str]) -> None:
    for role in roles:
        cli.ok("approve", case_id, "--role", role)


def test_dhr_six_months_run_to_the_home_office_with_qa_and_a_resubmission(cli: Cli, store: Path,
                                                                          tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "dhr", tmp_path)
    # The chair decided to conduct on Thu 12 Nov 2026: six months to submission -> Wed 12 May 2027.
    clock = clocks(cli, case_id)[("dhr-submission", None)]
    assert (clock["due"], clock["status"]) == ("2027-05-12", "open")
    assert ("review-publication", None) not in clocks(cli, case_id)  # publication is not the DHR's clock
    err = refused_cleanly(cli, store, REFUSED, "home-office", "qa", case_id, "--outcome", "approved",
                          "--letter", letter(tmp_path, "Approved."))
    assert "no report has been submitted" in err
    cli.ok("home-office", "submit", case_id)
    assert clocks(cli, case_id)[("dhr-submission", None)]["status"] == "met"
    err = refused_cleanly(cli, store, USAGE, "home-office", "qa", case_id, "--outcome", "approve",
                          "--letter", letter(tmp_path, "x"))
    assert "known: approved, amend-and-resubmit" in err
    cli.ok("home-office", "qa", case_id, "--outcome", "amend-and-resubmit", "--letter",
           letter(tmp_path, "Please say more about the GP's contact."))
    err = refused_cleanly(cli, store, REFUSED, "home-office", "submit", case_id)
    assert "--revision" in err
    # The corrections: a revision of the report, through the JCRG again, then resubmitted.
    revised = tmp_path / "revised.md"
    revised.write_text(REPORT + "\nMore on the GP's contact.\n")
    cli.ok("report", case_id, "--file", str(revised), "--revision", "--reason", "Home Office QA Panel amendments")
    cli.ok("report", case_id, "--agreed")
    cli.ok("present", case_id)
    cli.ok("jcrg", case_id, "--final-report", "2", "--comms-plan", str(tmp_path / "plan.md"), "--action", "a",
           "--owner", "Council", "--due", "2027-01-01", "--measure", "m")
    cli.ok("home-office", "submit", case_id)
    cli.ok("home-office", "qa", case_id, "--outcome", "approved", "--letter", letter(tmp_path, "Approved."))
    record = load(store / "cases" / case_id / "homeoffice.yaml")
    assert [s["version"] for s in record["submissions"]] == [1, 2]
    assert record["submissions"][1]["resubmission"] is True
    assert record["submissions"][1]["revision"] == "Home Office QA Panel amendments"
    assert [o["outcome"] for o in record["outcomes"]] == ["amend-and-resubmit", "approved"]
    assert str(record["submitted"]) == "2026-11-20"  # the clock was met by the first submission
    approve_all(cli, case_id, ["sscp", "independent-chair"])
    cli.ok("publish", case_id, "--where", "https://example.invalid/r")
    publication = load(store / "cases" / case_id / "publication.yaml")
    assert publication["qa_letter"] == record["outcomes"][1]["letter"]
    assert "Approved." in (store / "cases" / case_id / publication["qa_letter"]).read_text()
    assert [n["to"] for n in publication["notifications"]][1:] == ["Home Office", "Domestic Abuse Commissioner"]
    assert cli.ok("validate").code == 0


def test_a_dhr_is_not_published_without_the_qa_panels_approval(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "dhr", tmp_path)
    # The Home Office QA Panel is no signed role (issue 21): its recorded outcome is what counts.
    err = refused_cleanly(cli, store, USAGE, "approve", case_id, "--role", "home-office-qa")
    assert "roles: sscp, independent-chair" in err
    approve_all(cli, case_id, ["sscp", "independent-chair"])
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where", "https://example.invalid/r")
    assert "has not approved version 1" in err and "home-office qa" in err


def test_publication_notice_is_a_deadline_per_body(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    # Today is Fri 20 Nov 2026: 23-27 Nov and 30 Nov are 6 working days; 1 Dec is the 7th.
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--planned", "2026-11-30")
    assert "leaves 6 working days" in err and "on or after 2026-12-01" in err
    # Published Thu 7 Jan 2027: 7 working days before it, over 25 and 28 Dec and 1 Jan, is Thu 24 Dec.
    cli.ok("publish", case_id, "--planned", "2027-01-07")
    due = [r for r in json.loads(cli.ok("due", "--format", "json").out) if r["clock"] == "publication-notice"]
    assert sorted((r["item"], r["due"]) for r in due) == [
        ("National Panel", "2026-12-24"), ("Ofsted", "2026-12-24"), ("Secretary of State", "2026-12-24")]
    cli.ok("publish", case_id, "--sent", "Ofsted=2026-11-20")
    assert "publication planned  2027-01-07" in cli.ok("show", case_id).out
    err = refused_cleanly(cli, store, USAGE, "publish", case_id, "--sent", "Home Office=2026-11-20")
    assert "known: National Panel, Ofsted, Secretary of State" in err
    statuses = {item: d["status"] for (name, item), d in clocks(cli, case_id).items() if name == "publication-notice"}
    assert statuses == {"National Panel": "open", "Ofsted": "met", "Secretary of State": "open"}
    approve_all(cli, case_id, ["sscp", "independent-chair"])
    cli.ok("publish", case_id, "--where", "https://example.invalid/r", "--embargo-until", "2027-01-07")
    publication = load(store / "cases" / case_id / "publication.yaml")
    assert {n["to"]: str(n["sent"]) for n in publication["notices"]} == {
        "National Panel": "2026-11-20", "Ofsted": "2026-11-20", "Secretary of State": "2026-11-20"}


def test_lcspr_improvements_only_needs_a_reason_and_the_report_stays_online(cli: Cli, store: Path,
                                                                            tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    approve_all(cli, case_id, ["sscp", "independent-chair"])
    err = refused_cleanly(cli, store, USAGE, "publish", case_id, "--where", "https://example.invalid/r",
                          "--route", "improvements-only", "--notified-on", "2026-11-10")
    assert "needs --reason" in err
    err = refused_cleanly(cli, store, USAGE, "publish", case_id, "--where", "w", "--route", "summary")
    assert "known: full, improvements-only" in err
    cli.ok("publish", case_id, "--where", "https://example.invalid/r", "--route", "improvements-only",
           "--reason", "Full publication would identify the siblings", "--notified-on", "2026-11-10")
    publication = load(store / "cases" / case_id / "publication.yaml")
    assert (publication["route"], publication["route_reason"]) == (
        "improvements-only", "Full publication would identify the siblings")
    # Online from Fri 20 Nov 2026 for at least 12 months: Sat 20 Nov 2027, which says it is no working day.
    online = clocks(cli, case_id)[("report-online", None)]
    assert (online["due"], online["status"], online["note"]) == ("2027-11-20", "open",
                                                                 "falls on Saturday, not a working day")
    assert clocks(cli, case_id, "--as-of", "2027-11-22")[("report-online", None)]["status"] == "met"


def test_a_sar_not_published_goes_on_to_monitoring(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    approve_all(cli, case_id, ["sscp", "independent-chair"])
    err = refused_cleanly(cli, store, USAGE, "publish", case_id, "--route", "not-published")
    assert "needs --reason" in err
    cli.ok("publish", case_id, "--route", "not-published", "--reason", "The family asked that it not be published")
    cli.ok("monitor", case_id)
    publication = load(store / "cases" / case_id / "publication.yaml")
    assert publication["route"] == "not-published" and "where" not in publication
    assert [n["to"] for n in publication["notifications"]] == ["Person and family"]
    assert publication.get("libraries") == [] and "online_from" not in publication
    shown = cli.ok("show", case_id).out
    assert "not-published The family asked" in shown
    assert not any(line.startswith("published ") for line in shown.splitlines())  # no place: not published
    assert cli.ok("validate").code == 0


@pytest.fixture
def december(store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVIEWCTL_TODAY", "2027-01-05")
    return store


def settings(store: Path, text: str) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + text)
    git(store, "commit", "-qam", "settings")


def dhr_received(cli: Cli, day: str) -> str:
    return cli.ok("refer", "--type", "dhr", "--subject", "Adult Y", "--referrer", "Fictional Police",
                  "--received", day, "--summary", "Fictional", "--agency", "Police").out.strip()


def test_a_month_clock_on_a_bank_holiday_says_so(cli: Cli, december: Path) -> None:
    case_id = dhr_received(cli, "2026-11-25")
    clock = clocks(cli, case_id)[("dhr-decision", None)]  # one month: Fri 25 Dec 2026, Christmas Day
    assert (clock["due"], clock["note"]) == ("2026-12-25", "falls on a bank holiday, not a working day")


def test_a_month_clock_moves_to_the_next_working_day_by_setting(cli: Cli, december: Path) -> None:
    settings(december, "month_end: next-working-day\n")
    case_id = dhr_received(cli, "2026-11-25")
    # 25 Dec (Fri), 26-27 (weekend), 28 (Boxing Day's substitute): Tue 29 Dec 2026.
    clock = clocks(cli, case_id)[("dhr-decision", None)]
    assert clock["due"] == "2026-12-29" and "2026-12-25" in clock["note"]


def test_a_one_off_bank_holiday_counts_in_every_clock(cli: Cli, december: Path) -> None:
    settings(december, "month_end: next-working-day\nbank_holidays: [2026-12-29]\n")
    case_id = dhr_received(cli, "2026-11-25")
    assert clocks(cli, case_id)[("dhr-decision", None)]["due"] == "2026-12-30"
    child = cli.ok("refer", "--type", "lcspr", "--subject", "Child Y", "--referrer", "Fictional DSL",
                   "--received", "2026-12-23", "--aware", "2026-12-21", "--summary", "Fictional",
                   "--agency", "Police").out.strip()
    # Mon 21 Dec + 5 working days: 22, 23, 24, (25, 28 and the one-off 29th) 30, 31 -> Thu 31 Dec.
    # The tracker's cached report agrees, cold and warm.
    for _ in range(2):
        due = {(r["case"], r["clock"]): r["due"] for r in json.loads(cli.ok("due", "--format", "json").out)}
        assert due[(child, "si-notification")] == "2026-12-31"
        assert due[(case_id, "dhr-decision")] == "2026-12-30"


def test_a_one_off_bank_holiday_that_is_not_a_date_is_refused(cli: Cli, december: Path) -> None:
    settings(december, "bank_holidays: [a royal occasion]\n")
    err = refused_cleanly(cli, december, INVALID, "list")
    assert "reviewctl.yaml" in err and "bank_holidays" in err
