"""Who can read the cases' identifiers: the team's recipients, one file each, each change a commit.

Adding one gives the newcomer every case key the repository can account for. Removing
one re-keys every case the removed person could read: each case's identifiers are
encrypted again under a new key, in one commit, and the key store keeps the new key (and
the old ones after it, for the remaining recipients only). Both then bring every other
key in step with the list (reconcile.py). What removal cannot do: a copy of the key
store (or of a key) that the removed person kept still reads what was committed before.
"""

from __future__ import annotations

from pathlib import Path

from reviewctl.adapters import agecrypt
from reviewctl.adapters.agecrypt import CryptoError
from reviewctl.core.privacy.case_keys import Keystore, identities
from reviewctl.core.privacy.published_files import stored_as
from reviewctl.core.privacy.recipient_list import (
    NAME_SHAPE,
    Member,
    read,
    recipients,
    refuse_uncommitted,
    trusted,
    written,
)
from reviewctl.core.privacy.reconcile import Plan, carry_out, plan
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import store_commit_message
from reviewctl.core.store.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.errors import RefusedError, UsageError


def read_key(given: str) -> agecrypt.Recipient:
    """--key: the key itself, or a file holding it (a .pub file). A private key given by
    mistake is refused without being repeated."""
    private = UsageError("--key: that is a private key; give the public key (`age1...`, or the ssh .pub file), "
                         "and keep the private key to yourself")
    if "PRIVATE KEY" in given or "AGE-SECRET-KEY" in given.upper():
        raise private
    text = given
    if not given.startswith(("age1", "ssh-")):
        path = Path(given).expanduser()
        if not path.is_file():
            shown = given if len(given) <= 120 and given.isprintable() else "(the value given)"
            raise UsageError(f"--key {shown}: neither a public key nor a file; give the public key or its .pub file")
        with path.open("rb") as handle:  # a public key is one short line
            text = handle.read(16384).decode("utf-8", errors="replace")
        if "PRIVATE KEY" in text or "AGE-SECRET-KEY" in text.upper():
            raise private
    lines = [line for line in text.strip().splitlines() if line.strip() and not line.startswith("#")]
    try:
        return agecrypt.parse_recipient(lines[0] if lines else "")
    except CryptoError as error:
        raise UsageError(f"--key: {error}") from None


def _message(step: str) -> str:
    return store_commit_message(step, "recipients")  # never a recipient's name


def add(store: Store, name: str, key: str, dry_run: bool) -> tuple[Outcome | None, Plan]:
    if not NAME_SHAPE.match(name):
        raise UsageError(f"{name!r} is not a recipient name; use letters, digits and . _ @ + - (no spaces)")
    recipient = read_key(key)
    store.repo.identity()
    with store_lock(store):
        refuse_if_interrupted(store)
        members = trusted(store)
        if any(m.name == name for m in members):
            raise RefusedError(f"{name} is already a recipient; remove them first to change their key")
        if any(m.recipient == recipient for m in members):
            raise RefusedError("that key is already a recipient's")
        listing = read(store)
        if any(m.name == name and m.recipient != recipient for m in listing.removed):
            raise RefusedError(f"{name} is the name of a former recipient, kept so that every clone re-keys what "
                               "they could read; give the newcomer another name")
        new_set = [*members, Member(name, recipient)]
        changes = written(store, listing, new_set)
        listing.members = new_set
        keystore = Keystore(store)
        found = plan(store, keystore, listing, new_set, lambda: identities(store))
        return carry_out(store, keystore, found, "recipients-add", f"+ {name}", changes, dry_run,
                         _message("recipients-add")), found


def remove(store: Store, name: str, dry_run: bool) -> tuple[Outcome | None, Plan]:
    """Take a recipient away; (the outcome, what was done: `missing` names the cases whose key
    was missing and so could not be re-keyed)."""
    store.repo.identity()
    with store_lock(store):
        refuse_if_interrupted(store)
        members = trusted(store)
        if not any(m.name == name for m in members):
            names = ", ".join(m.name for m in members) or "none"
            raise RefusedError(f"{name} is not a recipient (recipients: {names})")
        remaining = [m for m in members if m.name != name]
        keystore = Keystore(store)
        encrypted = [c for c in store.case_ids() if stored_as(store, c) == "encrypted"]
        held = keystore.case_ids()
        if (encrypted or held) and not remaining:
            raise RefusedError(f"{name} is the last recipient, and {len(set(encrypted) | set(held))} cases have "
                               "identifiers; add another recipient first")
        listing = read(store)
        gone = [m for m in members if m.name == name]
        changes = written(store, listing, remaining, gone)
        listing.members, listing.removed = remaining, [*listing.removed, *gone]
        found = plan(store, keystore, listing, remaining, lambda: identities(store))
        return carry_out(store, keystore, found, "recipients-remove", f"- {name}", changes, dry_run,
                         _message("recipients-remove")), found


def migrate(store: Store, dry_run: bool) -> Outcome | None:
    """The old .reviewctl/recipients.yaml moved to one file per recipient (None: nothing to move)."""
    store.repo.identity()
    with store_lock(store):
        refuse_if_interrupted(store)
        listing = read(store)
        if not listing.legacy:
            return None
        refuse_uncommitted(store)
        return apply(store, "store", "recipients-migrate", "one file per recipient",
                     written(store, listing, listing.members), _message("recipients-migrate"), dry_run)


def listing(store: Store) -> list[dict[str, str]]:
    return [{"name": m.name, "key": m.recipient.short} for m in recipients(store)]
