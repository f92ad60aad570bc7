"""`validate` checks the whole store, reports every problem, and never writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import Cli, git, refer, snapshot


def problems(cli: Cli, store: Path) -> list[str]:
    before = snapshot(store)
    result = cli("validate", "--format", "json")
    assert snapshot(store) == before
    data = json.loads(result.out)
    assert result.code == (0 if data["ok"] else 3)
    return [p["text"] for p in data["problems"]]


def test_clean_store(cli: Cli, store: Path) -> None:
    refer(cli)
    assert problems(cli, store) == []
    assert "the store is valid" in cli.ok("validate").err


def test_reports_every_problem_not_only_the_first(cli: Cli, store: Path) -> None:
    a, b, c = refer(cli), refer(cli), refer(cli)
    (store / "cases" / a / "case.yaml").write_text("id: [broken\n")
    path_b = store / "cases" / b / "case.yaml"
    path_b.write_text(path_b.read_text().replace("stage: referred", "stage: published"))
    path_c = store / "cases" / c / "case.yaml"
    path_c.write_text(path_c.read_text().replace("subject:", "colour: blue\nsubject:"))
    found = problems(cli, store)
    assert any(f"cases/{a}/case.yaml:" in p and "malformed YAML" in p for p in found)
    assert any(f"cases/{b}/case.yaml:" in p and "does not match the history" in p for p in found)
    assert any(f"cases/{c}/case.yaml:" in p and "colour: unknown key" in p for p in found)


def test_history_that_jumps_stages(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    path = store / "cases" / case_id / "case.yaml"
    text = path.read_text().replace("stage: referred", "stage: setup")
    text += ("  - step: decide-conduct\n    date: 2026-11-10\n    from: referred\n    to: setup\n"
             "    by: Someone\n    recorded: 2026-11-10\n")
    path.write_text(text)
    found = problems(cli, store)
    assert len(found) == 1 and "history[1].step" in found[0] and "not a transition" in found[0]


def test_duplicate_ids_and_mismatched_folder(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    shutil.copytree(store / "cases" / case_id, store / "cases" / case_id.lower())
    found = problems(cli, store)
    assert any("duplicate case id" in p for p in found)
    assert any(f"'{case_id}' does not match the folder name '{case_id.lower()}'" in p for p in found)


def test_conflict_markers_in_a_letter(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--no-further-action", "--reason", "r")
    (letter,) = (store / "cases" / case_id / "documents").glob("*no-further-action-letter.md")
    letter.write_text("line\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> b\n")
    found = problems(cli, store)
    assert found == [f"cases/{case_id}/documents/{letter.name}:2: git conflict marker; "
                     "resolve the merge in this file, then `git add` it"]


def test_bad_workflow_override(cli: Cli, store: Path) -> None:
    from reviewctl.core.store.folder import DEFAULT_WORKFLOW

    text = DEFAULT_WORKFLOW.read_text().replace("to: decision", "to: decisoin", 1)
    (store / "workflow.yaml").write_text(text)
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "workflow: workflow.yaml\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "own workflow")
    found = problems(cli, store)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "to: decisoin" in t)
    assert found == [f"workflow.yaml:{line}: transitions[2].to: 'decisoin' is not a stage"]
    result = cli("list")
    assert result.code == 3 and f"workflow.yaml:{line}" in result.err


def test_workflow_override_changes_the_process(cli: Cli, store: Path) -> None:
    """A store can change the process without code: here lcspr skips the rapid review."""
    from reviewctl.core.store.folder import DEFAULT_WORKFLOW

    text = DEFAULT_WORKFLOW.read_text()
    start = text.index("    to: decision\n    requires:\n")
    end = text.index("  # lcspr: the statutory partners decide")
    (store / "workflow.yaml").write_text(text[:start] + "    to: decision\n" + text[end:])
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("{working_days: 10}", "{working_days: 3}")
                      + "workflow: workflow.yaml\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "own workflow")
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-02")
    cli.ok("scope", case_id, "--request", "Police", "--date", "2026-11-02")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    (reply,) = [d for d in view["deadlines"] if d["name"] == "agency-reply"]
    assert reply["due"] == "2026-11-05"  # 3 working days, from the store's setting
    cli.ok("scope", case_id, "--done")


def test_unknown_clock_in_settings(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("agency-reply:", "agency-replies:"))
    found = problems(cli, store)
    assert len(found) == 1 and "clocks.agency-replies: not a clock of the workflow" in found[0]


def test_bad_setting(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("prefix: TST", "prefix: tst/x"))
    found = problems(cli, store)
    assert len(found) == 1 and "reviewctl.yaml:" in found[0] and "prefix:" in found[0]


def test_history_must_start_with_the_referral(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    path = store / "cases" / case_id / "case.yaml"
    path.write_text(path.read_text().replace("step: refer", "step: triage-accept"))
    found = problems(cli, store)
    assert len(found) == 1 and "history[0].step" in found[0]


def test_requirements_are_checked_again(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-10", "--done")
    (store / "cases" / case_id / "scoping.yaml").unlink()
    found = problems(cli, store)
    assert any("'scope-done' needs scoping.rapid_review_sent" in p for p in found)


# -- problems as records: JSON and SARIF -------------------------------------------------

def _broken_stage(cli: Cli, store: Path) -> tuple[str, int]:
    case_id = refer(cli)
    path = store / "cases" / case_id / "case.yaml"
    path.write_text(path.read_text() + "colour: red\n")
    return case_id, len(path.read_text().splitlines())


def test_json_problems_are_records(cli: Cli, store: Path) -> None:
    case_id, line = _broken_stage(cli, store)
    result = cli("validate", "--format", "json")
    assert result.code == 3
    (problem,) = json.loads(result.out)["problems"]
    assert problem["message"].startswith("unknown key; remove it")
    assert problem == {
        "path": f"cases/{case_id}/case.yaml", "line": line, "severity": "error", "key": "colour",
        "message": problem["message"], "text": f"cases/{case_id}/case.yaml:{line}: colour: {problem['message']}",
    }
    # the text output is the same line as before
    assert cli("validate").out == problem["text"] + "\n"


def test_sarif_for_code_scanning(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id, line = _broken_stage(cli, store)
    (store / "cases" / "not-an-id").mkdir()
    monkeypatch.chdir(store / "cases")  # the uris are relative to the store's root wherever validate runs
    before = snapshot(store)
    result = cli("validate", "--format", "sarif")
    assert result.code == 3 and snapshot(store) == before
    log = json.loads(result.out)
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "reviewctl"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == store.resolve().as_uri() + "/"
    located = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}
    assert set(located) == {f"cases/{case_id}/case.yaml", "cases/not-an-id"}
    stage = located[f"cases/{case_id}/case.yaml"]
    assert stage["level"] == "error" and stage["ruleId"] == "reviewctl/validate"
    assert stage["message"]["text"].startswith("colour: unknown key")
    assert stage["locations"][0]["physicalLocation"]["region"] == {"startLine": line}
    assert "region" not in located["cases/not-an-id"]["locations"][0]["physicalLocation"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
               for r in run["results"])


def test_clean_store_sarif_has_no_results(cli: Cli, store: Path) -> None:
    refer(cli)
    result = cli.ok("validate", "--format", "sarif")
    assert json.loads(result.out)["runs"][0]["results"] == []
    assert cli("validate", "--format", "xml").code == 2


def test_a_problem_and_its_error_keep_their_parts() -> None:
    """A check that stops at a problem raises it with its parts, and one that catches the error
    hands on the same record: no line is read back into parts."""
    from reviewctl.core.case.problems import Problem
    from reviewctl.errors import InvalidDataError, UsageError, located

    for path, line, key, message in [("cases/X/case.yaml", 3, "history[1].step", "a: b"),
                                     ("reviewctl.yaml", None, "prefix", "bad"),
                                     ("cases/X", None, None, "published case: a name; redact it"),
                                     ("cases/X/report.md", 14, None, "git conflict marker"),
                                     ("a path: with a colon", 2, "a key with spaces", "x: y")]:
        problem = Problem(path, message, line, key)
        error = problem.error(UsageError)
        assert isinstance(error, UsageError) and error.message == str(problem) == located(path, line, key, message)
        assert Problem.of(error) == problem
    bare = InvalidDataError("no store here")
    assert Problem.of(bare) == Problem("", "no store here") and str(Problem.of(bare)) == "no store here"


def test_a_broken_chronology_is_named_with_its_line(cli: Cli, store: Path) -> None:
    """Chronologies are read by libyaml first; a bad one is read again for its line."""
    case_id = refer(cli)
    folder = store / "cases" / case_id / "chronology"
    folder.mkdir()
    good = "agency: Police\nimported: 2026-11-20\nsource_file: police.csv\nevents: []\n"
    (folder / "health.yaml").write_text(good.replace("Police", "Health"))
    (folder / "police.yaml").write_text(good.replace("imported: 2026-11-20", "imported: soon"))
    (folder / "school.yaml").write_text(good + "events: [\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "chronologies by hand")
    result = cli("validate")
    err = result.out + result.err
    shown = f"cases/{case_id}/chronology"
    assert f"{shown}/police.yaml:2: imported:" in err
    assert f"{shown}/school.yaml:6: malformed YAML" in err
    assert "health.yaml" not in err
