"""git as people really use it: an editor's `git status`, a stale lock, a step killed mid-way.

Real git in temporary folders: a thread runs git itself, and locks are real files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import BUSY, Cli, git, refer, refused_cleanly, run_subprocess, snapshot, stage, to_in_review

JOURNAL = ".git/reviewctl-journal.json"
FAKE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFictionalTestKeyOnlyNotARealKey0000000000"
LOCKS = ["index.lock", "HEAD.lock", "refs/heads/main.lock"]


def key_file(tmp_path: Path, name: str = "approver") -> str:
    path = tmp_path / f"{name}.pub"
    path.write_text(f"{FAKE_KEY} {name}@fictional.invalid\n")
    return str(path)


@pytest.fixture
def busy_git(store: Path) -> Iterator[list[int]]:
    """`git status` and `git diff` over and over, as an editor or a shell prompt runs them."""
    stop = threading.Event()
    runs = [0]

    def loop() -> None:
        while not stop.is_set():
            for command in (["git", "status"], ["git", "diff"]):
                subprocess.run(command, cwd=store, capture_output=True, check=False)
            runs[0] += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield runs
    stop.set()
    thread.join(timeout=30)


def test_steps_survive_a_concurrent_git_status(cli: Cli, store: Path, tmp_path: Path,
                                               busy_git: list[int]) -> None:
    for case_type in ("lcspr", "sar"):
        case_id = to_in_review(cli, store, case_type, tmp_path)
        assert stage(store, case_id) == "in-review"
    cli.ok("approvers", "add", "sscp", "approver.one@fictional.invalid", "--key", key_file(tmp_path))
    cli.ok("approvers", "add", "independent-chair", "approver.two@fictional.invalid",
           "--key", key_file(tmp_path, "two"))
    cli.ok("approvers", "remove", "sscp", "approver.one@fictional.invalid")
    assert busy_git[0] > 10  # git really did run alongside
    assert not (store / JOURNAL).exists()
    assert git(store, "status", "--porcelain") == ""
    assert git(store, "diff", "--cached", "--name-only") == ""


def _remove_later(path: Path, seconds: float) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), path.unlink()), daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("lock", LOCKS)
def test_a_lock_held_for_a_moment_is_waited_for(cli: Cli, store: Path, lock: str) -> None:
    case_id = refer(cli)
    path = store / ".git" / lock
    path.write_text("")
    remover = _remove_later(path, 0.5)
    started = time.monotonic()
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    assert time.monotonic() - started >= 0.45
    remover.join()
    assert stage(store, case_id) == "scoping"
    assert git(store, "status", "--porcelain") == ""
    assert not (store / JOURNAL).exists()


@pytest.mark.parametrize("lock", LOCKS)
def test_a_stale_lock_is_named_and_doctor_removes_it(cli: Cli, store: Path, lock: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = refer(cli)
    monkeypatch.setenv("REVIEWCTL_GIT_LOCK_TIMEOUT", "0.3")
    path = store / ".git" / lock
    path.write_text("")
    err = refused_cleanly(cli, store, BUSY, "triage", case_id, "--accept", "--reason", "r")
    assert f".git/{lock}: git's lock file has been there for over 0.3s" in err
    assert "if no git is running, run `reviewctl doctor` (or delete the file)" in err
    assert not (store / JOURNAL).exists()
    # Too young to be sure no git is just starting: left, and said so.
    assert "it is only" in cli.ok("doctor").err and path.exists()
    old = time.time() - 120
    os.utime(path, (old, old))
    assert f"removed git's stale lock file .git/{lock}" in cli.ok("doctor").err
    assert not path.exists()
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    assert git(store, "status", "--porcelain") == ""


def test_doctor_leaves_a_lock_that_a_running_git_holds(cli: Cli, store: Path) -> None:
    (store / "reviewctl.yaml").write_text((store / "reviewctl.yaml").read_text() + "# edited\n")
    # `git commit -a` holds index.lock while its editor is open.
    editor = subprocess.Popen(["git", "commit", "-a", "-q"], cwd=store, start_new_session=True,
                              env={**os.environ, "GIT_EDITOR": "sleep 60;:"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = store / ".git" / "index.lock"
        deadline = time.monotonic() + 20
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        old = time.time() - 120
        os.utime(lock, (old, old))
        said = cli.ok("doctor").err
        assert "left .git/index.lock: a git is running in this repository" in said
        assert lock.exists()
    finally:
        os.killpg(editor.pid, signal.SIGTERM)
        editor.wait(timeout=20)


def test_doctor_removes_its_own_leftover_temporary_files(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    (store / ".reviewctl").mkdir(exist_ok=True)  # init keeps the editors' schemas there
    leftovers = [
        ".git/reviewctl-index-4242", ".git/reviewctl-index-4242.lock", ".git/.reviewctl-journal.json.ab12cd34.tmp",
        ".reviewctl.yaml.q1w2e3r4.tmp", ".reviewctl/.allowed_signers.zx_9yw8v.tmp",
        "templates/.letter.md.j2.abcdefgh.tmp", f"cases/{case_id}/.case.yaml.k3j4h5g6.tmp",
    ]
    kept = ["notes.tmp", ".scratch.tmp", "cases/.plan.md.abcdefgh.tmp"]  # not reviewctl's, or committed
    for rel in leftovers + kept:
        (store / rel).write_text("half\n")
    git(store, "add", "-f", kept[2])
    git(store, "commit", "-qm", "a file of someone's")
    said = cli.ok("doctor").err
    for rel in leftovers:
        assert not (store / rel).exists(), rel
        assert Path(rel).name in said
    assert all((store / rel).exists() for rel in kept)
    assert "nothing to mend" in cli.ok("doctor").err


# -- a step killed after (or before) its commit -------------------------------------

def _approvers(tmp_path: Path, action: str) -> tuple[str, ...]:
    if action == "approvers-add":
        return ("approvers", "add", "sscp", "approver.two@fictional.invalid", "--key", key_file(tmp_path, "two"))
    return ("approvers", "remove", "sscp", "approver.one@fictional.invalid")


@pytest.fixture
def with_approver(cli: Cli, store: Path, tmp_path: Path) -> Path:
    cli.ok("approvers", "add", "sscp", "approver.one@fictional.invalid", "--key", key_file(tmp_path))
    return store


@pytest.mark.parametrize("action", ["approvers-add", "approvers-remove"])
def test_doctor_keeps_committed_approvers_changes(cli: Cli, with_approver: Path, tmp_path: Path,
                                                  action: str) -> None:
    store = with_approver
    killed = run_subprocess(*_approvers(tmp_path, action), cwd=store, env={"REVIEWCTL_FAULT": "after-commit"})
    assert killed.returncode == 137
    after = {name: (store / name).read_text() for name in ("reviewctl.yaml", ".reviewctl/allowed_signers")}
    assert f"Reviewctl-Step: {action}" in git(store, "log", "-1", "--format=%B")
    said = cli.ok("doctor").err
    assert "had been committed" in said and "before its commit" not in said
    assert {name: (store / name).read_text() for name in after} == after
    assert git(store, "status", "--porcelain") == ""
    assert not (store / JOURNAL).exists()


@pytest.mark.parametrize("action", ["triage", "approvers-add"])
def test_doctor_finds_the_commit_after_other_commits(cli: Cli, with_approver: Path, tmp_path: Path,
                                                     action: str) -> None:
    store = with_approver
    case_id = refer(cli)
    args = ("triage", case_id, "--accept", "--reason", "r") if action == "triage" else _approvers(tmp_path, action)
    killed = run_subprocess(*args, cwd=store, env={"REVIEWCTL_FAULT": "after-commit"})
    assert killed.returncode == 137
    watched = [store / "reviewctl.yaml", store / ".reviewctl" / "allowed_signers",
               store / "cases" / case_id / "case.yaml"]
    committed = [path.read_text() for path in watched]
    for n in (1, 2):  # someone commits by hand before running doctor
        (store / f"other-{n}.txt").write_text("unrelated\n")
        git(store, "add", f"other-{n}.txt")
        git(store, "commit", "-qm", f"unrelated work {n}")
    said = cli.ok("doctor").err
    assert "had been committed" in said and "before its commit" not in said
    assert [path.read_text() for path in watched] == committed
    assert git(store, "status", "--porcelain") == ""
    if action == "triage":
        assert stage(store, case_id) == "scoping"
    else:
        assert "approver.two@fictional.invalid" in (store / "reviewctl.yaml").read_text()


@pytest.mark.parametrize("action", ["triage", "approvers-add", "approvers-remove"])
def test_doctor_still_puts_back_a_step_killed_before_its_commit(cli: Cli, with_approver: Path, tmp_path: Path,
                                                                action: str) -> None:
    store = with_approver
    case_id = refer(cli)
    args = ("triage", case_id, "--accept", "--reason", "r") if action == "triage" else _approvers(tmp_path, action)
    before = snapshot(store)
    killed = run_subprocess(*args, cwd=store, env={"REVIEWCTL_FAULT": "after-write"})
    assert killed.returncode == 137
    assert snapshot(store) != before
    assert "put back" in cli.ok("doctor").err
    assert snapshot(store) == before


# -- the index refreshed after the commit -------------------------------------------

def _lock_index_once_committed(store: Path) -> None:
    """A hook git runs once HEAD has moved: it takes index.lock, as a git starting then would."""
    hook = store / ".git" / "hooks" / "reference-transaction"
    hook.write_text('#!/bin/sh\n[ "$1" = committed ] && touch "$(git rev-parse --git-dir)/index.lock"\nexit 0\n')
    hook.chmod(0o755)


def _triage_with_the_index_locked_after_its_commit(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch,
                                                   case_id: str) -> None:
    """Someone's staged work, then a triage whose index refresh is blocked once HEAD has moved."""
    (store / "staged.txt").write_text("staged by hand\n")
    git(store, "add", "staged.txt")
    monkeypatch.setenv("REVIEWCTL_GIT_LOCK_TIMEOUT", "0.3")
    _lock_index_once_committed(store)
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    (store / ".git" / "hooks" / "reference-transaction").unlink()
    (store / ".git" / "index.lock").unlink()


def test_an_index_that_cannot_be_refreshed_after_the_commit_is_not_a_failed_step(
        cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id, other = refer(cli), refer(cli)
    # The step commits on an index of its own, then must refresh the real one.
    _triage_with_the_index_locked_after_its_commit(cli, store, monkeypatch, case_id)
    assert stage(store, case_id) == "scoping"  # the work tree keeps what was committed
    assert "Reviewctl-Step: triage-accept" in git(store, "log", "-1", "--format=%B")
    assert not (store / JOURNAL).exists()
    # The next step brings the index up to date first.
    cli.ok("triage", other, "--accept", "--reason", "r")
    assert git(store, "status", "--porcelain") == "A  staged.txt\n"


def test_doctor_refreshes_an_index_a_step_could_not(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = refer(cli)
    _triage_with_the_index_locked_after_its_commit(cli, store, monkeypatch, case_id)
    assert git(store, "status", "--porcelain") != "A  staged.txt\n"  # the index lags behind HEAD
    assert "brought the index up to date for 1 committed file(s)" in cli.ok("doctor").err
    assert git(store, "status", "--porcelain") == "A  staged.txt\n"
