"""The git adapter: few processes per step, one way into git, any layout of git folders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Cli, git, refer, run_subprocess

from reviewctl.adapters.gitrepo import GitRepo
from reviewctl.core.store.folder import Store
from reviewctl.errors import BusyError


def _git_processes(trace: Path) -> list[str]:
    """Each git process GIT_TRACE saw: a built-in's line, or an external command's."""
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.split("trace: ", 1)[1] for line in lines if "trace: built-in: git" in line or "trace: exec:" in line]


def test_a_step_runs_at_most_six_git_processes(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = refer(cli)
    trace = tmp_path / "trace.txt"
    done = run_subprocess("triage", case_id, "--accept", "--reason", "r", cwd=store, env={"GIT_TRACE": str(trace)})
    assert done.returncode == 0, done.stderr
    processes = _git_processes(trace)
    assert len(processes) <= 6, processes
    # identity and settings, HEAD and the git folder: each looked up once
    assert sum("git var" in p or "git config" in p for p in processes) == 1, processes
    assert not any("rev-parse" in p or "symbolic-ref" in p or "git version" in p for p in processes), processes
    assert git(store, "status", "--porcelain") == ""
    assert git(store, "log", "-1", "--format=%an|%B").startswith("Test Business Unit|")


def test_a_commit_made_meanwhile_is_never_lost(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    repo = GitRepo.find(store)
    assert repo is not None
    repo.changed_paths(f"cases/{case_id}")  # the step has read HEAD
    (store / "other.txt").write_text("someone else's work\n")
    git(store, "add", "other.txt")
    git(store, "commit", "-qm", "made meanwhile")
    theirs = git(store, "rev-parse", "HEAD")
    (store / "cases" / case_id / "note.txt").write_text("the step's file\n")
    with pytest.raises(BusyError, match="branch moved"):
        repo.commit_step("a step", [f"cases/{case_id}/note.txt"])
    assert git(store, "rev-parse", "HEAD") == theirs


def test_a_step_in_a_linked_worktree(cli: Cli, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = refer(cli)
    linked = tmp_path / "linked"
    git(store, "worktree", "add", "-q", "-b", "side", str(linked))
    monkeypatch.chdir(linked)
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    assert "triage-accept" in git(linked, "log", "-1", "--format=%s")
    assert git(linked, "status", "--porcelain") == ""
    repo = Store(linked).repo
    assert repo.root == linked.resolve()
    assert repo.git_dir == (store / ".git").resolve()  # one lock and journal for every worktree
    assert git(store, "log", "-1", "--format=%s") != git(linked, "log", "-1", "--format=%s")


def test_a_step_in_a_submodule(cli: Cli, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    git(outer, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(store), "reviews")
    inner = outer / "reviews"
    assert (inner / ".git").is_file()
    monkeypatch.chdir(inner)
    case_id = refer(cli)
    assert "refer" in git(inner, "log", "-1", "--format=%s")
    assert git(inner, "status", "--porcelain") == ""
    repo = Store(inner).repo
    assert repo.root == inner.resolve()
    assert repo.git_dir == (outer / ".git" / "modules" / "reviews").resolve()
    cli.ok("show", case_id)


def test_the_core_imports_without_fcntl() -> None:
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "import reviewctl.core.store.transaction, reviewctl.core.upkeep.doctor, reviewctl.adapters.gitrepo\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_one_way_into_git() -> None:
    package = Path(__file__).resolve().parent.parent / "reviewctl"
    runners = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
               if "subprocess" in p.read_text(encoding="utf-8")]
    # gitrun runs git; gitlocks runs `ps` where /proc is missing; editor runs the user's editor.
    assert sorted(runners) == ["adapters/editor.py", "adapters/gitlocks.py", "adapters/gitrun.py"]
    gitpython = re.compile(r"^\s*(import git|from git(\.| import))", re.MULTILINE)  # GitPython is gone
    assert not any(gitpython.search(p.read_text(encoding="utf-8")) for p in package.rglob("*.py"))


def test_refs_named_finds_exact_refs_in_one_process(tmp_path: Path) -> None:
    """A base branch's name is looked up in one git process: branches, remote-tracking
    branches and tags of exactly that name (not refs below it), a tag peeled to its commit,
    a tag of a tag too."""
    def run(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    run("init", "-q", "-b", "main")
    run("-c", "user.name=Fictional", "-c", "user.email=f@example.invalid", "commit", "-q", "--allow-empty", "-m", "x")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    run("update-ref", "refs/remotes/main/below", "HEAD")  # below the name `main`: not it
    run("-c", "user.name=Fictional", "-c", "user.email=f@example.invalid", "tag", "-a", "-m", "t", "inner")
    run("-c", "user.name=Fictional", "-c", "user.email=f@example.invalid", "-c", "advice.nestedTag=false",
        "tag", "-a", "-m", "t", "outer", "inner")
    run("tag", "main")  # a light tag beside the branch: both are found, for the ambiguity check
    repo = GitRepo.find(tmp_path)
    assert repo is not None
    assert repo.refs_named("main") == [("refs/heads/main", head), ("refs/tags/main", head)]
    assert repo.refs_named("outer") == [("refs/tags/outer", head)]
    assert repo.refs_named("below") == [] and repo.refs_named("nothing") == []
    assert repo.refs_named("main/below") == [("refs/remotes/main/below", head)]
