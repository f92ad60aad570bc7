"""Key exposures found by an attack on the encrypted identifiers (issue 19, items 1, 2, 3, 5
and 10): another store's keys, a purge without a key, an interrupted purge, a clone without
the base branch, linked worktrees.

Real stores, real keys (ssh-keygen, age through pyrage), real git, real clones.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    NAME,
    REFUSED,
    UNUSABLE,
    USAGE,
    Cli,
    age_key,
    git,
    key_folder,
    list_by_hand,
    reads,
    refer,
    refused_cleanly,
    run_subprocess,
    set_store_id,
    store_id,
)


def with_name(cli: Cli) -> str:
    return refer(cli, "lcspr", "--name", NAME, "--dob", "2019-03-14")


def closed_case(cli: Cli) -> str:
    case_id = with_name(cli)
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Single agency matter")
    return case_id


def entries_of(folder: Path, case_id: str) -> list[Path]:
    """Every file the key store keeps for the case, whatever state it is in."""
    return sorted(p for p in folder.iterdir() if p.name.startswith(f"{case_id}."))


# -- item 1: another store's keys -------------------------------------------------------

def test_a_store_that_claims_another_stores_id_gets_none_of_its_keys(
        cli: Cli, team: Path, tmp_path: Path, ssh_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewctl.core.store.create import init_store

    first = with_name(cli)
    entry = key_folder(tmp_path) / f"{first}.age"
    before = entry.read_text()
    other = init_store(tmp_path / "other", "Another Fictional Partnership", "OTH")
    monkeypatch.chdir(other)
    cli.ok("recipients", "add", "alex", "--key", f"{ssh_key}.pub")
    set_store_id(other, store_id(team))  # anyone who can commit to the other store
    git(other, "commit", "-qam", "the id of another store")
    stranger, stranger_public = age_key(tmp_path, "stranger")
    err = refused_cleanly(cli, other, INVALID, "recipients", "add", "stranger", "--key", stranger_public)
    assert "another repository" in err
    assert entry.read_text() == before
    ciphertext = (team / "cases" / first / "identifiers.age").read_text()
    assert not reads(stranger, entry.read_text(), ciphertext)
    err = refused_cleanly(cli, other, INVALID, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "another repository" in err
    result = cli("validate")
    assert result.code == INVALID and "store" in result.out and "another repository" in result.out


def test_a_key_store_folder_from_before_binding_is_refused_to_a_store_that_never_had_its_cases(
        cli: Cli, team: Path, tmp_path: Path, ssh_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewctl.core.store.create import init_store

    first = with_name(cli)
    folder = key_folder(tmp_path)
    for path in folder.iterdir():  # a folder made before reviewctl recorded its repository
        if path.suffix != ".age":
            path.unlink()
    other = init_store(tmp_path / "other", "Another Fictional Partnership", "OTH")
    monkeypatch.chdir(other)
    cli.ok("recipients", "add", "alex", "--key", f"{ssh_key}.pub")
    set_store_id(other, store_id(team))
    git(other, "commit", "-qam", "the id of another store")
    stranger, stranger_public = age_key(tmp_path, "stranger")
    err = refused_cleanly(cli, other, INVALID, "recipients", "add", "stranger", "--key", stranger_public)
    assert "never had" in err
    assert not reads(stranger, (folder / f"{first}.age").read_text(),
                     (team / "cases" / first / "identifiers.age").read_text())
    # Its own store opens it as before, and binds it to its repository.
    monkeypatch.chdir(team)
    assert "the store is valid" in cli.ok("validate").err
    with_name(cli)


def test_validate_base_names_a_store_id_changed_on_a_branch(cli: Cli, team: Path) -> None:
    with_name(cli)
    git(team, "checkout", "-qb", "other-id")
    set_store_id(team, secrets.token_hex(16))
    git(team, "commit", "-qam", "a new store id")
    result = cli("validate", "--base", "main")
    assert result.code == INVALID
    assert "store" in result.out and "base" in result.out


# -- item 2: a purge without a key ------------------------------------------------------

def test_a_purge_that_cannot_read_the_identifiers_takes_no_free_text(
        cli: Cli, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = closed_case(cli), closed_case(cli)
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(tmp_path / "no-such-key"))
    for args in (["--reason", f"{NAME}'s family asked for it"], ["-m", f"{NAME}'s family", "--because",
                                                                     "subject-request"]):
        err = refused_cleanly(cli, team, REFUSED, "purge", first, "--force", *args)
        assert "--because" in err and "Quillfeather" not in err
    assert (key_folder(tmp_path) / f"{first}.age").exists()
    refused_cleanly(cli, team, USAGE, "purge", first, "--force", "--because", "tidy-up")
    refused_cleanly(cli, team, USAGE, "purge", first, "--force")
    refused_cleanly(cli, team, USAGE, "purge", first, "--force", "--because", "court-order", "--reason", "x")
    cli.ok("purge", first, "--force", "--because", "subject-request")
    text = (team / "cases" / first / "case.yaml").read_text()
    assert "subject-request" in text and "Quillfeather" not in text
    assert not (key_folder(tmp_path) / f"{first}.age").exists()
    # With an identity, but the key already gone: the same.
    monkeypatch.delenv("REVIEWCTL_IDENTITY")
    (key_folder(tmp_path) / f"{second}.age").unlink()
    refused_cleanly(cli, team, REFUSED, "purge", second, "--force", "--reason", f"{NAME} asked")
    cli.ok("purge", second, "--force", "--because", "duplicate-case")


def test_a_purge_by_a_recipient_guards_its_reason_as_before(cli: Cli, team: Path) -> None:
    case_id = closed_case(cli)
    err = refused_cleanly(cli, team, REFUSED, "purge", case_id, "--force", "--reason", f"{NAME}'s family asked")
    assert "--reason (name)" in err and "Quillfeather" not in err
    cli.ok("purge", case_id, "--force", "--reason", "The family asked for it")


# -- item 3: an interrupted purge ----------------------------------------------------------

def test_a_purge_killed_after_its_commit_is_named_by_validate_and_finished_by_doctor(
        cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = closed_case(cli)
    done = run_subprocess("purge", case_id, "--reason", "referred in error", "--force", cwd=team,
                          env={"REVIEWCTL_FAULT": "after-commit"})
    assert done.returncode == 137
    result = cli("validate")
    assert result.code == INVALID and case_id in result.out and "doctor" in result.out
    said = cli.ok("doctor").err
    assert case_id in said and "purge" in said
    assert entries_of(key_folder(tmp_path), case_id) == []
    assert "the store is valid" in cli.ok("validate").err


def test_a_purge_killed_before_its_commit_gives_the_key_back(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = closed_case(cli)
    done = run_subprocess("purge", case_id, "--reason", "referred in error", "--force", cwd=team,
                          env={"REVIEWCTL_FAULT": "after-write"})
    assert done.returncode == 137
    cli.ok("doctor")
    assert [p.name for p in entries_of(key_folder(tmp_path), case_id)] == [f"{case_id}.age"]
    out = tmp_path / "ids.yaml"
    cli.ok("confidential", case_id, "--show", "--output", str(out))
    assert "Quillfeather" in out.read_text()


def test_a_recipient_added_after_an_interrupted_purge_never_gets_its_key(cli: Cli, team: Path,
                                                                       tmp_path: Path) -> None:
    case_id, other = closed_case(cli), with_name(cli)
    done = run_subprocess("purge", case_id, "--reason", "referred in error", "--force", cwd=team,
                          env={"REVIEWCTL_FAULT": "after-commit"})
    assert done.returncode == 137
    (team / ".git" / "reviewctl-journal.json").unlink()  # killed a moment later: after the journal went
    bob, bob_public = age_key(tmp_path, "bob")
    said = cli.ok("recipients", "add", "bob", "--key", bob_public).err
    assert f"finished the purge of {case_id}" in said
    folder = key_folder(tmp_path)
    assert entries_of(folder, case_id) == []
    assert reads(bob, (folder / f"{other}.age").read_text(),
                 (team / "cases" / other / "identifiers.age").read_text())


def test_a_key_restored_from_a_backup_after_its_purge_is_never_handed_on(cli: Cli, team: Path,
                                                                       tmp_path: Path) -> None:
    case_id = closed_case(cli)
    ciphertext = (team / "cases" / case_id / "identifiers.age").read_text()
    folder = key_folder(tmp_path)
    kept = (folder / f"{case_id}.age").read_text()
    cli.ok("purge", case_id, "--reason", "referred in error", "--force")
    (folder / f"{case_id}.age").write_text(kept)  # the key store restored from an older backup
    result = cli("validate")
    assert result.code == INVALID and case_id in result.out
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    assert not any(reads(bob, path.read_text(), ciphertext) for path in entries_of(folder, case_id))
    assert entries_of(folder, case_id) == []


def test_the_key_of_a_case_purged_on_another_branch_is_never_handed_on(cli: Cli, team: Path,
                                                                     tmp_path: Path) -> None:
    case_id = closed_case(cli)
    ciphertext = (team / "cases" / case_id / "identifiers.age").read_text()
    folder = key_folder(tmp_path)
    backup = tmp_path / "backup"
    shutil.copytree(folder, backup)
    git(team, "checkout", "-qb", "purging")
    cli.ok("purge", case_id, "--reason", "referred in error", "--force")
    git(team, "checkout", "-q", "main")
    shutil.copy2(backup / f"{case_id}.age", folder / f"{case_id}.age")  # the key store restored from a backup
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    assert not any(reads(bob, path.read_text(), ciphertext) for path in entries_of(folder, case_id))


# -- item 5: a clone without the base branch ------------------------------------------------

def test_a_clone_without_the_base_branch_encrypts_for_nobody_the_branch_added(
        cli: Cli, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_name(cli)
    git(team, "checkout", "-qb", "pull-request")
    _, mallory_public = age_key(tmp_path, "mallory")
    list_by_hand(team, "mallory", mallory_public)
    git(team, "add", "-A")
    git(team, "commit", "-qm", "a recipient, by hand")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "pull-request", str(team), str(clone))
    assert "main" not in git(clone, "branch", "-a")
    monkeypatch.chdir(clone)
    _, bob = age_key(tmp_path, "bob")
    refer_args = ("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "Fictional GP", "--name", NAME)
    for remote_head in (True, False):  # the clone's origin/HEAD is the pull request's branch; or there is none
        if not remote_head:
            git(clone, "remote", "set-head", "origin", "--delete")
        for args in (refer_args, ("recipients", "add", "bob", "--key", bob)):
            err = refused_cleanly(cli, clone, USAGE, *args)
            assert "'main' is not in this repository" in err
    # Named, the base is read as approvals read it: mallory is not on it.
    git(clone, "fetch", "-q", "origin", "main:refs/remotes/origin/main")
    err = refused_cleanly(cli, clone, REFUSED, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "mallory" in err


# -- item 10: linked worktrees --------------------------------------------------------------

def test_a_linked_worktree_counts_as_inside_the_repository(cli: Cli, team: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = with_name(cli)
    linked = tmp_path / "linked"
    git(team, "worktree", "add", "-q", "-b", "side", str(linked))
    err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--show", "--output", str(linked / "ids.yaml"))
    assert "inside the repository" in err
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(linked / "keys"))
    err = refused_cleanly(cli, team, UNUSABLE, "confidential", case_id, "--set", "other=ref 55-ABC-Imaginary")
    assert "inside the repository" in err
    # From the linked worktree, the main one is inside too.
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(tmp_path / "keystore"))
    monkeypatch.chdir(linked)
    err = refused_cleanly(cli, linked, USAGE, "confidential", case_id, "--show", "--output", str(team / "ids.yaml"))
    assert "inside the repository" in err
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(team / "keys"))
    err = refused_cleanly(cli, linked, UNUSABLE, "confidential", case_id, "--set", "other=ref 55-ABC-Imaginary")
    assert "inside the repository" in err
    assert not (team / "keys").exists() and not (linked / "keys").exists()


# -- careless and hostile input around the keys ---------------------------------------------

def test_a_store_id_and_roots_copied_from_another_repository_are_named_without_a_key_store(
        cli: Cli, team: Path, tmp_path: Path, ssh_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewctl.core.store.create import init_store

    other = init_store(tmp_path / "other", "Another Fictional Partnership", "OTH")
    monkeypatch.chdir(other)
    cli.ok("recipients", "add", "alex", "--key", f"{ssh_key}.pub")
    shutil.copy2(team / ".reviewctl" / "store.yaml", other / ".reviewctl" / "store.yaml")
    git(other, "commit", "-qam", "the id and first commit of another store")
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(tmp_path / "ci-has-no-key-store"))
    result = cli("validate")
    assert result.code == INVALID and "store.yaml: store: was made in another repository" in result.out


@pytest.mark.parametrize(("name", "text", "says"), [
    ("bob", "key: age1notakey\n", "key"),
    ("bob b", "key: age1" + "q" * 58 + "\n", "not a recipient name"),
    ("bob", "key: [1, 2]\n", "key"),
    ("bob", "removed: maybe\nkey: age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\n", "removed"),
])
def test_a_hand_edited_recipient_file_is_named(cli: Cli, team: Path, name: str, text: str, says: str) -> None:
    (team / ".reviewctl" / "recipients" / f"{name}.yaml").write_text(text)
    git(team, "add", "-A")
    git(team, "commit", "-qm", "a recipient, by hand")
    err = refused_cleanly(cli, team, INVALID, "recipients", "list")
    assert f"recipients/{name}.yaml" in err and says in err


def test_a_hand_edited_store_file_is_named(cli: Cli, team: Path) -> None:
    path = team / ".reviewctl" / "store.yaml"
    path.write_text(path.read_text().replace("roots:", "rooots:"))
    git(team, "commit", "-qam", "roots, misspelt")
    err = refused_cleanly(cli, team, INVALID, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "store.yaml" in err and "roots" in err


def test_a_key_store_entry_that_is_not_one_or_is_another_cases(cli: Cli, team: Path, tmp_path: Path) -> None:
    first, second = with_name(cli), with_name(cli)
    folder = key_folder(tmp_path)
    (folder / f"{first}.age").write_text((folder / f"{second}.age").read_text())  # another case's key, copied
    err = refused_cleanly(cli, team, INVALID, "confidential", first, "--show", "--output", str(tmp_path / "x"))
    assert "another case" in err and "backup" in err
    (folder / f"{first}.age").write_text("not an entry\n")
    err = refused_cleanly(cli, team, INVALID, "confidential", first, "--show", "--output", str(tmp_path / "x"))
    assert "not a key-store entry" in err
    result = cli("validate")
    assert result.code == INVALID and "not a key-store entry" in result.out


def test_a_former_recipients_name_is_not_given_to_another_key(cli: Cli, team: Path, tmp_path: Path) -> None:
    with_name(cli)
    _, bob_public = age_key(tmp_path, "bob")
    _, other_public = age_key(tmp_path, "another-bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    cli.ok("recipients", "remove", "bob")
    assert "removed: true" in (team / ".reviewctl" / "recipients" / "bob.yaml").read_text()
    err = refused_cleanly(cli, team, REFUSED, "recipients", "add", "bob", "--key", other_public)
    assert "former recipient" in err
    cli.ok("recipients", "add", "bob", "--key", bob_public)  # the same person back
    assert "the store is valid" in cli.ok("validate").err


def test_a_standard_reason_that_is_not_one_is_not_repeated(cli: Cli, team: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = closed_case(cli)
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(tmp_path / "no-such-key"))
    err = refused_cleanly(cli, team, USAGE, "purge", case_id, "--force", "--because", f"{NAME} asked")
    assert "Quillfeather" not in err and "retention-period" in err
