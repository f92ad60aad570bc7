"""Identifiers stay private when things go wrong (issue 19, items 8 and 9): an error about a
file of identifiers names its line and the kind of problem, never the text; and no plain
copy of them outlives a `confidential --edit` that was killed.

Real stores, real keys (ssh-keygen, age), real git, a real editor process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import INVALID, NAME, Cli, git, refer, refused_cleanly

FICTIONAL = "Effie Madeup-Example"

# Each: a hand-edited file of identifiers that cannot be read, and the line the error names.
BAD_FILES = {
    "unknown key": (f"names: [x]\n{FICTIONAL}: y\n", 2),
    "unknown key, explicit": (f"names: [x]\n? {FICTIONAL}\n", 2),
    "key twice": (f"names: [x]\n{FICTIONAL}: 1\n{FICTIONAL}: 2\n", 3),
    "impossible date of birth": ("names: [x]\ndates_of_birth: [2019-02-30]\n", 2),
    "anchor on a key": (f"names: [x]\n{FICTIONAL}: &a [y]\n", 2),
    "timestamp tag": (f"names: [x]\nother: [!!timestamp {FICTIONAL}]\n", 2),
    "tagged key": (f"names: [x]\n!{FICTIONAL}! y: 1\n", 2),
    "undefined tag handle": (f"names: [x]\nother: [!{FICTIONAL.split()[0]}! y]\n", 2),
}
SECRET_PARTS = ("Effie", "Madeup", "2019-02-30")


def assert_private(err: str, line: int) -> None:
    for part in SECRET_PARTS:
        assert part.lower() not in err.lower(), err
    assert f":{line}:" in err, err


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_plain_confidential_yaml_that_cannot_be_read_is_not_quoted(cli: Cli, team: Path, kind: str) -> None:
    text, line = BAD_FILES[kind]
    case_id = refer(cli)
    (team / "cases" / case_id / "confidential.yaml").write_text(text, encoding="utf-8")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "identifiers before encryption")
    err = refused_cleanly(cli, team, INVALID, "redaction-check", case_id)
    assert f"cases/{case_id}/confidential.yaml:" in err
    assert_private(err, line)


@pytest.mark.parametrize("kind", BAD_FILES)
def test_an_edit_that_cannot_be_read_is_not_quoted(cli: Cli, team: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    text, line = BAD_FILES[kind]
    case_id = refer(cli)
    cli.ok("confidential", case_id, "--set", "name=Zoë Quillfeather-Imaginary")
    saved = tmp_path / "saved.yaml"
    saved.write_text(text, encoding="utf-8")
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncat "{saved}" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    err = refused_cleanly(cli, team, INVALID, "confidential", case_id, "--edit")
    assert "the edited identifiers" in err
    assert_private(err, line)


def test_a_known_key_is_still_named(cli: Cli, team: Path) -> None:
    case_id = refer(cli)
    (team / "cases" / case_id / "confidential.yaml").write_text(f"names: {FICTIONAL}\n", encoding="utf-8")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "identifiers before encryption")
    err = refused_cleanly(cli, team, INVALID, "redaction-check", case_id)
    assert ":1: names: " in err and "list" in err
    assert_private(err, 1)


# -- item 8: no plain copy outlives a killed `confidential --edit` ---------------------------

@pytest.fixture
def killed_edit(cli: Cli, team: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`confidential --edit` run as its own process, SIGKILLed while its editor (which waits)
    has the plain copy open: (the case, the copy's path), the copy still there."""
    case_id = refer(cli, "lcspr", "--name", NAME)
    seen, editor_pid = tmp_path / "seen", tmp_path / "editor.pid"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\necho $$ > "{editor_pid}"\necho "$1" > "{seen}.tmp"\n'
                      f'mv "{seen}.tmp" "{seen}"\nexec sleep 120\n')
    editor.chmod(0o755)
    process = subprocess.Popen([sys.executable, "-m", "reviewctl", "confidential", case_id, "--edit"], cwd=team,
                               env={**os.environ, "EDITOR": str(editor)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not seen.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the editor never started"
            time.sleep(0.05)
        copy = Path(seen.read_text().strip())
        assert NAME in copy.read_text(encoding="utf-8")  # the plain copy the editor has open
        # While the edit goes on, another command leaves its folder alone.
        cli.ok("list")
        assert copy.exists()
        process.kill()
        process.wait()
        assert copy.exists()  # a process killed outright removes nothing
        yield case_id, copy
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if editor_pid.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(editor_pid.read_text()), signal.SIGKILL)


def no_plain_copy_left() -> None:
    """No folder or file anywhere a private copy could be holds the fictional name."""
    for base in {os.environ["XDG_RUNTIME_DIR"], "/dev/shm", os.environ["TMPDIR"]}:
        for entry in Path(base).glob("reviewctl-*"):
            files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
            for path in files:
                with contextlib.suppress(PermissionError):  # another user's: not made by this test
                    assert NAME.encode() not in path.read_bytes(), path


def test_doctor_removes_the_plain_copy_of_a_killed_edit_and_says_so(cli: Cli, killed_edit: tuple[str, Path]) -> None:
    case_id, copy = killed_edit
    result = cli.ok("doctor")
    assert "private folder" in result.err and "confidential --edit" in result.err
    assert case_id not in result.err and str(copy.parent) not in result.err
    assert not copy.parent.exists()
    no_plain_copy_left()
    assert "nothing to mend" in cli.ok("doctor").err


def test_the_next_command_removes_it_before_a_purge(cli: Cli, team: Path, killed_edit: tuple[str, Path]) -> None:
    case_id, copy = killed_edit
    result = cli.ok("purge", case_id, "--reason", "Referred in error", "--force")
    assert "private folder" in result.err and not copy.parent.exists()
    no_plain_copy_left()


def test_a_copy_left_by_an_earlier_version_goes_once_an_hour_old(cli: Cli, team: Path) -> None:
    # Earlier versions named the folder `reviewctl-` and 8 characters, without a process id.
    folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "reviewctl-ab3_9xyz"
    folder.mkdir(mode=0o700)
    copy = folder / "TST-2026-AAAAAA-identifiers.yaml"
    copy.write_text(f"names: [{NAME}]\n")
    assert "nothing to mend" in cli.ok("doctor").err  # it may be an edit going on now
    hours_ago = time.time() - 7200
    os.utime(copy, (hours_ago, hours_ago))
    assert "removed 1 private folder" in cli.ok("doctor").err
    assert not folder.exists()
