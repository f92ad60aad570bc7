"""`validate` keeps each approved case's approval checks between runs (issue 22): they are
not worked out again while nothing they depend on changes (the case's files, what the base
says, the commits that name the case), and are whenever any of it does."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Cli, become, git, to_jcrg

from reviewctl.core.signing import verify


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cases whose approval checks are really worked out (the checks themselves still run)."""
    seen: list[str] = []
    real = verify.check_case

    def check_case(store: object, files: object, *args: object, **kwargs: object) -> list[verify.Check]:
        seen.append(files.id)  # type: ignore[attr-defined]
        return real(store, files, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verify, "check_case", check_case)
    return seen


def approved(cli: Cli, signed: Path, keys: dict[str, Path], tmp_path: Path) -> tuple[str, str]:
    """An approved case, and the commit before its approvals."""
    case_id = to_jcrg(cli, signed, tmp_path)
    before = git(signed, "rev-parse", "HEAD").strip()
    cli.ok("approve", case_id, "--role", "sscp")
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    become(signed, "alice", keys)
    return case_id, before


def test_kept_checks_are_used_until_a_commit_naming_the_case_changes(
        cli: Cli, signed: Path, keys: dict[str, Path], tmp_path: Path, worked_out: list[str]) -> None:
    case_id, before = approved(cli, signed, keys, tmp_path)
    assert cli("validate").code == 0 and worked_out == [case_id]
    assert cli("validate").code == 0 and worked_out == [case_id]  # kept: not worked out again
    # Another case's step is a new commit: this case's checks stand.
    to_jcrg(cli, signed, tmp_path)
    worked_out.clear()
    assert cli("validate").code == 0 and worked_out == []
    # History rewritten so that the approval commits are gone, the files exactly as they were:
    # the approvals no longer stand, and the kept checks must not say they do.
    git(signed, "reset", "-q", "--soft", before)  # both approvals and the other case's steps
    git(signed, "commit", "-qm", "squashed by hand", "--no-gpg-sign")
    assert cli("validate").code == 3 and worked_out == [case_id]


def test_kept_checks_follow_what_the_base_says(cli: Cli, signed: Path, keys: dict[str, Path], tmp_path: Path,
                                               worked_out: list[str]) -> None:
    case_id, _ = approved(cli, signed, keys, tmp_path)
    assert cli("validate").code == 0
    signers = signed / ".reviewctl" / "allowed_signers"
    kept = signers.read_text()
    # carol's key leaves the allowed signers on main (by hand, as a revocation might): her
    # approval is rejected at once, though the case's files did not change.
    signers.write_text("".join(line for line in kept.splitlines(keepends=True) if "carol" not in line))
    git(signed, "commit", "-qam", "a key revoked by hand", "--no-gpg-sign")
    worked_out.clear()
    assert cli("validate").code == 3 and worked_out == [case_id]


def test_a_kept_check_names_the_base_it_is_checked_against_now(cli: Cli, signed: Path, keys: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    approved(cli, signed, keys, tmp_path)
    git(signed, "branch", "strict")
    git(signed, "checkout", "-q", "strict")
    signers = signed / ".reviewctl" / "allowed_signers"
    signers.write_text("".join(line for line in signers.read_text().splitlines(keepends=True) if "carol" not in line))
    git(signed, "commit", "-qam", "carol's key revoked on the strict branch", "--no-gpg-sign")
    git(signed, "checkout", "-q", "main")
    git(signed, "config", "reviewctl.base", "strict")
    assert "not in the allowed signers of strict" in cli("validate").out
    git(signed, "branch", "-m", "strict", "renamed")
    git(signed, "config", "reviewctl.base", "renamed")
    found = cli("validate").out
    assert "not in the allowed signers of renamed" in found and "of strict" not in found
