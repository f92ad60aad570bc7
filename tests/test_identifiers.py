"""Identifiers encrypted at rest, the team's recipients, the guard at the point of entry,
retention and the purge that really erases (issue 13).

Real age encryption (pyrage), real ssh-ed25519 keys from ssh-keygen, real git.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from helpers import (
    ADDRESS,
    DOB,
    INVALID,
    NAME,
    REFUSED,
    TICK_ALL,
    USAGE,
    Cli,
    age_key,
    armour,
    git,
    list_by_hand,
    refer,
    refused_cleanly,
    run_subprocess,
    snapshot,
    to_in_review,
)

from reviewctl.adapters import agecrypt


def key_file(tmp_path: Path, case_id: str) -> Path:
    """The case's entry in the key store: one folder per store, by the store's id."""
    folders = [p for p in (tmp_path / "keystore").iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0] / f"{case_id}.age"


def with_name(cli: Cli, *extra: str) -> str:
    return refer(cli, "lcspr", "--name", NAME, "--dob", DOB, *extra)


def every_blob(root: Path) -> list[bytes]:
    """Every blob reachable from any ref: one `cat-file --batch` for them all, not two processes each."""
    listed = git(root, "rev-list", "--all", "--objects").split("\n")
    shas = "".join(line.split()[0] + "\n" for line in listed if line.strip())
    out = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input=shas.encode(), check=True,
                         capture_output=True).stdout
    blobs, pos = [], 0
    while pos < len(out):  # each object: "<sha> <type> <size>\n<content>\n"
        end = out.index(b"\n", pos)
        _, kind, size = out[pos:end].split()
        start, pos = end + 1, end + 1 + int(size) + 1
        if kind == b"blob":
            blobs.append(out[start:start + int(size)])
    return blobs


def shown(cli: Cli, tmp_path: Path, case_id: str, *before: str) -> str:
    out = tmp_path / f"shown-{len(list(tmp_path.glob('shown-*')))}.yaml"
    cli.ok(*before, "confidential", case_id, "--show", "--output", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out.read_text(encoding="utf-8")


# -- encrypted at rest ---------------------------------------------------------------

def test_referral_with_a_name_keeps_it_encrypted(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli, "--address", ADDRESS)
    folder = team / "cases" / case_id
    text = (folder / "identifiers.age").read_text()
    assert text.startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    assert not (folder / "confidential.yaml").exists()
    for blob in every_blob(team):
        for secret in (NAME, "Quillfeather", DOB, "ZZ9 9ZZ"):
            assert secret.encode() not in blob
    entry = key_file(tmp_path, case_id)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert "AGE-SECRET-KEY" not in entry.read_text()  # the case key is itself encrypted
    assert NAME in shown(cli, tmp_path, case_id)
    message = git(team, "log", "-1", "--format=%B")
    assert "Quillfeather" not in message and case_id in message


def test_show_refuses_a_pipe_and_an_existing_file(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--show")
    assert "not a terminal" in err and "--output" in err
    existing = tmp_path / "there.yaml"
    existing.write_text("keep me")
    refused_cleanly(cli, team, USAGE, "confidential", case_id, "--show", "--output", str(existing))
    assert existing.read_text() == "keep me"


def test_set_and_remove_identifiers(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = refer(cli)
    cli.ok("confidential", case_id, "--set", f"name={NAME}", "--set", "nhs=999 000 1112")
    assert "999 000 1112" in shown(cli, tmp_path, case_id)
    cli.ok("confidential", case_id, "--remove", "nhs=999 000 1112")
    text = shown(cli, tmp_path, case_id)
    assert NAME in text and "1112" not in text
    refused_cleanly(cli, team, USAGE, "confidential", case_id, "--set", "shoe=9")
    err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--set", "dob=03/14/2019")  # month first
    assert "not a real date; write it day first" in err and "03/14" not in err  # the identifier is not repeated
    cli.ok("confidential", case_id, "--set", "dob=14/03/2019")  # day first, as England writes it
    assert "2019-03-14" in shown(cli, tmp_path, case_id)
    refused_cleanly(cli, team, USAGE, "confidential", case_id, "--set", "name=  ")
    refused_cleanly(cli, team, USAGE, "confidential", case_id, "--remove", "name=Nobody Else")


def test_edit_in_a_private_file_that_is_removed(cli: Cli, team: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = with_name(cli)
    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nstat -c %a "$1" > {seen}\necho "$1" >> {seen}\n'
                      'printf "other:\\n  - ref 55-ABC-Imaginary\\n" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    cli.ok("confidential", case_id, "--edit")
    mode, path = seen.read_text().split()
    assert mode == "600" and not Path(path).exists()
    assert "55-ABC-Imaginary" in shown(cli, tmp_path, case_id)


def test_no_recipients_when_identifiers_are_set(cli: Cli, store: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(tmp_path / "keystore"))
    err = refused_cleanly(cli, store, REFUSED, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "no recipients" in err and "recipients add" in err
    assert not (tmp_path / "keystore").exists() or not any((tmp_path / "keystore").iterdir())


@pytest.mark.parametrize("key", [
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC",
    "age1notakey",
    "ssh-ed25519 AAAAnotbase64!!",
    "",
])
def test_a_key_that_is_not_an_age_or_ssh_ed25519_public_key(cli: Cli, team: Path, key: str) -> None:
    err = refused_cleanly(cli, team, USAGE, "recipients", "add", "bob", "--key", key)
    assert "--key" in err


def test_a_private_key_given_as_a_recipient_is_refused_and_not_repeated(cli: Cli, team: Path,
                                                                       ssh_key: Path, tmp_path: Path) -> None:
    secret = ssh_key.read_text()
    err = refused_cleanly(cli, team, USAGE, "recipients", "add", "bob", "--key", secret)
    assert "private key" in err and secret.splitlines()[1] not in err
    age_file, _ = age_key(tmp_path, "bob")
    err = refused_cleanly(cli, team, USAGE, "recipients", "add", "bob", "--key", str(age_file))
    assert "private key" in err and "AGE-SECRET" not in err
    err = refused_cleanly(cli, team, USAGE, "recipients", "add", "bob", "--key", str(ssh_key))
    assert "private key" in err


def test_a_recipient_name_or_key_twice(cli: Cli, team: Path, ssh_key: Path) -> None:
    refused_cleanly(cli, team, REFUSED, "recipients", "add", "alex", "--key", f"{ssh_key}.pub")
    refused_cleanly(cli, team, REFUSED, "recipients", "add", "alex2", "--key", f"{ssh_key}.pub")
    refused_cleanly(cli, team, USAGE, "recipients", "add", "alex b", "--key", f"{ssh_key}.pub")
    refused_cleanly(cli, team, REFUSED, "recipients", "remove", "nobody")


def test_without_a_matching_identity_the_error_says_who_can_read(cli: Cli, team: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = with_name(cli)
    stranger, _ = age_key(tmp_path, "stranger")
    err = refused_cleanly(cli, team, REFUSED, "--identity", str(stranger), "confidential", case_id, "--show",
                          "--output", str(tmp_path / "x.yaml"))
    assert "alex (ssh-ed25519 …" in err and NAME not in err
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(tmp_path / "absent"))
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert "no identity" in err and "alex" in err
    # A step that writes free text cannot be checked without the key: it is refused too.
    err = refused_cleanly(cli, team, REFUSED, "triage", case_id, "--accept", "--reason", "Criteria met")
    assert "cannot be read here" in err


def test_a_passphrase_protected_ssh_key_is_named(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    locked = tmp_path / "locked"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", str(locked)], check=True)
    err = refused_cleanly(cli, team, USAGE, "--identity", str(locked), "confidential", case_id, "--show",
                          "--output", str(tmp_path / "x.yaml"))
    assert "passphrase" in err


def test_a_damaged_ciphertext(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    path = team / "cases" / case_id / "identifiers.age"
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:10] + ("A" if lines[2][10] != "A" else "B") + lines[2][11:]
    path.write_text("\n".join(lines) + "\n")
    git(team, "commit", "-qam", "damage")
    err = refused_cleanly(cli, team, INVALID, "confidential", case_id, "--show", "--output", str(tmp_path / "x"))
    assert "identifiers.age" in err and "cannot be decrypted" in err


def test_the_key_store_may_not_be_inside_the_repository(cli: Cli, team: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(team / "keys"))
    err = refused_cleanly(cli, team, 4, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "inside the repository" in err


# -- the guard at the point of entry -----------------------------------------------------

@pytest.mark.parametrize(("args", "option", "kind"), [
    (["--reason", "Zoe QUILLFEATHER was harmed"], "--reason", "name"),
    (["--reason", "Criteria met", "--summary", "the Quillfeathers’ home"], "--summary", "name"),
    (["--reason", "Criteria met", "-m", "born 14th March 2019"], "--message", "date of birth"),
    (["--reason", "Criteria met", "--agency", "Quill-feather Imaginary Trust"], "--agency", "name"),
])
def test_free_text_with_an_identifier_is_refused_naming_the_option(cli: Cli, team: Path, args: list[str],
                                                                   option: str, kind: str) -> None:
    case_id = with_name(cli)
    err = refused_cleanly(cli, team, REFUSED, "triage", case_id, "--accept", *args)
    assert f"{option} ({kind})" in err
    assert "Quillfeather" not in err and "2019" not in err


def test_the_guard_works_from_the_referral_itself(cli: Cli, team: Path) -> None:
    err = refused_cleanly(cli, team, REFUSED, "refer", "--type", "lcspr", "--subject", "Child Z",
                          "--referrer", "Fictional School DSL", "--summary", "Zoë Quillfeather-Imaginary fell",
                          "--name", NAME)
    assert "--summary (name)" in err
    assert not any((team.parent / "keystore").glob("*.age")) if (team.parent / "keystore").exists() else True


def test_a_file_taken_in_is_checked(cli: Cli, team: Path, tmp_path: Path) -> None:

    case_id = to_in_review(cli, team, "lcspr", tmp_path)
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    cli.ok("checklist", case_id, *TICK_ALL)
    report = tmp_path / "draft.md"
    recommendations = "\n## Recommendations\n\n1. Share information at referral.\n"
    report.write_text("# Draft\n\nThe review of Child Z.\n\nIt met Z. Quill\u00adfeather-Imaginary twice.\n"
                      + recommendations)
    err = refused_cleanly(cli, team, REFUSED, "report", case_id, "--file", str(report))
    assert "report-v1.md:5 (name)" in err and "Quill" not in err
    report.write_text("# Draft\n\nThe review of Child Z.\n" + recommendations)
    cli.ok("report", case_id, "--file", str(report))


def test_without_identifiers_nothing_is_decrypted(cli: Cli, team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = refer(cli)
    monkeypatch.setenv("REVIEWCTL_IDENTITY", "/nonexistent/key")
    cli.ok("triage", case_id, "--accept", "--reason", f"{NAME} is only words without identifiers")


# -- recipients ----------------------------------------------------------------------

def test_adding_a_recipient_lets_them_read_every_case(cli: Cli, team: Path, tmp_path: Path) -> None:
    first, second = with_name(cli), with_name(cli)
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    for case_id in (first, second):
        assert NAME in shown(cli, tmp_path, case_id, "--identity", str(bob))
    listing = cli.ok("recipients", "list", "--format", "json").out
    assert '"bob"' in listing and bob_public not in listing


def test_removing_a_recipient_gives_every_case_a_new_key_in_one_commit(cli: Cli, team: Path, tmp_path: Path) -> None:
    cases = [with_name(cli), with_name(cli)]
    bob, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    old_store = {c: (key_file(tmp_path, c)).read_text() for c in cases}
    cli.ok("recipients", "remove", "bob")
    changed = git(team, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == sorted([".reviewctl/recipients/bob.yaml", *(f"cases/{c}/identifiers.age" for c in cases)])
    for case_id in cases:
        err = cli("--identity", str(bob), "confidential", case_id, "--show", "--output", str(tmp_path / "b"))
        assert err.code == REFUSED and "alex" in err.err
        assert NAME in shown(cli, tmp_path, case_id)  # alex still reads, with the new key
        # What removal cannot do: bob's copy of the old key store still reads the old commit.
        old_secret = agecrypt.load_identity(bob, "bob").decrypt(armour(old_store[case_id])).decode()
        old_text = git(team, "show", f"HEAD~1:cases/{case_id}/identifiers.age")
        keys = agecrypt.secret_identities("\n".join(line for line in old_secret.splitlines()
                                                    if line.startswith("AGE-")), "old")
        assert NAME in keys.decrypt(old_text).decode()
        with pytest.raises(agecrypt.CryptoError):  # but not the new one
            keys.decrypt((team / "cases" / case_id / "identifiers.age").read_text())


def test_the_last_recipient_cannot_go_while_cases_have_identifiers(cli: Cli, team: Path) -> None:
    with_name(cli)
    err = refused_cleanly(cli, team, REFUSED, "recipients", "remove", "alex")
    assert "last recipient" in err


# -- retention and purge ---------------------------------------------------------------

def closed_case(cli: Cli, team: Path) -> str:
    """A case ended at triage (no further action) on 2026-11-20, with identifiers."""
    case_id = with_name(cli)
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Single agency matter")
    return case_id


def set_retention(team: Path, text: str = "retention:\n  lcspr: {years: 1}\n") -> None:
    config = team / "reviewctl.yaml"
    config.write_text(config.read_text() + text)
    git(team, "commit", "-qam", "retention")


def test_retention_lists_what_is_due(cli: Cli, team: Path) -> None:
    case_id = closed_case(cli, team)
    open_case = with_name(cli)
    result = cli.ok("retention")
    assert "no retention period is set for lcspr" in result.err
    set_retention(team)
    assert case_id not in cli.ok("retention").out
    due = cli.ok("--as-of", "2027-11-20", "retention", "--format", "json").out
    assert case_id in due and open_case not in due and '"destroy_from": "2027-11-20"' in due
    assert case_id in cli.ok("retention", "--all").out


def test_a_retention_setting_for_an_unknown_type(cli: Cli, team: Path) -> None:
    set_retention(team, "retention:\n  lscpr: {years: 1}\n")
    err = refused_cleanly(cli, team, INVALID, "retention")
    assert "retention.lscpr" in err and "lcspr" in err
    set_retention(team, "  sar: {years: 0}\n")
    refused_cleanly(cli, team, INVALID, "retention")


def test_purge_before_retention_needs_force_and_a_reason(cli: Cli, team: Path) -> None:
    case_id = closed_case(cli, team)
    set_retention(team)
    err = refused_cleanly(cli, team, REFUSED, "purge", case_id, "--reason", "tidy up")
    assert "kept until 2027-11-20" in err and "--force" in err
    refused_cleanly(cli, team, USAGE, "purge", case_id, "--reason", " ", "--force")
    open_case = with_name(cli)
    err = refused_cleanly(cli, team, REFUSED, "purge", open_case, "--reason", "tidy up")
    assert "not closed" in err


def test_purge_erases_for_every_commit_and_clone(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = closed_case(cli, team)
    cli.ok("confidential", case_id, "--set", f"address={ADDRESS}")
    set_retention(team)
    clone = tmp_path / "clone"
    git(team, "clone", "-q", str(team), str(clone))
    cli.ok("--as-of", "2027-11-21", "purge", case_id, "--reason", "Retention schedule: 1 year after closure")
    assert not (key_file(tmp_path, case_id)).exists()
    assert not (team / "cases" / case_id / "identifiers.age").exists()
    case_yaml = (team / "cases" / case_id / "case.yaml").read_text()
    assert "identifiers_purged:" in case_yaml and "Retention schedule" in case_yaml
    assert "by: Test Business Unit" in case_yaml
    # No blob of the repository, or of the clone made before, holds the plain text...
    for root in (team, clone):
        for blob in every_blob(root):
            assert b"Quillfeather" not in blob and b"ZZ9 9ZZ" not in blob
    # ...and no key the team holds reads any of the ciphertexts history keeps.
    texts = [git(team, "show", f"{sha}:cases/{case_id}/identifiers.age")
             for sha in git(team, "log", "--format=%H", "--", f"cases/{case_id}/identifiers.age").split()
             if git(team, "ls-tree", sha, f"cases/{case_id}/identifiers.age").strip()]
    assert len(texts) == 2
    mine = agecrypt.load_identity(Path(os.environ["REVIEWCTL_IDENTITY"]), "mine")
    for text in texts:
        with pytest.raises(agecrypt.CryptoError):
            mine.decrypt(text)
    err = refused_cleanly(cli, team, REFUSED, "confidential", case_id, "--set", f"name={NAME}")
    assert "purged" in err
    refused_cleanly(cli, team, REFUSED, "--as-of", "2027-11-22", "purge", case_id, "--reason", "again")
    assert "the store is valid" in cli.ok("validate").out + cli.ok("validate").err


def test_a_dry_run_purge_keeps_the_key(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = closed_case(cli, team)
    before = snapshot(team)
    cli.ok("purge", case_id, "--reason", "referred in error", "--force", "--dry-run")
    assert snapshot(team) == before and (key_file(tmp_path, case_id)).exists()


# -- migration from plain confidential.yaml --------------------------------------------

def test_migrate_encrypts_plain_files_in_one_commit(cli: Cli, team: Path, tmp_path: Path) -> None:
    cases = [refer(cli), refer(cli)]
    for case_id in cases:
        (team / "cases" / case_id / "confidential.yaml").write_text(f"names: [{NAME}]\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "identifiers, before encryption")
    result = cli.ok("confidential", "migrate")
    assert "history" in result.err and "filter-repo" in result.err
    changed = git(team, "show", "--name-status", "--format=", "HEAD").split("\n")
    assert sum(line.startswith("D") for line in changed) == 2 and sum(line.startswith("A") for line in changed) == 2
    for case_id in cases:
        assert NAME in shown(cli, tmp_path, case_id)
    assert "nothing to migrate" in cli.ok("confidential", "migrate").err


def test_a_purge_killed_after_its_commit_is_finished_by_running_it_again(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = closed_case(cli, team)

    done = run_subprocess("purge", case_id, "--reason", "referred in error", "--force", cwd=team,
                          env={"REVIEWCTL_FAULT": "after-commit"})
    assert done.returncode == 137
    (team / ".git" / "reviewctl-journal.json").unlink()  # killed a moment later, after the journal went
    assert (key_file(tmp_path, case_id).with_suffix(".purging")).exists()  # committed, the key set aside
    result = cli.ok("purge", case_id, "--reason", "finish it")
    assert "interrupted purge" in result.err
    assert not (key_file(tmp_path, case_id)).exists()
    refused_cleanly(cli, team, REFUSED, "purge", case_id, "--reason", "again")


def test_amending_a_name_out_of_free_text_does_not_copy_it_into_the_history(cli: Cli, team: Path) -> None:
    case_id = cli.ok("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School DSL",
                     "--summary", "Zoe Quillfeather was hurt").out.strip()
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    cli.ok("amend", case_id, "case.summary", "Child Z was hurt", "--reason", "A real name was typed in")
    text = (team / "cases" / case_id / "case.yaml").read_text()
    assert "Quillfeather" not in text and "withheld" in text
    # What git's history holds from before is another matter: docs/privacy-and-security.md says so.
    assert "Quillfeather" in git(team, "show", "HEAD~2:cases/" + case_id + "/case.yaml")


# -- what an independent attack on this feature found --------------------------------------

def test_stores_that_share_a_key_store_never_see_each_others_keys(
        cli: Cli, team: Path, tmp_path: Path, ssh_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewctl.core.store.create import init_store

    first = with_name(cli)
    other = init_store(tmp_path / "other", "Another Fictional Partnership", "TST")
    monkeypatch.chdir(other)
    cli.ok("recipients", "add", "alex", "--key", f"{ssh_key}.pub")
    _, stranger = age_key(tmp_path, "stranger")
    cli.ok("recipients", "add", "stranger", "--key", stranger)  # re-wraps this store's keys only
    other_case = with_name(cli)
    folders = sorted(p for p in (tmp_path / "keystore").iterdir())
    assert len(folders) == 2  # one folder per store, by its id
    entry = next(f / f"{first}.age" for f in folders if (f / f"{first}.age").exists())
    assert not (entry.parent / f"{other_case}.age").exists()
    stranger_id = agecrypt.load_identity(tmp_path / "stranger.key", "stranger")
    with pytest.raises(agecrypt.CryptoError):
        stranger_id.decrypt(armour(entry.read_text()))


def test_a_recipient_added_on_a_branch_gets_nothing_until_merged(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    git(team, "checkout", "-qb", "sneaky")
    _, mallory = age_key(tmp_path, "mallory")
    list_by_hand(team, "mallory", mallory)
    git(team, "add", "-A")  # the hand-made file, not yet committed
    err = refused_cleanly(cli, team, REFUSED, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "uncommitted" in err
    git(team, "commit", "-qam", "a recipient, by hand")
    err = refused_cleanly(cli, team, REFUSED, "refer", "--type", "sar", "--subject", "Adult Q",
                          "--referrer", "Fictional GP", "--name", NAME)
    assert "mallory" in err and "base branch (main)" in err
    _, bob = age_key(tmp_path, "bob")
    refused_cleanly(cli, team, REFUSED, "recipients", "add", "bob", "--key", bob)
    assert NAME in shown(cli, tmp_path, case_id)  # reading needs no trust in the list


def test_every_free_text_field_is_guarded_panel_roles_too(cli: Cli, team: Path, tmp_path: Path) -> None:

    case_id = to_in_review(cli, team, "lcspr", tmp_path)
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    err = refused_cleanly(cli, team, REFUSED, "panel", "add", case_id, "--name", "Panel Member Two",
                          "--agency", "Police", "--role", "aunt of Zoë Quillfeather")
    assert "--role" in err and "Quillfeather" not in err
    # The workflow's own words (roles, stages) need no key: approving is not blocked.
    cli.ok("panel", "add", case_id, "--name", "Panel Member Three", "--agency", "Health", "--role", "Nurse")


def test_a_file_named_with_an_identifier_is_not_named_in_the_refusal(cli: Cli, team: Path, tmp_path: Path) -> None:

    case_id = to_in_review(cli, team, "lcspr", tmp_path)
    cli.ok("confidential", case_id, "--set", f"name={NAME}")
    err = refused_cleanly(cli, team, REFUSED, "chronology", "request", case_id, "--agency", "Quillfeather Trust")
    assert "name withheld" in err and "quillfeather" not in err.lower()


def test_errors_never_repeat_what_may_be_an_identifier(cli: Cli, team: Path) -> None:
    case_id = with_name(cli)
    for given in ("Effie Secretname", "=Effie Secretname", "shoe=Effie Secretname"):
        err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--set", given)
        assert "Secretname" not in err
    for args in (["case.received", "Effie Secretname"], ["Effie Secretname", "x"]):
        err = refused_cleanly(cli, team, USAGE, "amend", case_id, *args, "--reason", "typo")
        assert "Secretname" not in err
    err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--set", "nhs=Effie")
    assert "10 digits" in err and "Effie" not in err


def test_removal_rekeys_the_keys_of_cases_on_other_branches_too(cli: Cli, team: Path, tmp_path: Path) -> None:
    _, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    proposed = cli.ok("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "Fictional GP",
                      "--name", NAME, "--propose").out.strip()
    assert not (team / "cases" / proposed).exists()
    entries = list(key_file(tmp_path, "x").parent.glob("*.age"))
    assert len(entries) == 1  # the proposed case's key, its case on a branch only
    cli.ok("recipients", "remove", "bob")
    with pytest.raises(agecrypt.CryptoError):
        agecrypt.load_identity(tmp_path / "bob.key", "bob").decrypt(armour(entries[0].read_text()))


def test_purge_needs_no_key_and_works_when_the_key_is_already_gone(cli: Cli, team: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = closed_case(cli, team), closed_case(cli, team)
    key_file(tmp_path, second).unlink()
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(tmp_path / "no-such-key"))
    cli.ok("purge", first, "--because", "referred-in-error", "--force")
    cli.ok("purge", second, "--because", "referred-in-error", "--force")
    history = (team / "cases" / first / "case.yaml").read_text()
    assert "step: purge" in history and "referred-in-error: the case was referred in error" in history
    assert any(row.split()[2:3] == ["purge"] for row in cli.ok("log", first).out.splitlines())


def test_purging_a_case_that_once_kept_plain_identifiers_warns(cli: Cli, team: Path) -> None:
    case_id = closed_case(cli, team)
    cli.ok("purge", case_id, "--reason", "tidy", "--force")  # encrypted from the start: no warning
    other = refer(cli)
    (team / "cases" / other / "confidential.yaml").write_text(f"names: [{NAME}]\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "identifiers before encryption")
    cli.ok("confidential", "migrate")
    result = cli.ok("purge", other, "--reason", "tidy", "--force")
    assert "plain text" in result.err and "filter-repo" in result.err


def test_show_output_and_dry_runs_keep_identifiers_out_of_the_repository_and_stdout(cli: Cli, team: Path) -> None:
    case_id = with_name(cli)
    for target in ("ids.yaml", f"cases/{case_id}/ids.yaml"):
        err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--show", "--output", target)
        assert "inside the repository" in err
    other = refer(cli)
    (team / "cases" / other / "confidential.yaml").write_text(f"names: [{NAME}]\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "identifiers before encryption")
    result = cli.ok("confidential", "migrate", "--dry-run")
    assert "Quillfeather" not in result.out + result.err and "would encrypt" in result.err


def test_an_editor_that_saves_something_other_than_utf8(cli: Cli, team: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = with_name(cli)
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "names: [Eff\\377ie]\\n" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    err = refused_cleanly(cli, team, USAGE, "confidential", case_id, "--edit")
    assert "UTF-8" in err


def test_a_child_referred_on_the_day_it_was_born(cli: Cli, team: Path) -> None:
    case_id = refer(cli, "lcspr", "--name", NAME, "--dob", "2026-11-02")  # received 2 November, as is the letter
    assert case_id
    err = refused_cleanly(cli, team, REFUSED, "triage", case_id, "--accept", "--reason", "born 2 Nov 2026")
    assert "date of birth" in err


def test_changes_to_identifiers_are_in_the_history_without_their_values(cli: Cli, team: Path) -> None:
    case_id = refer(cli)
    cli.ok("confidential", case_id, "--set", f"name={NAME}", "-m", "From the police's referral form")
    history = (team / "cases" / case_id / "case.yaml").read_text()
    assert "step: confidential" in history and "police's referral form" in history
    assert "Quillfeather" not in history


def test_retention_counts_from_closure_not_from_a_later_correction(cli: Cli, team: Path) -> None:
    case_id = closed_case(cli, team)  # ended 2026-11-20
    set_retention(team)
    cli.ok("--as-of", "2027-01-05", "confidential", case_id, "--set", "address=1 Nowhere Lane")
    assert '"destroy_from": "2027-11-20"' in cli.ok("retention", "--all", "--format", "json").out


def test_the_partnership_s_own_address_in_a_letter_is_not_a_listed_name(cli: Cli, team: Path) -> None:
    """A word of the partnership's address (at the head of every letter) may be a surname the case
    lists: the office's address is not the person, and the letter is written; the surname in the
    case's own text is still refused."""
    settings = team / "reviewctl.yaml"
    kept = [line for line in settings.read_text().splitlines() if not line.startswith("address:")]
    settings.write_text("\n".join([*kept, "address: [Fictional House, 1 Imaginary Street, Sometown, TT1 1AA]"]) + "\n")
    git(team, "commit", "-qam", "settings: the partnership's address")
    case_id = cli.ok("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School DSL",
                     "--summary", "Fictional.", "--agency", "Police",
                     "--name", "Zoë Quillfeather-Imaginary").out.strip()
    letters = list((team / "cases" / case_id / "documents").glob("*acknowledgement*"))
    assert letters and "1 Imaginary Street" in letters[0].read_text()
    err = refused_cleanly(cli, team, REFUSED, "triage", case_id, "--accept", "--reason", "Imaginary family.")
    assert "--reason (name)" in err
