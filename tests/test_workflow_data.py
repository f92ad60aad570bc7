"""The workflow is wholly data: a store that renames every stage and step, or adds a stage,
runs every review type from referral to closure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import REPORT, TICK_ALL, Cli, git, home_office_approves, refer, to_in_review
from ruamel.yaml import YAML

from reviewctl.core.store.folder import DEFAULT_WORKFLOW

Flow = dict[str, Any]


def default_flow() -> Flow:
    return YAML(typ="safe").load(DEFAULT_WORKFLOW.read_text())  # type: ignore[no-any-return]


def renamed(flow: Flow) -> Flow:
    """Every stage id and every step id changed; each transition says which action it is."""
    def s(stage: str) -> str:
        return f"st-{stage}-x"

    for stage in flow["stages"]:
        stage["id"] = s(stage["id"])
    for t in flow["transitions"]:
        t["action"] = t["step"]
        t["step"] = f"do-{t['step']}-x"
        t["from"], t["to"] = s(t["from"]), s(t["to"])
    flow["records"] = {name: [s(x) for x in stages] for name, stages in flow["records"].items()}
    for clock in flow["clocks"]:
        if "while_in" in clock:
            clock["while_in"] = [s(x) for x in clock["while_in"]]
    for routes in flow["statute"]["publication_routes"].values():
        for route in routes:
            if "stage" in route:
                route["stage"] = s(route["stage"])
    flow["referral_step"] = "do-refer-x"
    flow["imports"] = {"step": "do-import-x", "to": [s(x) for x in flow["imports"]["to"]]}
    return flow


def with_extra_stage(flow: Flow) -> Flow:
    """A learning event between publication and monitoring: `monitor` goes through it."""
    at = next(i for i, st in enumerate(flow["stages"]) if st["id"] == "published")
    flow["stages"].insert(at + 1, {"id": "learning-event", "label": "Learning event held"})
    monitor = next(t for t in flow["transitions"] if t["step"] == "monitor")
    monitor["to"] = "learning-event"
    flow["transitions"].append({"step": "monitor-after-event", "action": "monitor", "from": "learning-event",
                                "to": "monitoring"})
    for stages in [*flow["records"].values(), *(c.get("while_in", []) for c in flow["clocks"])]:
        if "published" in stages:
            stages.append("learning-event")
    return flow


def use_flow(store: Path, flow: Flow) -> None:
    with (store / "flow.yaml").open("w") as handle:
        YAML(typ="safe").dump(flow, handle)
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "\nworkflow: flow.yaml\n")
    git(store, "add", "flow.yaml", "reviewctl.yaml")
    git(store, "commit", "-qm", "the store's own workflow")


def run_to_closed(cli: Cli, store: Path, case_type: str, tmp_path: Path, monitors: int) -> dict[str, Any]:
    case_id = to_in_review(cli, store, case_type, tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL, "--date", "2026-11-18")
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report), "--date", "2026-11-18")
    cli.ok("report", case_id, "--agreed", "--date", "2026-11-18")
    cli.ok("present", case_id, "--date", "2026-11-18")
    plan = tmp_path / "comms.md"
    plan.write_text("# Plan\n")
    cli.ok("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan), "--action", "a", "--owner",
           "Council", "--due", "2027-03-01", "--measure", "m", "--date", "2026-11-19")
    if case_type == "dhr":
        home_office_approves(cli, case_id, tmp_path, "2026-11-19")
    for role in ["sscp", "independent-chair"]:
        cli.ok("approve", case_id, "--role", role, "--date", "2026-11-19")
    cli.ok("publish", case_id, "--where", "https://example.invalid/r", "--notified-on", "2026-11-19",
           "--embargo-until", "2026-12-01", "--date", "2026-11-20")
    for _ in range(monitors):
        cli.ok("monitor", case_id, "--date", "2026-11-20")
    cli.ok("actions", "sign-off", case_id, "A1", "--date", "2026-11-20")
    cli.ok("close", case_id, "--date", "2026-11-20")
    return json.loads(cli.ok("show", case_id, "--format", "json").out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("case_type", ["lcspr", "sar", "dhr"])
@pytest.mark.parametrize(("change", "closed", "monitors"), [
    (renamed, "st-closed-x", 1), (with_extra_stage, "closed", 2)], ids=["renamed", "extra-stage"])
def test_every_type_to_closed_on_a_changed_workflow(cli: Cli, store: Path, tmp_path: Path, case_type: str,
                                                    change: Callable[[Flow], Flow], closed: str,
                                                    monitors: int) -> None:
    use_flow(store, change(default_flow()))
    view = run_to_closed(cli, store, case_type, tmp_path, monitors)
    assert view["stage"] == closed
    if change is renamed:
        assert all(h["step"].startswith("do-") and h["step"].endswith("-x") for h in view["history"])
        assert "do-decide-conduct-x" in [h["step"] for h in view["history"]]
    else:
        assert "learning-event" in [h["to"] for h in view["history"]]
    assert cli.ok("validate").code == 0
    stats = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert stats["reviews_completed"]["count"] == 1


def test_a_renamed_workflow_ends_cases_early_and_reopens_them(cli: Cli, store: Path) -> None:
    use_flow(store, renamed(default_flow()))
    case_id = refer(cli, "dhr")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "not met", "--date", "2026-11-05")
    view = json.loads(cli.ok("list", "--format", "json").out)
    assert view[0]["stage"] == "st-awaiting-chair-x" and view[0]["decision"] is None  # the chair decides
    cli.ok("decide", case_id, "--chair", "--not-conduct", "--rationale", "agreed", "--learning-to", "L&D",
           "--date", "2026-11-06")
    cli.ok("notify", case_id, "--national", "--date", "2026-11-06")
    document = next((store / "cases" / case_id / "documents").glob("*home-office-notification.md")).read_text()
    assert "not to conduct" in document or "not conduct" in document
    cli.ok("reopen", case_id, "--to", "st-decision-x", "--reason", "challenged")
    assert cli.ok("validate").code == 0


def test_the_expected_length_of_a_review_comes_from_the_clocks(cli: Cli, store: Path, tmp_path: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("clocks:\n", "clocks:\n  review-completion: {months: 0}\n"))
    git(store, "commit", "-qam", "a review is expected at once")
    run_to_closed(cli, store, "sar", tmp_path, 1)
    stats = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert stats["reviews_completed"]["over_expected"] == 1  # 8 days against 0 months
