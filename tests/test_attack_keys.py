"""A second attack on the case keys, after issue 19's fixes: variations of its attacks that
got through. Real stores, real keys (ssh-keygen, age through pyrage), real git.

- Another store's id on a branch that took in that store's history (so the key store's
  folder, bound to its first commit, opens): a recipient of both who reconciles there hands
  the other store's keys to this store's recipients.
- A purge forged on a branch (a hand edit of case.yaml, committed): `doctor`, a sync or a
  reconcile there destroys the case's key, which only a purge on the base may do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    NAME,
    Cli,
    age_key,
    git,
    key_folder,
    reads,
    refer,
    refused_cleanly,
)


def with_name(cli: Cli) -> str:
    return refer(cli, "lcspr", "--name", NAME, "--dob", "2019-03-14")


# -- another store's keys, through a branch that holds that store's history -----------------------

@pytest.fixture
def other_store(cli: Cli, team: Path, tmp_path: Path, ssh_key: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Another partnership's store sharing the key store: alex is a recipient of both, mallory of this one."""
    from reviewctl.core.store.create import init_store

    other = init_store(tmp_path / "other", "Another Fictional Partnership", "OTH")
    monkeypatch.chdir(other)
    cli.ok("recipients", "add", "alex", "--key", f"{ssh_key}.pub")
    _, mallory_public = age_key(tmp_path, "mallory")
    cli.ok("recipients", "add", "mallory", "--key", mallory_public)
    return other


def claim_on_a_branch(other: Path, team: Path) -> None:
    """A branch of the other store that takes in the team's history and its store id."""
    git(other, "checkout", "-qb", "tidy-up")
    git(other, "fetch", "-q", str(team), "main")
    git(other, "merge", "-q", "--allow-unrelated-histories", "-X", "ours", "--no-edit", "FETCH_HEAD")
    shutil.copy(team / ".reviewctl" / "store.yaml", other / ".reviewctl" / "store.yaml")
    shutil.rmtree(other / "cases")
    git(other, "add", "-A")
    git(other, "commit", "-qm", "tidy up")


def test_a_branch_with_another_stores_history_and_id_hands_none_of_its_keys_over(
        cli: Cli, team: Path, tmp_path: Path, other_store: Path) -> None:
    first = refer_in(cli, team)
    entry = key_folder(tmp_path) / f"{first}.age"
    before = entry.read_text()
    claim_on_a_branch(other_store, team)
    err = refused_cleanly(cli, other_store, INVALID, "recipients", "reconcile")
    assert "store" in err and "base" in err
    _, newcomer = age_key(tmp_path, "newcomer")
    err = refused_cleanly(cli, other_store, INVALID, "recipients", "add", "newcomer", "--key", newcomer)
    assert "store" in err and "base" in err
    assert entry.read_text() == before
    ciphertext = (team / "cases" / first / "identifiers.age").read_text()
    assert not reads(tmp_path / "mallory.key", entry.read_text(), ciphertext)


def refer_in(cli: Cli, root: Path) -> str:
    return cli.ok("--store", str(root), "refer", "--type", "lcspr", "--subject", "Child Z", "--referrer",
                  "Fictional School DSL", "--received", "2026-11-02", "--summary", "Fictional summary for tests",
                  "--agency", "Police", "--name", NAME).out.strip()


# -- a purge forged on a branch --------------------------------------------------------------------

def forge_purge(root: Path, case_id: str) -> None:
    """What a purge leaves in the case, written by hand and committed on a branch."""
    git(root, "checkout", "-qb", "tidy-up")
    git(root, "rm", "-q", f"cases/{case_id}/identifiers.age")
    with (root / "cases" / case_id / "case.yaml").open("a") as case:
        case.write("identifiers_purged:\n  date: 2026-11-20\n  by: Mallory\n"
                   "  reason: 'duplicate-case: the case duplicates another case'\n  recorded: 2026-11-20\n")
    git(root, "commit", "-qam", "tidy up")


@pytest.mark.parametrize("command", [("doctor",), ("recipients", "reconcile"), ("purge", "--because",
                                                                                 "duplicate-case", "--force")])
def test_a_purge_forged_on_a_branch_destroys_no_key(cli: Cli, team: Path, tmp_path: Path,
                                                    command: tuple[str, ...]) -> None:
    case_id = with_name(cli)
    entry = key_folder(tmp_path) / f"{case_id}.age"
    before = entry.read_text()
    forge_purge(team, case_id)
    result = cli("validate")
    assert "doctor" not in result.out, result.out  # never advised to finish a purge the base does not record
    args = [*command[:1], case_id, *command[1:]] if command[0] == "purge" else list(command)
    result = cli(*args)
    assert "finished the purge" not in result.err and "removed its key" not in result.err, result.err
    assert entry.read_text() == before
    git(team, "checkout", "-q", "main")
    shown = tmp_path / "shown.yaml"
    cli.ok("confidential", case_id, "--show", "--output", str(shown))
    assert "Quillfeather" in shown.read_text()


def test_a_purge_merged_into_the_base_is_finished_as_before(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = with_name(cli)
    entry = key_folder(tmp_path) / f"{case_id}.age"
    kept = entry.read_text()  # the key store's backup
    cli.ok("triage", case_id, "--no-further-action", "--reason", "Single agency matter")
    cli.ok("purge", case_id, "--force", "--because", "referred-in-error")
    assert not entry.exists()
    entry.write_text(kept)  # restored from the backup, after the purge
    assert "doctor" in cli("validate").out
    cli.ok("doctor")
    assert not entry.exists()


# -- a key store shared by two clones, and one hand-edited ------------------------------------

def test_a_key_purged_while_a_reconcile_was_under_way_is_not_written_back(
        cli: Cli, team: Path, tmp_path: Path) -> None:
    """Two clones share the key store: one purges a case while the other is giving its key to
    a newcomer. What the second read before the purge must not be written back after it."""
    from helpers import list_by_hand

    from reviewctl.core.privacy import reconcile
    from reviewctl.core.privacy.case_keys import Keystore, identities
    from reviewctl.core.privacy.recipient_list import read
    from reviewctl.core.store.folder import Store
    from reviewctl.errors import BusyError

    case_id = with_name(cli)
    _, newcomer = age_key(tmp_path, "newcomer")
    list_by_hand(team, "newcomer", newcomer)  # merged into the base: a listed recipient who lacks the key
    git(team, "add", "-A")
    git(team, "commit", "-qm", "newcomer")
    store = Store.find(team)
    keystore = Keystore(store)
    listing = read(store)
    found = reconcile.plan(store, keystore, listing, listing.members, lambda: identities(store))
    assert case_id in found.entries  # the newcomer is to be given the key
    (key_folder(tmp_path) / f"{case_id}.age").unlink()  # meanwhile, the other clone's purge destroyed it
    with pytest.raises(BusyError):
        reconcile.carry_out(store, keystore, found, "recipients-reconcile", "x", {}, False)
    assert not (key_folder(tmp_path) / f"{case_id}.age").exists()


def test_a_former_recipient_named_only_in_for_still_means_a_new_key(cli: Cli, team: Path, tmp_path: Path) -> None:
    """An entry whose `known-to` beside the ciphertext leaves out someone it is still encrypted
    for (`for`): whoever it is encrypted for could read it, whatever `known-to` says."""
    case_id = with_name(cli)
    _, bob_public = age_key(tmp_path, "bob")
    cli.ok("recipients", "add", "bob", "--key", bob_public)
    entry = key_folder(tmp_path) / f"{case_id}.age"
    backup = entry.read_text()
    entry.unlink()
    cli.ok("recipients", "remove", "bob")
    entry.write_text(backup.replace(f"known-to: bob {bob_public}\n", ""))  # restored, and edited
    assert f"for: bob {bob_public}" in entry.read_text() and "known-to: bob" not in entry.read_text()
    result = cli("validate")
    assert result.code == INVALID and case_id in result.out and "no longer recipients" in result.out, result.out
    # Opened, the edit is seen (the inside still names bob) and nothing is written with that key.
    for args in (("recipients", "reconcile"), ("confidential", case_id, "--set", "other=ref 55-ABC-Imaginary")):
        assert "changed after it was written" in refused_cleanly(cli, team, INVALID, *args)


def test_a_clone_refuses_a_store_id_that_changed_under_it(cli: Cli, team: Path, tmp_path: Path) -> None:
    """An id changed on the base itself (a remote that was not protected, a merge nobody read)
    is refused by every clone that used the store's keys before: a store's id never changes."""
    import secrets

    from helpers import set_store_id

    with_name(cli)
    set_store_id(team, secrets.token_hex(16))
    git(team, "commit", "-qam", "a new id, on the base")
    err = refused_cleanly(cli, team, INVALID, "recipients", "reconcile")
    assert "store" in err and "changed" in err
    result = cli("validate")
    assert result.code == INVALID and "changed" in result.out


# -- the recipients' files, as links ---------------------------------------------------------------

@pytest.mark.parametrize("which", ["recipients/ops.yaml", "store.yaml"])
def test_a_recipient_file_that_is_a_link_is_refused_unread(cli: Cli, team: Path, tmp_path: Path, which: str) -> None:
    """A committed link would make the list of recipients a file outside the repository, which
    anyone who can write there could change (or /dev/zero, read for ever); it is never followed."""
    from helpers import list_by_hand

    case_id = with_name(cli)
    _, outsider = age_key(tmp_path, "outsider")
    outside = tmp_path / "outside.yaml"
    list_by_hand(team, "ops", outsider)
    path = team / ".reviewctl" / which
    outside.write_text(path.read_text())
    path.unlink()
    path.symlink_to(outside)
    git(team, "add", "-A")
    git(team, "commit", "-qm", "a link")
    for args in (("validate",), ("recipients", "list"), ("confidential", case_id, "--set", "other=x 1")):
        result = cli(*args)
        assert result.code == INVALID, (args, result)
        said = (result.err + result.out).strip()
        assert "link" in said and "Traceback" not in said, said
