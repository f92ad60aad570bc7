"""The keys around a case's identifiers: your identity, and the key store.

Each case's identifiers are encrypted with age under a key of the case's own. That key
lives in the key store, a folder outside the repository (never versioned), encrypted in
turn for the team's recipients (privacy/recipient_list.py; each entry says whom it is for,
privacy/key_entry.py). Purging a case deletes its key from the key store, and every copy of its
ciphertext, in every commit and every clone, can no longer be read (crypto-shredding).

Where the key store is: REVIEWCTL_KEYSTORE, then `git config reviewctl.keystore`, then
~/.local/share/reviewctl/keys. Each store has a folder of its own there, named by its id
and bound to the repository that made it. A team shares it as it shares other
confidential files (a restricted network folder), and backs it up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from reviewctl.adapters import agecrypt
from reviewctl.adapters.agecrypt import CryptoError, Identities
from reviewctl.adapters.files import remove_durably, rename_durably, write_atomic
from reviewctl.adapters.gitdir import repository_folders
from reviewctl.core.privacy import key_entry as keyentry
from reviewctl.core.privacy.key_entry import Entry
from reviewctl.core.privacy.key_entry import KeysUnavailable as KeysUnavailable
from reviewctl.core.privacy.recipient_list import STORE_FILE, recipients, shown_members, store_id
from reviewctl.core.store.folder import Store
from reviewctl.errors import BusyError, InvalidDataError, UnusableError, UsageError

KEYSTORE_ENV = "REVIEWCTL_KEYSTORE"
IDENTITY_ENV = "REVIEWCTL_IDENTITY"
DEFAULT_IDENTITY = Path("~/.ssh/id_ed25519")
BINDING = "store.txt"  # in a store's folder: the repository it belongs to
PINNED = "reviewctl-store-id"  # in the git folder: the id whose keys this clone has used
ENTRY, PURGING = ".age", ".purging"  # a case key; one whose purge is under way


def who_can_read(store: Store) -> str:
    members = recipients(store)
    return shown_members(members) if members else "nobody (no recipients are listed)"


def identities(store: Store, who: str | None = None) -> Identities:
    """Your private key: --identity, then REVIEWCTL_IDENTITY, then ~/.ssh/id_ed25519; `who`:
    who can read what is asked for, as a message names them (by default, the recipients)."""
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
                              f"{who or who_can_read(store)})")
    try:
        return agecrypt.load_identity(path, source)
    except CryptoError as error:
        raise UsageError(f"{error}") from None


def known_cases(store: Store) -> set[str]:
    """Every case id this repository has had, on any branch it can see: the case folders
    here, and the case named by every reviewctl commit of every ref."""
    return set(store.case_ids()) | store.repo.trailer_values("Reviewctl-Case")


class Keystore:
    """A store's folder of case keys, each `<ID>.age`, encrypted for the team's recipients."""

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
        self.store_id = store_id(store)
        self.path = self.base / (self.store_id or "no-recipients-yet")
        if self.base.exists() and not self.base.is_dir():
            raise UnusableError(f"the key store {self.base} ({self.source}) is not a folder; point it at a folder")
        resolved = self.path.resolve()
        # Inside the repository (any of its work trees), the keys would be committed (or
        # copied with the folder), and purging could not erase them.
        for inside in {store.root.resolve(), *repository_folders(store.root)}:
            if resolved == inside or resolved.is_relative_to(inside):
                raise UnusableError(f"the key store {self.path} ({self.source}) is inside the repository; "
                                    "keep it in a folder outside it, e.g. a restricted shared folder")
        self._bound = False
        if self.store_id is not None:
            self._check_pinned()
        # What each entry held when this process read it (None: absent), so that an entry
        # another clone changed or destroyed meanwhile (a purge) is never written back.
        self._seen: dict[str, str | None] = {}

    # -- the folder belongs to this repository ------------------------------------------------
    def check_bound(self) -> None:
        """Refuse a folder made for another repository: a store's id is only a claim, which
        anyone who can commit can copy from another store."""
        if self._bound or self.store_id is None or not self.path.is_dir():
            return
        repo = self.store.repo
        if repo.is_shallow():
            raise UnusableError(f"{repo.root}: a shallow clone, whose history cannot show that the key store "
                                f"{self.path} belongs to it; `git fetch --unshallow`, then repeat")
        marker = self.path / BINDING
        shown = self.store.shown(self.store.root / STORE_FILE)
        if marker.is_file():
            made_for = set(marker.read_text(encoding="ascii", errors="replace").partition(": ")[2].split())
            if not repo.holds_roots(made_for):
                raise InvalidDataError(
                    f"{self.store_id} names the key store folder {self.path}, which belongs to another repository "
                    f"(one that began at {sorted(made_for)[0][:12] if made_for else '?'}): the id was copied from "
                    f"another store; bring back this store's own id (`git log -p -- {STORE_FILE}`), and never give a "
                    "store another's id", path=shown, key="store")
        else:
            held = {p.name.rsplit(".", 1)[0] for p in self.path.iterdir() if p.suffix in (ENTRY, PURGING)}
            strangers = sorted(held - known_cases(self.store))
            if strangers:
                raise InvalidDataError(
                    f"{self.store_id} names the key store folder {self.path}, which holds the keys of "
                    f"{len(strangers)} case(s) this repository has never had (e.g. {strangers[0]}): the id may be "
                    "another store's; bring back this store's own id, or fetch every branch (`git fetch --all`) if "
                    "those cases are on one, then repeat", path=shown, key="store")
            self._bind(repo.root_commits())
        self._pin()
        self._bound = True

    def _check_pinned(self) -> None:
        """Refuse an id other than the one whose keys this clone used before: a store's id never
        changes, and one changed on the base itself (a remote nobody protected, a merge nobody
        read) would open another store's folder of keys to this store's recipients."""
        pinned = self.store.repo.git_dir / PINNED
        before = pinned.read_text(encoding="ascii", errors="replace").strip() if pinned.is_file() else ""
        if before and before != self.store_id:
            shown = self.store.shown(self.store.root / STORE_FILE)
            raise InvalidDataError(f"changed since this clone last used the key store (from "
                                   f"{before[:8]}… to {str(self.store_id)[:8]}…), so no case key is read or given: a "
                                   "store's id never changes; bring it back (`git log -p -- "
                                   f"{STORE_FILE}`), or, if this clone now holds another store, delete "
                                   f"{pinned}", path=shown, key="store")

    def _pin(self) -> None:
        pinned = self.store.repo.git_dir / PINNED
        if not pinned.is_file() and self.store_id is not None:
            write_atomic(pinned, self.store_id + "\n")

    def _bind(self, roots: set[str]) -> None:
        write_atomic(self.path / BINDING, "reviewctl key store of the repository that began at: "
                     + " ".join(sorted(roots)) + "\n", mode=0o600)

    # -- entries ---------------------------------------------------------------------------------
    def file(self, case_id: str, suffix: str = ENTRY) -> Path:
        return self.path / f"{case_id}{suffix}"

    def read(self, case_id: str, suffix: str = ENTRY) -> str | None:
        self.check_bound()
        path = self.file(case_id, suffix)
        if path.is_symlink():
            raise UnusableError(f"{path} is a link; the key store holds regular files only")
        try:
            text: str | None = path.read_text(encoding="ascii")
        except FileNotFoundError:
            text = None
        except (OSError, UnicodeDecodeError) as error:
            raise UnusableError(f"cannot be read ({error}); restore it from the key store's backup",
                                path=str(path)) from None
        self._seen.setdefault(path.name, text)
        return text

    def _unchanged(self, case_id: str) -> str | None:
        """The entry as it is now, refused (BusyError) if it is not what this process read first."""
        name = self.file(case_id).name
        seen = self._seen.get(name, "")
        now = self.read(case_id)
        if name in self._seen and seen != "" and now != seen:
            raise BusyError(f"{self.file(case_id)}: changed by someone else while this ran (another clone sharing "
                            "the key store: a purge, a re-key); nothing was written: repeat")
        return now

    def entry(self, case_id: str) -> Entry | None:
        text = self.read(case_id)
        return None if text is None else keyentry.parse(text, case_id, str(self.file(case_id)))

    def write(self, case_id: str, text: str) -> None:
        self.check_bound()
        if not self.path.is_dir():
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._bind(self.store.repo.root_commits())
            self._pin()
            self._bound = True
        write_atomic(self.file(case_id), text, mode=0o600)
        self._seen[self.file(case_id).name] = text

    def remove(self, case_id: str) -> None:
        """The case's key gone for good, whatever state it was in."""
        self.check_bound()
        for suffix in (ENTRY, PURGING):
            remove_durably(self.file(case_id, suffix))

    def mark_purging(self, case_id: str) -> bool:
        """Set the case's key aside while its purge is committed: no re-wrap can reach it, and
        `doctor` finishes (or undoes) a purge that was interrupted. Whether there was a key."""
        self.check_bound()
        if not self.file(case_id).is_file():
            return False
        rename_durably(self.file(case_id), self.file(case_id, PURGING))
        return True

    def unmark_purging(self, case_id: str) -> None:
        if self.file(case_id, PURGING).is_file():
            rename_durably(self.file(case_id, PURGING), self.file(case_id))

    @contextlib.contextmanager
    def replaced(self, entries: dict[str, str], dry_run: bool = False) -> Iterator[None]:
        """Write key-store entries before the commit that needs them; put back what was
        there (or remove them) if writing them or the commit fails."""
        before: dict[str, str | None] = {}
        try:
            if not dry_run:
                for case_id in entries:  # all checked before any is written
                    before[case_id] = self._unchanged(case_id)
                for case_id, text in entries.items():
                    self.write(case_id, text)
            yield
        except BaseException:
            for case_id, earlier in before.items():
                if earlier is None:
                    remove_durably(self.file(case_id))
                else:
                    self.write(case_id, earlier)
            raise

    def case_ids(self, suffix: str = ENTRY) -> list[str]:
        self.check_bound()
        return sorted(p.name[:-len(suffix)] for p in self.path.glob(f"*{suffix}")) if self.path.is_dir() else []


def case_entry(keystore: Keystore, case_id: str) -> tuple[Entry | None, Identities]:
    """The case's entry and your identity to open it; without an identity, the refusal names
    who can read the key from the entry itself."""
    entry = keystore.entry(case_id)
    return entry, identities(keystore.store, entry.who() if entry is not None else None)
