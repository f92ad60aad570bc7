"""Clock commands given what they cannot do: one line, a documented exit code, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import INVALID, REFUSED, USAGE, Cli, git, made_once, refer, refused_cleanly


@pytest.fixture
def scoping(cli: Cli, store: Path) -> str:
    """An lcspr case in scoping: si-notification met on 3 Nov, rapid-review running from Mon 2 Nov
    (the day the council became aware: by default the day it was referred)."""
    def make() -> str:
        case_id = refer(cli)
        cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
        cli.ok("scope", case_id, "--notified", "2026-11-03", "--request", "Police", "--date", "2026-11-03")
        return case_id
    return made_once("scoping", make)


def test_unknown_clock_lists_the_known_ones(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "clock", "pause", scoping, "rapid-reveiw", "--reason", "r")
    assert "did you mean 'rapid-review'?" in err
    assert "known: si-notification, rapid-review, agency-reply:Police, review-publication" in err
    assert "rapid-reveiw" not in err  # the slip is not quoted back


def test_a_clock_of_another_type(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "clock", "extend", scoping, "dhr-decision", "--to", "2027-01-01",
                          "--reason", "r")
    assert "does not run for this type" in err


def test_a_clock_run_per_entry_needs_its_entry(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "clock", "pause", scoping, "agency-reply", "--reason", "r")
    assert "CLOCK:ITEM" in err and "agency-reply:Police" in err
    err = refused_cleanly(cli, store, USAGE, "clock", "pause", scoping, "agency-reply:Health", "--reason", "r")
    assert "no such entry" in err and "agency-reply:Police" in err


def test_a_clock_not_started(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, REFUSED, "clock", "pause", scoping, "review-publication", "--reason", "r")
    assert "has not started" in err and "decision.conducted_from" in err


def test_a_clock_already_met(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, REFUSED, "clock", "pause", scoping, "si-notification", "--reason", "r")
    assert "already met on 2026-11-03" in err
    err = refused_cleanly(cli, store, REFUSED, "clock", "extend", scoping, "si-notification", "--to",
                          "2026-12-01", "--reason", "r")
    assert "already met" in err


def test_a_clock_the_case_has_left_behind(cli: Cli, store: Path, scoping: str) -> None:
    cli.ok("scope", scoping, "--rapid-review-sent", "2026-11-10", "--done", "--date", "2026-11-19")
    # The agency never answered (due 17 Nov): missed once the meeting went ahead.
    err = refused_cleanly(cli, store, REFUSED, "clock", "pause", scoping, "agency-reply:Police", "--reason", "r")
    assert "no longer runs" in err


def test_pausing_twice_and_resuming_a_running_clock(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, REFUSED, "clock", "resume", scoping, "rapid-review")
    assert "is not paused (due-soon)" in err
    cli.ok("clock", "pause", scoping, "rapid-review", "--reason", "inquest", "--date", "2026-11-10")
    err = refused_cleanly(cli, store, REFUSED, "clock", "pause", scoping, "rapid-review", "--reason", "again")
    assert "already paused since 2026-11-10" in err and "clock resume" in err
    err = refused_cleanly(cli, store, REFUSED, "clock", "extend", scoping, "rapid-review", "--to", "2027-01-01",
                          "--reason", "r")
    assert "resume it first" in err


def test_resume_dated_before_the_pause(cli: Cli, store: Path, scoping: str) -> None:
    cli.ok("clock", "pause", scoping, "rapid-review", "--reason", "inquest", "--date", "2026-11-10")
    err = refused_cleanly(cli, store, USAGE, "clock", "resume", scoping, "rapid-review", "--date", "2026-11-09")
    assert "before the pause began (2026-11-10)" in err


def test_pause_dated_before_the_clock_or_the_last_change(cli: Cli, store: Path, scoping: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "clock", "pause", scoping, "agency-reply:Police", "--reason", "r",
                          "--date", "2026-11-02")
    assert "before agency-reply:Police started (2026-11-03)" in err
    cli.ok("clock", "pause", scoping, "rapid-review", "--reason", "inquest", "--date", "2026-11-10")
    cli.ok("clock", "resume", scoping, "rapid-review", "--date", "2026-11-12")
    err = refused_cleanly(cli, store, USAGE, "clock", "pause", scoping, "rapid-review", "--reason", "r",
                          "--date", "2026-11-11")
    assert "in the order they happened" in err


def test_extend_to_an_earlier_date(cli: Cli, store: Path, scoping: str) -> None:
    # 15 working days from Mon 2 Nov 2026 (no bank holiday between): Mon 23 Nov.
    err = refused_cleanly(cli, store, USAGE, "clock", "extend", scoping, "rapid-review", "--to", "2026-11-23",
                          "--reason", "r")
    assert "not later than the current due date of rapid-review (2026-11-23)" in err
    cli.ok("clock", "extend", scoping, "rapid-review", "--to", "2026-12-04", "--reason", "Panel agreed")
    err = refused_cleanly(cli, store, USAGE, "clock", "extend", scoping, "rapid-review", "--to", "2026-12-01",
                          "--reason", "r")
    assert "(2026-12-04)" in err


@pytest.mark.parametrize("args", [
    ("clock", "pause", "{id}", "rapid-review", "--reason", "  "),
    ("clock", "pause", "{id}", "rapid-review"),
    ("clock", "extend", "{id}", "rapid-review", "--to", "2026-12-04", "--reason", ""),
])
def test_reason_may_not_be_blank(cli: Cli, store: Path, scoping: str, args: tuple[str, ...]) -> None:
    err = refused_cleanly(cli, store, USAGE, *(a.format(id=scoping) for a in args))
    assert "--reason is required" in err


@pytest.mark.parametrize(("to", "expected"), [("", "--to is required"), ("2026-13-01", "not a real date"),
                                              ("2035-01-01", "more than 5 years")])
def test_extend_needs_a_real_date(cli: Cli, store: Path, scoping: str, to: str, expected: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "clock", "extend", scoping, "rapid-review", "--to", to, "--reason", "r")
    assert expected in err


def test_validate_checks_the_clock_records(cli: Cli, store: Path, scoping: str) -> None:
    cli.ok("clock", "pause", scoping, "rapid-review", "--reason", "inquest", "--date", "2026-11-10")
    path = store / "cases" / scoping / "clocks.yaml"
    good = path.read_text()
    path.write_text(good.replace("clock: rapid-review", "clock: rapid-reveiw"))
    git(store, "commit", "-qam", "hand edit")
    result = cli("validate")
    assert result.code == INVALID
    assert f"cases/{scoping}/clocks.yaml:2: clocks[0].clock: not a clock of the workflow" in result.out
    # A pause that ends before it begins, and a pause before the clock started.
    path.write_text(good.replace("paused: 2026-11-10", "paused: 2026-11-10\n        resumed: 2026-11-09"))
    assert "before it began" in cli("validate").out
    path.write_text(good.replace("paused: 2026-11-10", "paused: 2026-11-01"))
    assert "before the clock started (2026-11-02)" in cli("validate").out
    # A step on a case with a bad record is refused and changes nothing.
    git(store, "commit", "-qam", "hand edit")
    err = refused_cleanly(cli, store, INVALID, "clock", "resume", scoping, "rapid-review")
    assert "clocks.yaml" in err
