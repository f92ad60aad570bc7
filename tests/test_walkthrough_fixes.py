"""What a newcomer following the README found wrong in the tool, each fixed and kept fixed."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import REFUSED, REPORT, USAGE, Cli, git, refused_cleanly, stage, to_closed, to_jcrg_agreed


def test_closing_a_case_with_an_open_action_stops_its_deadline(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed(cli, store, "sar", tmp_path)
    cli.ok("close", case_id, "--reason", "A2 moves to the regional audit programme")
    for day in ("2026-11-25", "2027-05-01"):  # before and after A2 was due (2027-04-01)
        shown = json.loads(cli.ok("--as-of", day, "show", case_id, "--format", "json").out)
        assert not [d for d in shown["deadlines"] if d["label"].endswith("A2")], shown["deadlines"]
        listed = next(c for c in json.loads(cli.ok("--as-of", day, "list", "--format", "json").out)
                      if c["id"] == case_id)
        assert "A2" not in str(listed["next_deadline"])


def test_a_new_draft_after_a_revision_is_stored_and_must_be_agreed(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    second, third = tmp_path / "v2.md", tmp_path / "v3.md"
    second.write_text(REPORT + "\nRevised.\n")
    third.write_text(REPORT + "\nRevised again.\n")
    cli.ok("report", case_id, "--file", str(second), "--revision", "--reason", "The QA panel asked for changes")
    assert stage(store, case_id) == "report"
    cli.ok("report", case_id, "--file", str(third))  # a further draft before the JCRG: stored
    cli.ok("validate")
    cli.ok("present", case_id)
    plan = tmp_path / "plan.md"
    plan.write_text("# Plan\n")
    jcrg = ("jcrg", case_id, "--final-report", "3", "--comms-plan", str(plan), "--action", "a", "--owner",
            "Council", "--due", "2027-01-01", "--measure", "m")
    err = refused_cleanly(cli, store, REFUSED, *jcrg)
    assert "version 3, is not agreed yet" in err
    cli.ok("report", case_id, "--agreed")
    cli.ok(*jcrg)


def test_an_unknown_case_id_suggests_only_a_slip_of_a_character(cli: Cli, store: Path) -> None:
    from helpers import refer

    case_id = refer(cli)
    slip = case_id[:-1] + ("X" if case_id[-1] != "X" else "Y")
    assert f"did you mean '{case_id}'" in refused_cleanly(cli, store, USAGE, "show", slip)
    other = case_id.split("-")[0] + "-2026-" + "".join("Z" if c != "Z" else "Y" for c in case_id[-6:-2]) + "QQ"
    assert "did you mean" not in refused_cleanly(cli, store, USAGE, "amend", other, "case.subject", "Child Y",
                                                 "--reason", "typo")


def test_a_dhr_is_not_submitted_before_the_jcrg_agreed_its_report(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "dhr", tmp_path)
    err = refused_cleanly(cli, store, USAGE, "home-office", "submit", case_id, "--date", "2026-11-10")
    assert "before the JCRG agreed" in err
    cli.ok("home-office", "submit", case_id)
    assert git(store, "log", "-1", "--format=%s").startswith(case_id)


def test_next_offers_a_sar_no_step_that_is_for_lcspr_only(cli: Cli, store: Path) -> None:
    from helpers import refer

    sar = refer(cli, "sar")
    cli.ok("triage", sar, "--accept", "--reason", "Possible s44 criteria")
    shown = json.loads(cli.ok("next", sar, "--format", "json").out)
    assert "notify-panel" not in shown["records"] and "panel-response" not in shown["records"]
    child = refer(cli, "lcspr")
    cli.ok("triage", child, "--accept", "--reason", "Notifiable")
    assert "notify-panel" in json.loads(cli.ok("next", child, "--format", "json").out)["records"]
