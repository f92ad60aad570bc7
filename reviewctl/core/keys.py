"""The keys around a case's identifiers: the team's recipients, your identity, the key store.

Each case's identifiers are encrypted with age under a key of the case's own. That key
lives in the key store, a folder outside the repository (never versioned), encrypted in
turn for the team's recipients (`.reviewctl/recipients.yaml`, in git). Purging a case
deletes its key from the key store, and every copy of its ciphertext, in every commit
and every clone, can no longer be read (crypto-shredding).

Where the key store is: REVIEWCTL_KEYSTORE, then `git config reviewctl.keystore`, then
~/.local/share/reviewctl/keys/<PREFIX>. A team shares it as it shares other confidential
files (a restricted network folder), and backs it up.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reviewctl.adapters import agecrypt, yamlio
from reviewctl.adapters.agecrypt import CryptoError, Identities, Recipient
from reviewctl.adapters.files import remove_durably, write_atomic
from reviewctl.core.store import Store
from reviewctl.errors import InvalidDataError, RefusedError, UnusableError, UsageError, located

RECIPIENTS_FILE = ".reviewctl/recipients.yaml"
KEYSTORE_ENV = "REVIEWCTL_KEYSTORE"
IDENTITY_ENV = "REVIEWCTL_IDENTITY"
DEFAULT_IDENTITY = Path("~/.ssh/id_ed25519")
NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_STORE_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Member:
    name: str
    recipient: Recipient

    @property
    def shown(self) -> str:
        return f"{self.name} ({self.recipient.short})"


class KeysUnavailable(RefusedError):
    """The identifiers cannot be read here: no identity, or not one of the recipients'."""


def store_id(store: Store) -> str | None:
    """The store's own id, made when its first recipient is added: its key store's folder."""
    path = store.root / RECIPIENTS_FILE
    if not path.is_file():
        return None
    data = yamlio.read_roundtrip(path, store.shown(path))
    value = data.get("store") if isinstance(data, dict) else None
    if not (isinstance(value, str) and _STORE_ID.match(value)):
        raise InvalidDataError(located(store.shown(path), 1, "store", "must be the store's id (32 hex digits), as "
                                       "`reviewctl recipients add` wrote it; bring back the committed file"))
    return value


def recipients(store: Store) -> list[Member]:
    """The team's recipients, as the work tree lists them (empty if none are listed)."""
    path = store.root / RECIPIENTS_FILE
    if not path.is_file():
        return []
    return members_in(yamlio.read_roundtrip(path, store.shown(path)), store.shown(path))


def members_in(data: object, shown: str) -> list[Member]:
    listed = data.get("recipients") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise InvalidDataError(located(shown, 1, "recipients", "must be a list of {name, key}; "
                                       "change it with `reviewctl recipients add/remove`"))
    assert isinstance(data, dict)
    members = []
    for i, entry in enumerate(listed):
        line = yamlio.line_of(data, ("recipients", i))
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("key"), str)):
            raise InvalidDataError(located(shown, line, f"recipients[{i}]", "must have a name and a key"))
        try:
            members.append(Member(entry["name"], agecrypt.parse_recipient(entry["key"])))
        except CryptoError as error:
            raise InvalidDataError(located(shown, line, f"recipients[{i}].key", f"{error}; fix it or "
                                           "remove the recipient with `reviewctl recipients remove`")) from None
    return members


def who_can_read(store: Store) -> str:
    members = recipients(store)
    return ", ".join(m.shown for m in members) if members else "nobody (no recipients are listed)"


def trusted_recipients(store: Store) -> list[Member]:
    """The recipients a case key may be encrypted for: the committed list, and only those
    the base branch lists too.

    A branch (or a hand edit) that adds a key must not get the identifiers encrypted for
    it before the change is reviewed and merged into the base.
    """
    members = recipients(store)
    if store.repo.changed_paths(RECIPIENTS_FILE):
        raise RefusedError(f"{RECIPIENTS_FILE} has uncommitted edits; change the recipients only with "
                           "`reviewctl recipients add/remove` (discard the edit with `git restore`)")
    from reviewctl.core.base import base_ref

    try:
        base, commit = base_ref(store, None)
    except UsageError:
        return members  # no base branch (a store not yet shared): the committed list is all there is
    text = store.repo.show_file(commit, RECIPIENTS_FILE)
    on_base = {m.recipient for m in members_in(yamlio.parse_roundtrip(text, f"{base}:{RECIPIENTS_FILE}"),
                                                 f"{base}:{RECIPIENTS_FILE}")} if text else set()
    unknown = [m.name for m in members if m.recipient not in on_base]
    if unknown:
        raise RefusedError(f"{RECIPIENTS_FILE} lists {', '.join(unknown)}, who the base branch ({base}) does not; "
                           "identifiers are encrypted only for recipients merged into the base: merge that change "
                           "through review first, or work on the base branch")
    return members


def identities(store: Store) -> Identities:
    """Your private key: --identity, then REVIEWCTL_IDENTITY, then ~/.ssh/id_ed25519."""
    if store.identity_file is not None:
        path, source = store.identity_file, f"--identity {store.identity_file}"
    elif os.environ.get(IDENTITY_ENV):
        path = Path(os.environ[IDENTITY_ENV])
        source = f"{IDENTITY_ENV} {path}"
    else:
        path = DEFAULT_IDENTITY
        source = str(path)
    path = path.expanduser()
    if path.is_dir():
        raise UsageError(f"{source} is a folder; give the private key file itself")
    if not path.is_file():
        raise KeysUnavailable(f"no identity to read the identifiers: {source} does not exist; give your private "
                           f"key with --identity FILE or {IDENTITY_ENV} (they can be read by: "
                           f"{who_can_read(store)})")
    try:
        return agecrypt.load_identity(path, source)
    except CryptoError as error:
        raise UsageError(f"{error}") from None


class Keystore:
    """The folder of case keys, each `<ID>.age`, encrypted for the team's recipients."""

    def __init__(self, store: Store) -> None:
        self.store = store
        given = os.environ.get(KEYSTORE_ENV) or store.repo.config("reviewctl.keystore")
        if given:
            self.base = Path(given).expanduser()
            self.source = f"{KEYSTORE_ENV}" if os.environ.get(KEYSTORE_ENV) else "git config reviewctl.keystore"
        else:
            data = Path(os.environ.get("XDG_DATA_HOME") or "~/.local/share").expanduser()
            self.base = data / "reviewctl" / "keys"
            self.source = "the default key store"
        # One folder per store, by the store's own id: stores that share a key store (or its
        # default) never see, re-encrypt or hand over each other's keys.
        self.path = self.base / (store_id(store) or "no-recipients-yet")
        if self.base.exists() and not self.base.is_dir():
            raise UnusableError(f"the key store {self.base} ({self.source}) is not a folder; point it at a folder")
        resolved = self.path.resolve()
        # Inside the repository, the keys would be committed (or copied with the folder),
        # and purging could not erase them.
        for inside in {store.repo.root.resolve(), store.root.resolve()}:
            if resolved == inside or resolved.is_relative_to(inside):
                raise UnusableError(f"the key store {self.path} ({self.source}) is inside the repository; "
                                    "keep it in a folder outside it, e.g. a restricted shared folder")

    def file(self, case_id: str) -> Path:
        return self.path / f"{case_id}.age"

    def read(self, case_id: str) -> str | None:
        path = self.file(case_id)
        if path.is_symlink():
            raise UnusableError(f"{path} is a link; the key store holds regular files only")
        try:
            return path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise UnusableError(f"{path}: cannot be read ({error}); restore it from the key store's backup") from None

    def write(self, case_id: str, text: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(self.file(case_id), text, mode=0o600)

    def remove(self, case_id: str) -> None:
        remove_durably(self.file(case_id))

    @contextlib.contextmanager
    def replaced(self, entries: dict[str, str], dry_run: bool = False) -> Iterator[None]:
        """Write key-store entries before the commit that needs them; put back what was
        there (or remove them) if writing them or the commit fails."""
        before: dict[str, str | None] = {}
        try:
            if not dry_run:
                for case_id, text in entries.items():
                    before[case_id] = self.read(case_id)
                    self.write(case_id, text)
            yield
        except BaseException:
            for case_id, earlier in before.items():
                if earlier is None:
                    self.remove(case_id)
                else:
                    self.write(case_id, earlier)
            raise

    def case_ids(self) -> list[str]:
        return sorted(p.stem for p in self.path.glob("*.age")) if self.path.is_dir() else []


def wrap(secrets: list[str], members: list[Member], case_id: str) -> str:
    """A case's keys (newest first) as a key-store entry for `members`."""
    if not members:
        raise RefusedError("no recipients are listed, so nobody could read the identifiers; add yourself "
                           "first with `reviewctl recipients add NAME --key YOUR_PUBLIC_KEY`")
    text = f"# reviewctl: the key of {case_id}'s identifiers\n" + "".join(f"{s}\n" for s in secrets)
    return agecrypt.encrypt(text.encode("ascii"), [m.recipient for m in members])


def unwrap(store: Store, keystore: Keystore, case_id: str, mine: Identities) -> list[str] | None:
    """The case's keys from the key store (newest first), or None where it has none."""
    entry = keystore.read(case_id)
    if entry is None:
        return None
    try:
        text = mine.decrypt(entry).decode("ascii")
    except CryptoError as error:
        raise KeysUnavailable(f"{keystore.file(case_id)}: {error}; it can be read by the keys of: "
                           f"{who_can_read(store)}") from None
    except UnicodeDecodeError:
        raise InvalidDataError(f"{keystore.file(case_id)}: not a key-store entry; restore it from "
                               "the key store's backup") from None
    secrets = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    try:
        agecrypt.secret_identities("\n".join(secrets), str(keystore.file(case_id)))
    except CryptoError as error:
        raise InvalidDataError(f"{error}; restore it from the key store's backup") from None
    return secrets
