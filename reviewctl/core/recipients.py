"""Who can read the cases' identifiers: the team's recipients, each a commit.

Adding one re-encrypts every case's key in the key store for the new set. Removing one
gives every case a new key: each case's identifiers are re-encrypted in one commit, and
the key store holds only the new keys, for the remaining recipients. What removal cannot
do: a copy of the key store (or of a key) that the removed person kept still reads the
old commits' ciphertext.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from reviewctl.adapters import agecrypt, yamlio
from reviewctl.adapters.agecrypt import CryptoError
from reviewctl.core import identifiers
from reviewctl.core.identifiers import IDENTIFIERS_FILE
from reviewctl.core.keys import (
    NAME_SHAPE,
    RECIPIENTS_FILE,
    Keystore,
    Member,
    identities,
    recipients,
    trusted_recipients,
    unwrap,
    wrap,
)
from reviewctl.core.step import store_commit_message
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.errors import RefusedError, UsageError

_HEADER = ("Who can read the cases' identifiers (age or ssh-ed25519 public keys). Change it with\n"
           "`reviewctl recipients add/remove`, which re-encrypts the case keys for the new set.")


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


def _entries(store: Store) -> tuple[Path, Any]:
    path = store.root / RECIPIENTS_FILE
    data = yamlio.read_roundtrip(path, store.shown(path)) if path.exists() else None
    if not isinstance(data, dict):
        # The store's own id names its folder in the key store (keys.py).
        data = yamlio.new_map({"store": secrets.token_hex(16), "recipients": yamlio.new_seq()})
        data.yaml_set_start_comment(_HEADER)
    return path, data


def _guarded(store: Store, paths: list[Path]) -> None:
    refuse_if_interrupted(store)
    dirty = [p for path in paths for p in store.repo.changed_paths(store.repo_path(path))]
    if dirty:
        raise RefusedError(f"uncommitted edits in {', '.join(dirty)}; commit or discard them first")


def _message(step: str) -> str:
    return store_commit_message(step, "recipients")


def add(store: Store, name: str, key: str, dry_run: bool) -> Outcome:
    if not NAME_SHAPE.match(name):
        raise UsageError(f"{name!r} is not a recipient name; use letters, digits and . _ @ + - (no spaces)")
    recipient = read_key(key)
    store.repo.identity()
    with store_lock(store):
        path, data = _entries(store)
        _guarded(store, [path])
        members = trusted_recipients(store)
        if any(m.name == name for m in members):
            raise RefusedError(f"{name} is already a recipient; remove them first to change their key")
        if any(m.recipient == recipient for m in members):
            raise RefusedError("that key is already a recipient's")
        data["recipients"].append(yamlio.new_map({"name": name, "key": recipient.key}, one_line=True))
        new_set = [*members, Member(name, recipient)]
        keystore = Keystore(store)
        held = keystore.case_ids()
        # Every case key, re-encrypted so that the newcomer can read it too.
        texts: dict[str, str] = {}
        if held:
            mine = identities(store)
            for case_id in held:
                secrets = unwrap(store, keystore, case_id, mine)
                assert secrets is not None
                texts[case_id] = wrap(secrets, new_set, case_id)
        with keystore.replaced(texts, dry_run):
            return apply(store, "store", "recipients-add", f"+ {name}", {path: yamlio.dump(data)},
                         _message("recipients-add"), dry_run)


def remove(store: Store, name: str, dry_run: bool) -> tuple[Outcome, list[str]]:
    """Take a recipient away; (the outcome, the cases whose key was missing and so not re-keyed)."""
    store.repo.identity()
    with store_lock(store):
        path, data = _entries(store)
        _guarded(store, [path])
        members = trusted_recipients(store)
        if not any(m.name == name for m in members):
            names = ", ".join(m.name for m in members) or "none"
            raise RefusedError(f"{name} is not a recipient (recipients: {names})")
        remaining = [m for m in members if m.name != name]
        data["recipients"][:] = [e for e in data["recipients"] if e.get("name") != name]
        keystore = Keystore(store)
        encrypted = [c for c in store.case_ids() if identifiers.stored_as(store, c) == "encrypted"]
        held = keystore.case_ids()
        if (encrypted or held) and not remaining:
            raise RefusedError(f"{name} is the last recipient, and {len(set(encrypted) | set(held))} cases have "
                               "identifiers; add another recipient first")
        changes: dict[Path, str | None] = {path: yamlio.dump(data)}
        mine = identities(store)
        both: dict[str, str] = {}
        final: dict[str, str] = {}
        missing: list[str] = []
        for case_id in encrypted:  # every case here gets a new key, which the removed key never read
            _guarded(store, [store.case_dir(case_id)])
            old = unwrap(store, keystore, case_id, mine)
            if old is None:  # its key is lost (or purged elsewhere): nothing to re-key
                missing.append(case_id)
                continue
            confidential = identifiers.read(store, case_id, old) or identifiers.Confidential()
            fresh = identifiers.seal(store, case_id, confidential, [agecrypt.new_secret()[0]])
            changes[store.case_dir(case_id) / IDENTIFIERS_FILE] = fresh.ciphertext
            # Until the commit is made both keys are kept, so a crash loses nothing.
            both[case_id] = wrap([*fresh.secrets, *old], remaining, case_id)
            final[case_id] = wrap(fresh.secrets, remaining, case_id)
        for case_id in held:  # keys of cases not in this work tree (another branch): for the rest only
            if case_id not in final:
                secrets_held = unwrap(store, keystore, case_id, mine)
                if secrets_held is not None:
                    final[case_id] = wrap(secrets_held, remaining, case_id)
        with keystore.replaced(both, dry_run):
            outcome = apply(store, "store", "recipients-remove", f"- {name}", changes,
                            _message("recipients-remove"), dry_run)
        for case_id, text in final.items() if not dry_run else ():
            keystore.write(case_id, text)  # committed: now only the new keys
        return outcome, missing


def listing(store: Store) -> list[dict[str, str]]:
    return [{"name": m.name, "key": m.recipient.short} for m in recipients(store)]
