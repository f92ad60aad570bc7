"""Whom each case key is wrapped for (issue 19, items 4 and 11): removal protects what is
written after it, keys follow the recipients of the merged history after a sync, and one
file per recipient lets two clones each add someone.

Real stores, real keys, real git, two real clones of a bare remote sharing one key store.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    NAME,
    REFUSED,
    Cli,
    age_key,
    git,
    key_folder,
    list_by_hand,
    load,
    reads,
    refer,
    refused_cleanly,
    store_id,
)


def with_name(cli: Cli, *extra: str) -> str:
    return refer(cli, "lcspr", "--name", NAME, "--dob", "2019-03-14", *extra)


def identifiers_at_head(root: Path, case_id: str) -> str:
    return git(root, "show", f"HEAD:cases/{case_id}/identifiers.age")


def shows(cli: Cli, root: Path, identity: Path, case_id: str, tmp_path: Path) -> bool:
    out = tmp_path / f"shown-{len(list(tmp_path.glob('shown-*')))}.yaml"
    result = cli("--store", str(root), "--identity", str(identity), "confidential", case_id, "--show",
                 "--output", str(out))
    return result.code == 0 and "Quillfeather" in out.read_text()


# -- item 4: removal protects everything written after it -----------------------------------

def test_a_key_missing_during_remove_and_restored_from_a_backup_is_rekeyed_before_the_next_write(
        cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id, other = with_name(cli), with_name(cli)
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    folder = key_folder(tmp_path)
    backup = (folder / f"{case_id}.age").read_text()  # bob's copy, and the team's backup
    (folder / f"{case_id}.age").unlink()
    assert case_id in cli.ok("recipients", "remove", "bob").err  # not re-keyed: its key was missing
    (folder / f"{case_id}.age").write_text(backup)  # restored from the backup, as the warning advises
    result = cli("validate")
    assert result.code == INVALID and case_id in result.out and "bob" in result.out and other not in result.out
    cli.ok("confidential", case_id, "--set", "other=ref 55-ABC-Imaginary")
    assert not reads(bob, backup, identifiers_at_head(team, case_id))
    assert shows(cli, team, Path(__import__("os").environ["REVIEWCTL_IDENTITY"]), case_id, tmp_path)
    assert "the store is valid" in cli.ok("validate").err


def test_a_case_only_on_another_branch_at_removal_is_rekeyed_when_written_again(cli: Cli, team: Path,
                                                                               tmp_path: Path) -> None:
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    proposed = with_name(cli, "--propose")
    (branch,) = [b.strip() for b in git(team, "branch", "--format=%(refname:short)").splitlines()
                 if proposed in b]
    kept = (key_folder(tmp_path) / f"{proposed}.age").read_text()  # bob's copy
    cli.ok("recipients", "remove", "bob")
    git(team, "merge", "-q", "--no-edit", branch)
    cli.ok("confidential", proposed, "--set", "other=ref 77-XYZ-Imaginary")
    assert not reads(bob, kept, identifiers_at_head(team, proposed))


def test_a_write_on_a_branch_that_has_not_taken_in_a_removal_never_uses_a_key_they_could_read(
        cli: Cli, team: Path, tmp_path: Path) -> None:
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    git(team, "checkout", "-qb", "feature")
    case_id = with_name(cli)  # on the branch only
    kept = (key_folder(tmp_path) / f"{case_id}.age").read_text()  # bob's copy
    git(team, "checkout", "-q", "main")
    cli.ok("recipients", "remove", "bob")
    git(team, "checkout", "-q", "feature")  # still lists bob
    err = refused_cleanly(cli, team, REFUSED, "confidential", case_id, "--set", "other=ref 77-XYZ-Imaginary")
    assert "bob" in err and "base" in err
    git(team, "merge", "-q", "--no-edit", "main")
    cli.ok("confidential", case_id, "--set", "other=ref 77-XYZ-Imaginary")
    assert not reads(bob, kept, identifiers_at_head(team, case_id))


def test_an_entry_says_whom_it_is_wrapped_for_and_errors_name_them(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    _, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    entry = key_folder(tmp_path) / f"{case_id}.age"
    text = entry.read_text()
    assert "alex" in text and "bob" in text and bob_public in text  # beside the ciphertext
    # The list beside the ciphertext is checked against the one inside it.
    entry.write_text(text.replace(f"bob {bob_public}", "bob age1" + "q" * 58))
    err = refused_cleanly(cli, team, INVALID, "confidential", case_id, "--show", "--output", str(tmp_path / "x"))
    assert "backup" in err
    entry.write_text(text)
    stranger, _ = age_key(tmp_path, "stranger")
    err = refused_cleanly(cli, team, REFUSED, "--identity", str(stranger), "confidential", case_id, "--show",
                          "--output", str(tmp_path / "x"))
    assert "alex (ssh-ed25519 …" in err and "bob (age …" in err


# -- item 11: recipients changed in one clone while another works -------------------------------

@pytest.fixture
def clones(cli: Cli, team: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two clones of a bare remote of the team's store, sharing one key store; c is a recipient."""
    _, c_public = age_key(tmp_path, "c")
    with_name(cli)
    cli.ok("recipients", "add", "c", "--key", c_public)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(team, "remote", "add", "origin", str(remote))
    git(team, "push", "-q", "-u", "origin", "main")
    first, second = tmp_path / "a", tmp_path / "b"
    for clone in (first, second):
        git(tmp_path, "clone", "-q", str(remote), str(clone))
    return first, second, tmp_path / "c.key"


def test_a_case_referred_in_a_clone_that_had_not_seen_a_removal_is_rekeyed_by_sync(
        cli: Cli, clones: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, c = clones
    cli.ok("--store", str(first), "recipients", "remove", "c")
    cli.ok("--store", str(first), "sync")
    monkeypatch.chdir(second)
    case_id = with_name(cli)  # the base here still lists c
    kept = (key_folder(tmp_path) / f"{case_id}.age").read_text()
    said = cli.ok("sync").err
    assert case_id in said or "re-keyed" in said
    assert not shows(cli, second, c, case_id, tmp_path)
    assert not reads(c, kept, identifiers_at_head(second, case_id))
    assert "the store is valid" in cli.ok("validate").err


def test_a_recipient_added_in_one_clone_gets_the_cases_the_other_referred_after_sync(
        cli: Cli, clones: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, _ = clones
    d, d_public = age_key(tmp_path, "d")
    cli.ok("--store", str(first), "recipients", "add", "d", "--key", d_public)
    cli.ok("--store", str(first), "sync")
    monkeypatch.chdir(second)
    case_id = with_name(cli)
    git(second, "-c", "pull.rebase=true", "pull", "-q")  # plain git: the keys are not reconciled
    result = cli("--identity", str(d), "confidential", case_id, "--show", "--output", str(tmp_path / "x"))
    assert result.code == REFUSED and "alex (" in result.err and "d (" not in result.err
    result = cli("validate")
    assert result.code == INVALID and case_id in result.out and "d" in result.out
    cli.ok("sync")
    assert shows(cli, second, d, case_id, tmp_path)
    assert "the store is valid" in cli.ok("validate").err


def test_two_clones_that_each_add_someone_merge_and_both_newcomers_read_every_case(
        cli: Cli, clones: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, _ = clones
    d, d_public = age_key(tmp_path, "d")
    e, e_public = age_key(tmp_path, "e")
    cli.ok("--store", str(first), "recipients", "add", "d", "--key", d_public)
    cli.ok("--store", str(second), "recipients", "add", "e", "--key", e_public)
    cli.ok("--store", str(first), "sync")
    cli.ok("--store", str(second), "sync")
    cli.ok("--store", str(first), "sync")
    cases = [p.name for p in (second / "cases").iterdir() if (p / "identifiers.age").exists()]
    assert cases
    for clone in (first, second):
        for case_id in cases:
            assert shows(cli, clone, d, case_id, tmp_path) and shows(cli, clone, e, case_id, tmp_path)
    monkeypatch.chdir(second)
    assert "the store is valid" in cli.ok("validate").err


# -- one file per recipient ---------------------------------------------------------------------

def to_the_old_shape(root: Path) -> None:
    """The store as reviewctl kept its recipients before: one .reviewctl/recipients.yaml."""
    folder = root / ".reviewctl" / "recipients"
    if folder.is_dir():
        listed = "".join(f"  - {{name: {p.stem}, key: {load(p)['key']}}}\n" for p in sorted(folder.glob("*.yaml")))
        text = f"store: {store_id(root)}\nrecipients:\n{listed}"
        shutil.rmtree(folder)
        (root / ".reviewctl" / "store.yaml").unlink()
        (root / ".reviewctl" / "recipients.yaml").write_text(text)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "recipients as they were kept before")


def test_a_store_with_the_old_recipients_file_moves_to_one_file_per_recipient(cli: Cli, team: Path,
                                                                              tmp_path: Path) -> None:
    to_the_old_shape(team)
    identity = Path(__import__("os").environ["REVIEWCTL_IDENTITY"])
    old_id = store_id(team)
    case_id = with_name(cli)
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    assert not (team / ".reviewctl" / "recipients.yaml").exists()
    assert sorted(p.name for p in (team / ".reviewctl" / "recipients").iterdir()) == ["alex.yaml", "bob.yaml"]
    assert store_id(team) == old_id
    assert shows(cli, team, bob, case_id, tmp_path) and shows(cli, team, identity, case_id, tmp_path)
    assert git(team, "status", "--porcelain") == ""
    to_the_old_shape(team)
    cli.ok("recipients", "migrate")
    assert not (team / ".reviewctl" / "recipients.yaml").exists()
    assert sorted(p.name for p in (team / ".reviewctl" / "recipients").iterdir()) == ["alex.yaml", "bob.yaml"]
    assert "nothing to migrate" in cli.ok("recipients", "migrate").err
    assert shows(cli, team, bob, case_id, tmp_path)


def test_with_no_identity_the_refusal_names_who_can_read_the_key_from_the_key_file(
        cli: Cli, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = with_name(cli)
    _, bob_public = age_key(tmp_path, "bob")
    list_by_hand(team, "bob", bob_public)  # listed, but never given the key
    git(team, "add", "-A")
    git(team, "commit", "-qm", "bob, by hand")
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(tmp_path / "absent"))
    err = refused_cleanly(cli, team, REFUSED, "confidential", case_id, "--show", "--output", str(tmp_path / "x"))
    assert "alex (ssh-ed25519 …" in err and "bob" not in err


def test_a_former_recipients_file_deleted_on_a_branch_still_counts(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    entry = key_folder(tmp_path) / f"{case_id}.age"
    backup = entry.read_text()
    entry.unlink()  # missing at the removal, so not re-keyed
    cli.ok("recipients", "remove", "bob")
    entry.write_text(backup)  # restored from a backup: bob could read it
    git(team, "checkout", "-qb", "forget-bob")
    git(team, "rm", "-q", ".reviewctl/recipients/bob.yaml")
    git(team, "commit", "-qm", "no trace of bob")
    cli.ok("recipients", "reconcile")
    assert not reads(bob, backup, identifiers_at_head(team, case_id))
