"""`validate` remembers the cases it found valid, by the blobs of their files, and checks
only what changed; many cases are checked over the machine's cores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import Cli, git, refer, run_subprocess, snapshot

from reviewctl.core.upkeep import validate_cases as validcases
from reviewctl.core.upkeep import verdicts as validcache


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The case folders `validate` really checks (the checks themselves still run)."""
    seen: list[str] = []
    real = validcases.check_case

    def check_case(store: object, folder: Path, trust_checked: bool = True) -> validcases.Checked:
        seen.append(folder.name)
        return real(store, folder, trust_checked)  # type: ignore[arg-type]

    monkeypatch.setattr(validcases, "check_case", check_case)
    return seen


def problems(cli: Cli, store: Path, *args: str) -> list[str]:
    before = snapshot(store)
    result = cli("validate", "--format", "json", *args)
    assert snapshot(store) == before  # the cache lives under .git: nothing git sees changes
    data = json.loads(result.out)
    assert result.code == (0 if data["ok"] else 3), result.err
    return [p["text"] for p in data["problems"]]


def test_only_changed_cases_are_checked_again(cli: Cli, store: Path, counted: list[str]) -> None:
    a, b, c = refer(cli), refer(cli), refer(cli)
    assert problems(cli, store) == [] and sorted(counted) == sorted([a, b, c])
    counted.clear()
    assert problems(cli, store) == [] and counted == []  # warm: every verdict kept
    # any file of the folder, committed or not, YAML or not
    (store / "cases" / b / "notes.md").write_text("<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x\n")
    found = problems(cli, store)
    assert counted == [b] and len(found) == 1 and "git conflict marker" in found[0]
    counted.clear()
    assert len(problems(cli, store)) == 1 and counted == [b]  # a case with problems is always checked
    (store / "cases" / b / "notes.md").unlink()
    case = store / "cases" / c / "case.yaml"
    case.write_text(case.read_text() + "colour: red\n")
    counted.clear()
    found = problems(cli, store)
    assert sorted(counted) == sorted([b, c]) and len(found) == 1 and "colour" in found[0]


@pytest.mark.parametrize("change", ["settings", "workflow", "version"])
def test_what_could_change_a_verdict_clears_them_all(cli: Cli, store: Path, counted: list[str],
                                                     monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    from reviewctl.core.store.folder import DEFAULT_WORKFLOW

    ids = sorted([refer(cli), refer(cli)])
    assert problems(cli, store) == []
    counted.clear()
    config = store / "reviewctl.yaml"
    if change == "settings":
        config.write_text(config.read_text() + "# a comment changes nothing, and is still a change\n")
    elif change == "workflow":
        (store / "workflow.yaml").write_text(DEFAULT_WORKFLOW.read_text())
        config.write_text(config.read_text() + "workflow: workflow.yaml\n")
        git(store, "add", "-A")
        git(store, "commit", "-qm", "own workflow")
    else:
        monkeypatch.setattr(validcache, "__version__", "99.0.0")
    assert problems(cli, store) == [] and sorted(counted) == ids
    if change == "workflow":  # and the workflow's own content, not only its name
        counted.clear()
        wf = store / "workflow.yaml"
        wf.write_text(wf.read_text().replace("to: decision", "to: decisoin", 1))
        assert problems(cli, store) and counted == []  # a bad workflow: no case can be judged
        wf.write_text(DEFAULT_WORKFLOW.read_text() + "# changed\n")
        assert problems(cli, store) == [] and sorted(counted) == ids


def test_a_damaged_cache_is_rebuilt(cli: Cli, store: Path, counted: list[str]) -> None:
    case_id = refer(cli)
    assert problems(cli, store) == []
    (store / ".git" / validcache.CACHE_NAME).write_bytes(b"not a pickle")
    counted.clear()
    assert problems(cli, store) == [] and counted == [case_id]


def test_a_case_holding_a_link_is_never_kept(cli: Cli, store: Path, counted: list[str]) -> None:
    case_id = refer(cli)
    (store / "cases" / case_id / "notes.md").symlink_to(store / "reviewctl.yaml")
    assert any("symbolic link" in p for p in problems(cli, store))
    counted.clear()
    assert any("symbolic link" in p for p in problems(cli, store)) and counted == [case_id]


def test_many_cases_over_the_cores_find_the_same(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [refer(cli) for _ in range(6)]
    for case_id in ids[::2]:
        case = store / "cases" / case_id / "case.yaml"
        case.write_text(case.read_text().replace("stage: referred", "stage: refered"))
    serial = problems(cli, store)
    (store / ".git" / validcache.CACHE_NAME).unlink(missing_ok=True)
    monkeypatch.setattr(validcases, "PARALLEL_FROM", 2)
    monkeypatch.setattr(validcases, "CHUNK", 2)
    parallel = problems(cli, store)
    assert parallel == serial and len(serial) >= 3
    # the valid ones were kept by the workers' run too
    kept = validcache.load(validcache_store(store)).valid
    assert sorted(kept) == sorted(ids[1::2])


def validcache_store(root: Path) -> object:
    from reviewctl.core.store.folder import Store

    return Store(root)


def test_base_checks_only_the_cases_a_pull_request_touches(cli: Cli, store: Path, counted: list[str]) -> None:
    touched, untouched = refer(cli), refer(cli)
    git(store, "checkout", "-qb", "pr")
    case = store / "cases" / touched / "case.yaml"
    case.write_text(case.read_text().replace("summary: Fictional summary", "summary: Fictional summary, revised"))
    git(store, "commit", "-qam", "a pull request")
    (store / ".git" / validcache.CACHE_NAME).unlink(missing_ok=True)
    counted.clear()
    assert problems(cli, store, "--base", "main") == [] and counted == [touched]
    # a change outside the case folders has every case checked
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "# changed\n")
    git(store, "commit", "-qam", "settings")
    (store / ".git" / validcache.CACHE_NAME).unlink(missing_ok=True)
    counted.clear()
    assert problems(cli, store, "--base", "main") == [] and sorted(counted) == sorted([touched, untouched])
    # and a bad edit in the touched case is found
    case.write_text(case.read_text().replace("stage: referred", "stage: scoping"))
    git(store, "commit", "-qam", "moved by hand")
    assert any("with no step in the history" in p for p in problems(cli, store, "--base", "main"))


def test_base_sees_what_the_work_tree_changes_and_refuses_a_base_it_cannot_find(cli: Cli, store: Path,
                                                                                 counted: list[str]) -> None:
    """The work tree's status is read beside the command's other work: an uncommitted edit and
    an untracked file still make their cases touched; a base that is no branch is refused."""
    touched, untracked, untouched = refer(cli), refer(cli), refer(cli)
    git(store, "checkout", "-qb", "pr")
    case = store / "cases" / touched / "case.yaml"
    case.write_text(case.read_text().replace("summary: Fictional summary", "summary: Fictional summary, revised"))
    (store / "cases" / untracked / "notes.yaml").write_text("colour: blue\n")  # not a document of a case
    (store / ".git" / validcache.CACHE_NAME).unlink(missing_ok=True)
    counted.clear()
    found = problems(cli, store, "--base", "main")
    assert sorted(counted) == sorted([touched, untracked]) and untouched not in counted
    assert any(untracked in p and "notes.yaml" in p for p in found), found
    before = snapshot(store)
    result = cli("validate", "--base", "no-such-branch")
    assert result.code == 2 and "no-such-branch" in result.err and snapshot(store) == before


def test_the_settings_cache_never_goes_stale_and_a_damaged_one_is_rebuilt(cli: Cli, store: Path) -> None:
    """The settings files as parsed are kept in .git/reviewctl-settings.pickle, keyed by a hash
    of each file's whole text: an edit is seen at once, and a damaged file is only slower.
    Real processes: within one, the parsed settings are also kept in memory."""
    case_id = refer(cli)
    cache = store / ".git" / "reviewctl-settings.pickle"
    cache.unlink(missing_ok=True)
    assert run_subprocess("show", case_id, cwd=store).returncode == 0
    assert cache.is_file()
    cache.write_bytes(b"not a pickle at all")
    shown = run_subprocess("show", case_id, "--format", "json", cwd=store)
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == case_id, shown.stderr
    assert cache.read_bytes() != b"not a pickle at all"  # rewritten
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "colour: blue\n")
    refused = run_subprocess("show", case_id, cwd=store)
    assert refused.returncode == 3 and "reviewctl.yaml:" in refused.stderr and "colour" in refused.stderr
    config.write_text(config.read_text().replace("colour: blue\n", ""))
    assert run_subprocess("show", case_id, cwd=store).returncode == 0


def test_blob_ids_come_from_gits_index_for_unchanged_files(cli: Cli, store: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone's files are all unknown to the verdicts: their blob ids are read from git's
    index (not each file), but a file changed since it was staged is still hashed."""
    from reviewctl.core.store.folder import Store

    case_id = refer(cli)
    folder = str(store / "cases" / case_id)
    extra = store / "cases" / case_id / "notes.md"
    extra.write_text("# notes\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "notes")
    monkeypatch.setattr(validcache, "INDEX_FROM", 1)

    def key(index: bool) -> object:
        verdicts = validcache.load(Store(store))
        asked: list[int] = []
        if index:
            real = verdicts.index
            assert real is not None
            verdicts.index = lambda: asked.append(1) or real()  # type: ignore[func-returns-value]
        else:
            verdicts.index = None
        found = verdicts.folder_key(folder)
        assert asked == ([1] if index else [])
        return found

    original = key(index=True)
    assert original == key(index=False)
    extra.write_text("# NOTES\n")  # the same size, not staged: git's index no longer vouches for it
    changed = key(index=True)
    assert changed == key(index=False) and changed != original
    git(store, "add", "-A")
    assert key(index=True) == changed


def test_a_published_case_is_kept_but_its_redaction_check_runs_every_time(
        cli: Cli, store: Path, tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The redaction check reads keys that live outside the store, so it runs on every validate;
    the rest of a published case's verdict is kept like any other."""
    from helpers import to_closed

    from reviewctl.core.case.problems import Problem
    from reviewctl.core.upkeep import validate

    published, plain = to_closed(cli, store, "sar", tmp_path), refer(cli)
    redaction: list[str] = []
    said: list[Problem] = []
    real = validcases.published_problems

    def published_problems(store_: object, folder: Path, shown: str) -> list[Problem]:
        redaction.append(folder.name)
        return said or real(store_, folder, shown)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "published_problems", published_problems)
    assert problems(cli, store) == [] and sorted(counted) == sorted([published, plain])
    counted.clear()
    assert problems(cli, store) == [] and counted == [] and redaction == [published]
    said.append(Problem(f"cases/{published}", "published case: a name in report-v1.md; redact it"))
    assert problems(cli, store) == [str(p) for p in said] and counted == []  # found by the check that ran again
    said.clear()
    assert problems(cli, store) == []
