"""Identifiers stay private when things go wrong (issue 19, items 8 and 9): an error about a
file of identifiers names its line and the kind of problem, never the text; and no plain
copy of them outlives a `confidential --edit` that was killed.

Real stores, real keys (ssh-keygen, age), real git, a real editor process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import INVALID, Cli, git, refer, refused_cleanly

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
