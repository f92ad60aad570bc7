"""The front of the process, for each review type, through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import INVALID, PARTNERS, Cli, git, refer, refused_cleanly, snapshot, to_setup
from ruamel.yaml import YAML


def load(path: Path) -> dict:  # type: ignore[type-arg]
    return YAML(typ="safe").load(path.read_text())  # type: ignore[no-any-return]


def test_refer_prints_only_the_id_and_commits_once(cli: Cli, store: Path) -> None:
    before = git(store, "rev-list", "--count", "HEAD")
    case_id = refer(cli)
    assert re.fullmatch(r"TST-2026-[0-9A-HJKMNP-TV-Z]{6}", case_id)
    assert int(git(store, "rev-list", "--count", "HEAD")) == int(before) + 1
    case = load(store / "cases" / case_id / "case.yaml")
    assert case["stage"] == "referred"
    assert case["subject"] == "Child Z"
    assert case["history"][0]["to"] == "referred"
    message = git(store, "log", "-1", "--format=%B")
    assert case_id in message and "refer" in message
    # The commit message holds no personal data or free text.
    for text in ("Child Z", "Fictional School DSL", "Fictional summary"):
        assert text not in message
    assert git(store, "show", "--name-only", "--format=", "HEAD").split() == [
        f"cases/{case_id}/case.yaml", f"cases/{case_id}/documents/2026-11-02-acknowledgement-letter.md",
    ]
    letter = (store / "cases" / case_id / case["acknowledgement"]).read_text()
    assert case_id in letter and "Child Z" in letter and "Fictional School DSL" in letter


def test_ids_are_unique(cli: Cli, store: Path) -> None:
    ids = {refer(cli) for _ in range(5)}
    assert len(ids) == 5


def test_lcspr_front_of_process(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "Meets criteria", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--request", "Police", "--request", "Health", "--date", "2026-11-04")
    cli.ok("scope", case_id, "--notified", "2026-11-04", "--returned", "Police", "--date", "2026-11-10")
    refused = cli("scope", case_id, "--done")
    assert refused.code == 1
    assert "rapid-review-sent" in refused.err
    # Asked on 4 Nov with 10 working days: due 18 Nov, still unanswered on 20 Nov.
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    (health,) = [d for d in view["deadlines"] if d["item"] == "Health"]
    assert (health["due"], health["status"], health["working_days_left"]) == ("2026-11-18", "overdue", -2)
    cli.ok("scope", case_id, "--rapid-review-sent", "2026-11-18", "--done", "--date", "2026-11-19")
    cli.ok("decide", case_id, "--conduct", "--rationale", "Criteria met", "--attendee", "Police",
           "--parallel", "Inquest", "--scope", "Fictional scope", *PARTNERS, "--date", "2026-11-20")
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert view["stage"] == "setup"
    assert [h["to"] for h in view["history"]] == ["referred", "scoping", "decision", "setup"]
    assert view["decision"]["parallel"] == ["Inquest"]
    deadlines = {(d["name"], d["item"]): d for d in view["deadlines"]}
    # From awareness (Mon 2 Nov, the day it was referred), 15 working days with no bank
    # holiday between: Mon 23 Nov.
    assert deadlines[("rapid-review", None)]["due"] == "2026-11-23"
    assert deadlines[("rapid-review", None)]["status"] == "met"
    assert deadlines[("agency-reply", "Police")]["status"] == "met"
    # Once the meeting has gone ahead, the unanswered request is no longer overdue but stays
    # visible as missed: due 18 Nov, scoping ended on 19 Nov.
    health = deadlines[("agency-reply", "Health")]
    assert (health["status"], health["days_late"], health["working_days_left"]) == ("missed", 1, None)
    assert set(view) >= {"id", "type", "stage", "subject", "received", "history", "deadlines"}


def test_sar_goes_to_the_chair(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "sar")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--done")
    cli.ok("decide", case_id, "--conduct", "--rationale", "recommend", "--basis", "discretionary")
    assert load(store / "cases" / case_id / "case.yaml")["stage"] == "awaiting-chair"
    cli.ok("decide", case_id, "--chair", "--conduct", "--rationale", "agreed")
    case = load(store / "cases" / case_id / "case.yaml")
    decision = load(store / "cases" / case_id / "decision.yaml")
    assert case["stage"] == "setup"
    assert decision["outcome"] == "conduct" and decision["chair"]["outcome"] == "conduct"


def test_dhr_not_conducted_needs_the_learning_group(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--done")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "recommend not")
    refused = cli("decide", case_id, "--chair", "--not-conduct", "--rationale", "no")
    assert refused.code == 1 and "--learning-to" in refused.err
    cli.ok("decide", case_id, "--chair", "--not-conduct", "--rationale", "no",
           "--learning-to", "Learning and Development Group")
    assert load(store / "cases" / case_id / "case.yaml")["stage"] == "not-conducted"
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    (clock,) = [d for d in view["deadlines"] if d["name"] == "dhr-decision"]
    assert clock["due"] == "2026-12-02" and clock["status"] == "met"


def test_dhr_decision_clock_runs_a_calendar_month(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")
    view = json.loads(cli.ok("--as-of", "2026-11-30", "show", case_id, "--format", "json").out)
    (clock,) = [d for d in view["deadlines"] if d["name"] == "dhr-decision"]
    assert (clock["due"], clock["status"]) == ("2026-12-02", "due-soon")
    view = json.loads(cli.ok("--as-of", "2026-12-03", "show", case_id, "--format", "json").out)
    assert [d["status"] for d in view["deadlines"] if d["name"] == "dhr-decision"] == ["overdue"]


def test_lcspr_not_conducted(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-10", "--done")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "criteria not met", *PARTNERS,
           "--learning-to", "Learning and Development Group")
    assert load(store / "cases" / case_id / "case.yaml")["stage"] == "not-conducted"


def test_unknown_type_is_settled_before_the_decision(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "unknown")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--done")
    refused = cli("decide", case_id, "--conduct", "--rationale", "x")
    assert refused.code == 1 and "--type" in refused.err
    cli.ok("decide", case_id, "--conduct", "--rationale", "x", "--type", "sar")
    case = load(store / "cases" / case_id / "case.yaml")
    assert (case["type"], case["stage"]) == ("sar", "awaiting-chair")
    assert cli.ok("validate").code == 0


def test_no_further_action_writes_the_letter(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "unknown")
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Single agency matter")
    folder = store / "cases" / case_id
    triage = load(folder / "case.yaml")["triage"]
    assert triage["outcome"] == "no-further-action"
    assert str(triage["tracker_updated"]) == "2026-11-20"
    letter = folder / triage["letter"]
    assert letter.name == "2026-11-20-no-further-action-letter.md"
    text = letter.read_text()
    assert "Single agency matter" in text and case_id in text and "Fictional School DSL" in text
    assert f"cases/{case_id}/documents/{letter.name}" in git(store, "show", "--name-only", "--format=", "HEAD")


def test_store_template_overrides_the_default(cli: Cli, store: Path) -> None:
    (store / "templates" / "no-further-action-letter.md.j2").write_text("Ref {{ case.id }}: {{ reason }}\n")
    git(store, "add", "templates")
    git(store, "commit", "-qm", "own letter")
    case_id = refer(cli)
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Because")
    (letter,) = (store / "cases" / case_id / "documents").glob("*no-further-action-letter.md")
    assert letter.read_text() == f"Ref {case_id}: Because\n"


def test_dry_run_shows_the_change_and_changes_nothing(cli: Cli, store: Path) -> None:

    case_id = refer(cli)
    before = snapshot(store)
    result = cli.ok("triage", case_id, "--accept", "--reason", "r", "--dry-run")
    assert "+stage: scoping" in result.out and "-stage: referred" in result.out
    assert snapshot(store) == before


def test_message_goes_to_history_not_commit(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--message", "Discussed with the chair")
    history = load(store / "cases" / case_id / "case.yaml")["history"]
    assert history[-1]["note"] == "Discussed with the chair"
    assert "Discussed" not in git(store, "log", "-1", "--format=%B")


def test_comments_and_key_order_survive_a_transition(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    path = store / "cases" / case_id / "case.yaml"
    text = path.read_text().replace("subject: Child Z", "subject: Child Z  # pseudonym agreed at triage")
    path.write_text(text + "# kept at the end\n")
    git(store, "commit", "-qam", "hand note")
    keys_before = [line.split(":")[0] for line in path.read_text().splitlines() if line and line[0].isalpha()]
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    after = path.read_text()
    assert "subject: Child Z  # pseudonym agreed at triage" in after
    assert "# kept at the end" in after
    keys_after = [line.split(":")[0] for line in after.splitlines() if line and line[0].isalpha()]
    assert keys_after[: len(keys_before)] == keys_before


def test_show_list_and_log(cli: Cli, store: Path) -> None:
    lcspr = refer(cli)
    sar = refer(cli, "sar")
    cli.ok("triage", sar, "--accept", "--reason", "r")
    rows = json.loads(cli.ok("list", "--format", "json").out)
    assert {r["id"] for r in rows} == {lcspr, sar}
    assert all("history" not in r and "deadlines" in r for r in rows)
    only = json.loads(cli.ok("list", "--type", "sar", "--format", "json").out)
    assert [r["id"] for r in only] == [sar]
    staged = json.loads(cli.ok("list", "--stage", "referred", "--format", "json").out)
    assert [r["id"] for r in staged] == [lcspr]
    csv_out = cli.ok("list", "--format", "csv").out.splitlines()
    assert csv_out[0].startswith("id,type,converted_from_rapid_review,stage") and len(csv_out) == 3
    tracker = cli.ok("list", "--format", "md").out
    assert tracker.startswith("# Fictional Test Partnership: case review tracker")
    assert f"| {sar} | Safeguarding Adults Review |" in tracker  # in words: the labels
    table = cli.ok("show", sar).out
    assert "scoping" in table and "History" in table
    log = json.loads(cli.ok("log", sar, "--format", "json").out)
    assert [c["subject"].split(":")[1].split()[0] for c in log["commits"]] == ["triage-accept", "refer"]
    assert cli.ok("show", sar, "--format", "md").out.count("|") > 10


def test_store_is_found_from_a_subfolder_and_by_option(cli: Cli, store: Path, tmp_path: Path,
                                                       monkeypatch: object) -> None:
    import pytest

    case_id = refer(cli)
    mp = pytest.MonkeyPatch()
    try:
        mp.chdir(store / "cases" / case_id)
        assert cli.ok("show", case_id, "--format", "json").out
        mp.chdir(tmp_path)
        assert cli.ok("--store", str(store), "show", case_id, "--format", "json").out
        mp.setenv("REVIEWCTL_STORE", str(store))
        assert cli.ok("show", case_id, "--format", "json").out
    finally:
        mp.undo()


def test_version(cli: Cli) -> None:
    from reviewctl import __version__

    assert cli.ok("--version").out.strip() == f"reviewctl {__version__}"


def test_init_in_a_folder_of_an_existing_repo(cli: Cli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    said = cli.ok("init", str(repo / "reviews"), "--partnership", "Fictional P", "--prefix", "FP").err
    assert (repo / "reviews" / "reviewctl.yaml").is_file()
    assert not (repo / "reviews" / ".git").exists()
    assert "reviews/reviewctl.yaml" in git(repo, "show", "--name-only", "--format=", "HEAD")
    # Said at once, as a newcomer who ran `init` inside the clone of reviewctl needs to know.
    assert f"note: it is a folder of the git repository in {repo.resolve()}, and its first commit is on that " \
           "repository's branch" in said


def test_init_of_a_repository_of_its_own_says_only_where(cli: Cli, tmp_path: Path) -> None:
    fresh, empty = tmp_path / "fresh", tmp_path / "empty"
    said = cli.ok("init", str(fresh), "--prefix", "FP").err
    assert said == f"created a reviewctl store in {fresh.resolve()}\n"
    empty.mkdir()
    git(empty, "init", "-q")  # a repository made for the store, at its top: the store is the repository
    assert "note:" not in cli.ok("init", str(empty), "--prefix", "FP").err


def test_late_reply_and_notes_on_record_steps(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "sar")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--request", "Health", "--message", "Chased by phone", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("scope", case_id, "--returned", "Health", "--date", "2026-11-19")
    scoping = load(store / "cases" / case_id / "scoping.yaml")
    notes = load(store / "cases" / case_id / "notes.yaml")
    assert (notes["notes"][0]["note"], notes["notes"][0]["step"]) == ("Chased by phone", "scope")
    assert str(scoping["requests"][0]["returned"]) == "2026-11-19"
    view = json.loads(cli.ok("show", case_id, "--format", "json").out)
    (reply,) = [d for d in view["deadlines"] if d["name"] == "agency-reply"]
    assert (reply["status"], reply["late"]) == ("met-late", True)


def test_written_files_are_readable_and_clean(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "unknown", "--summary", "A long fictional summary " * 20)
    cli.ok("triage", case_id, "--no-further-action", "--reason", "r")
    for path in (store / "cases" / case_id).rglob("*.*"):
        assert path.stat().st_mode & 0o044 == 0o044, path  # not 0600 from mkstemp
    assert git(store, "diff", "--check", "HEAD~2", "HEAD") == ""


def test_template_list_and_print(cli: Cli, store: Path) -> None:
    def source(name: str) -> str:
        rows = [line.split() for line in cli.ok("template").out.splitlines()[2:]]
        return " ".join(next(row[1:] for row in rows if row[0] == name))

    assert source("no-further-action-letter.md.j2") == "built in"
    assert cli.ok("template", "chronology-template.csv").out.startswith("date,time,event,source,significance")
    (store / "templates" / "chronology-template.csv").write_text("own\n")
    assert source("chronology-template.csv") == "templates"
    assert cli.ok("template", "chronology-template.csv").out == "own\n"
    assert cli("template", "nope").code == 2


def test_a_step_rewrites_only_what_it_changes_and_keeps_its_comments(cli: Cli, store: Path) -> None:
    """A step reads the documents it does not change quickly (core/store/step.py, EditFiles) and
    reads one again for editing when it changes it: its comments survive, and the others stay
    byte for byte."""
    case_id = to_setup(cli, "sar")
    folder = store / "cases" / case_id
    texts = {}
    for name in ("scoping.yaml", "decision.yaml"):
        path = folder / name
        path.write_text(f"# {name} kept by hand\n" + path.read_text())
        texts[name] = path.read_text()
    git(store, "commit", "-qam", "hand notes")
    cli.ok("amend", case_id, "decision.rationale", "criteria met, as minuted", "--reason", "minutes agreed")
    decision = (folder / "decision.yaml").read_text()
    assert decision.startswith("# decision.yaml kept by hand\n") and "criteria met, as minuted" in decision
    assert (folder / "scoping.yaml").read_text() == texts["scoping.yaml"]
    assert git(store, "show", "--name-only", "--format=", "HEAD").split() == [
        f"cases/{case_id}/case.yaml", f"cases/{case_id}/decision.yaml"]


def test_a_problem_in_a_document_a_step_does_not_change_is_named_with_its_line(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "sar")
    path = store / "cases" / case_id / "decision.yaml"
    path.write_text(path.read_text().replace("rationale: criteria met\n", "rationale: [criteria met]\n", 1))
    git(store, "commit", "-qam", "a hand edit")
    err = refused_cleanly(cli, store, INVALID, "notify", case_id, "--family", "--date", "2026-11-12")
    assert f"cases/{case_id}/decision.yaml:4" in err and "rationale" in err, err
