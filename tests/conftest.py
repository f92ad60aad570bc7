"""Fixtures: real git repositories in temporary folders, with a pinned identity.

No test may write outside its temporary folder: HOME and git's global config point
into the session's temporary folder, and the system config is ignored.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewctl.cli.app import main
from reviewctl.core.init import init_store

TODAY = "2026-11-20"
# lcspr: each safeguarding partner's agreement to the decision (fictional people).
PARTNERS = ("--partner", "local-authority=Fictional Director; Director of Children's Services",
            "--partner", "icb=Fictional Nurse; Designated Nurse for Safeguarding",
            "--partner", "police=Fictional Superintendent; Head of Public Protection")


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test Business Unit\n\temail = test@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("REVIEWCTL_", "GIT_")):
            del os.environ[key]
    os.environ.update({
        "HOME": str(home), "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1",
        "TMPDIR": str(tmp_path_factory.mktemp("tmp")),
    })
    yield
    os.environ.clear()
    os.environ.update(saved)


@dataclass
class Result:
    code: int
    out: str
    err: str


class Cli:
    """Runs reviewctl in-process, as a user would from the store's folder."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()
        code = main(list(args))
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, result.err
        return result


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = init_store(tmp_path / "store", "Fictional Test Partnership", "TST")
    # Most tests approve without SSH keys; test_signing.py uses a signed store.
    config = root / "reviewctl.yaml"
    config.write_text(config.read_text().replace("signed_approvals: true", "signed_approvals: false"))
    git(root, "commit", "-qam", "plain approvals for tests")
    monkeypatch.chdir(root)
    monkeypatch.setenv("REVIEWCTL_TODAY", TODAY)
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def snapshot(root: Path) -> dict[str, str]:
    """HEAD, the index, the status and every file's content hash: 'exactly as before'."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "head": git(root, "rev-parse", "HEAD"),
        "index": git(root, "ls-files", "-s"),
        "status": git(root, "status", "--porcelain=v1", "--untracked-files=all"),
        "files": repr(files),
    }


def refer(cli: Cli, case_type: str = "lcspr", *extra: str) -> str:
    result = cli.ok(
        "refer", "--type", case_type, "--subject", "Child Z", "--referrer", "Fictional School DSL",
        "--received", "2026-11-02", "--summary", "Fictional summary for tests",
        "--agency", "Police", *extra,
    )
    return result.out.strip()


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewctl", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )
