"""A case's identifiers: real names, dates of birth, addresses, NHS numbers and others.

They are kept in `identifiers.age` in the case's folder, age-encrypted under the case's
own key (privacy/case_keys.py), and are decrypted in memory only: for the redaction guard, the
guard at the point of entry, and `reviewctl confidential --show/--edit`. A store made
before encryption keeps them in plain `confidential.yaml`, which is still read until
`reviewctl confidential migrate` encrypts it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from pydantic import field_validator

from reviewctl.adapters import agecrypt, yamlio
from reviewctl.adapters.agecrypt import CryptoError
from reviewctl.core.case.models import Strict
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.case.typed_dates import HINT, NotADate, read_date
from reviewctl.core.privacy import folding
from reviewctl.core.privacy import key_entry as keyentry
from reviewctl.core.privacy import recipient_list as recipientlist
from reviewctl.core.privacy.case_keys import PURGING, Keystore, KeysUnavailable, case_entry
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, LEGACY_FILE, stored_as
from reviewctl.core.privacy.recipient_list import recipients, store_id, trusted
from reviewctl.core.store.folder import Store
from reviewctl.errors import InvalidDataError, RefusedError, UsageError

# `--set KIND=VALUE`: the kinds, and the list each goes in.
KINDS = {"name": "names", "dob": "dates_of_birth", "address": "addresses", "nhs": "nhs_numbers", "other": "other"}


PURGED_KEY = "identifiers_purged"


class Confidential(Strict, frozen=True):
    names: list[str] = []
    dates_of_birth: list[dt.date | str] = []
    addresses: list[str] = []
    nhs_numbers: list[str] = []
    other: list[str] = []

    @field_validator("names", "addresses", "nhs_numbers", "other")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("an identifier may not be blank")
        if any(not v.replace("\n", " ").isprintable() for v in values):
            raise ValueError("an identifier may not hold control characters")
        if any(not folding.key(v) for v in values):
            raise ValueError("an identifier needs at least one letter or digit")
        return values

    @field_validator("nhs_numbers")
    @classmethod
    def _ten_digits(cls, values: list[str]) -> list[str]:
        for value in values:
            if not (sum(c.isdigit() for c in value) == 10 and all(c.isdigit() or c in " -" for c in value)):
                raise ValueError("an NHS number is 10 digits (spaces and hyphens allowed)")
        return values

    def __bool__(self) -> bool:
        return any((self.names, self.dates_of_birth, self.addresses, self.nhs_numbers, self.other))

    def as_yaml(self) -> str:
        data = {key: list(getattr(self, key)) for key in KINDS.values() if getattr(self, key)}
        return yamlio.dump(yamlio.new_map(data))


def parse(text: str, shown: str) -> Confidential:
    """The identifiers in `text`; an error names the line and the kind of problem, never the text."""
    data = yamlio.parse_roundtrip(text, shown, private=True) or {}
    model, problems = errors_of(Confidential, data, shown, private=True)
    if model is None:
        raise problems[0].error()
    return model


@dataclass
class Sealed:
    """A case's identifiers encrypted: the case file's text, and its key-store entry."""

    ciphertext: str
    secrets: list[str]  # the case's keys, newest first (the first encrypts)
    entry: str | None  # a new key-store entry to write, or None when the key is unchanged


def case_keys(store: Store, case_id: str) -> list[str]:
    """The case's keys from the key store, read with your identity."""
    keystore = Keystore(store)
    entry, mine = case_entry(keystore, case_id)
    secrets = None if entry is None else keyentry.open_entry(entry, mine, keystore.store_id,
                                                             str(keystore.file(case_id)))
    if secrets is None:
        if keystore.file(case_id, PURGING).is_file():
            raise KeysUnavailable(f"{case_id}: its key is set aside by a purge that was interrupted; run "
                                  "`reviewctl doctor` (which finishes the purge, or gives the key back)")
        raise KeysUnavailable(f"{case_id}: its key is not in the key store {keystore.path} ({keystore.source}); "
                              "point REVIEWCTL_KEYSTORE (or `git config reviewctl.keystore`) at the team's key "
                              "store, or restore it from its backup")
    return secrets


def read(store: Store, case_id: str, secrets: list[str] | None = None) -> Confidential | None:
    """The case's identifiers, decrypted in memory (with `secrets`, the case's keys, if the
    caller has them already); None if it has none."""
    folder = store.case_dir(case_id)
    kind = stored_as(store, case_id)
    if kind is None:
        return None
    if kind == "plain":
        path = folder / LEGACY_FILE
        shown = store.shown(path)
        return parse(yamlio.read_text(path, shown), shown)
    path = folder / IDENTIFIERS_FILE
    shown = store.shown(path)
    secrets = secrets or case_keys(store, case_id)
    try:
        text = agecrypt.secret_identities("\n".join(secrets), "the case's key").decrypt(
            path.read_text(encoding="ascii", errors="replace"))
    except CryptoError as error:
        raise InvalidDataError(f"cannot be decrypted with the case's key in the key store: {error}; "
                               "if the recipients changed lately, pull the latest commits; else bring back the "
                               "last good version with `git restore` (or from an earlier commit)", path=shown) from None
    try:
        return parse(text.decode("utf-8"), f"{shown} (decrypted)")
    except UnicodeDecodeError:
        raise InvalidDataError("decrypts to something that is not text; bring back the last "
                               "good version with `git restore`", path=shown) from None


def seal(store: Store, case_id: str, confidential: Confidential, secrets: list[str] | None = None,
         older: list[str] | None = None) -> Sealed:
    """Encrypt under the case's key (a new one if `secrets` is None, kept in its entry before
    the `older` keys, which still read the commits made before)."""
    entry = None
    if secrets is None:
        secret, _ = agecrypt.new_secret()
        secrets = [secret, *(older or [])]
        members = trusted(store)
        entry = keyentry.seal(secrets, members, case_id, store_id(store), members)
    public = agecrypt.secret_identities(secrets[0], "the case's key").native[0].to_public()
    ciphertext = agecrypt.encrypt(confidential.as_yaml().encode("utf-8"), [agecrypt.Recipient(str(public))])
    return Sealed(ciphertext, secrets, entry)


def needs_new_key(store: Store, case_id: str) -> bool:
    """Whether the case's key could be read by a former recipient (an entry restored from a
    backup, a case only on another branch at the removal), or by nobody knows whom (an entry
    older than the record of whom it is for): nothing more may be encrypted with it."""
    entry = Keystore(store).entry(case_id)
    if entry is None:
        return False
    removed = recipientlist.read(store).removed_keys
    # A removal merged into the base counts on a branch that has not taken it in yet (with no
    # base here, writing a new key is refused anyway).
    with contextlib.suppress(UsageError):
        removed |= recipientlist.on_base(store)[1].removed_keys
    return entry.stale(removed)


def with_values(confidential: Confidential | None, add: list[str], remove: list[str],
                flags: dict[str, str] | None = None) -> Confidential:
    """`confidential` with `--set KIND=VALUE` added and `--remove KIND=VALUE` taken away.

    `flags`: how a message names each kind's option, where it is not `--set KIND=` (refer's --dob).
    """
    data: dict[str, list[str | dt.date]] = {key: list(getattr(confidential, key)) if confidential else []
                                  for key in KINDS.values()}
    for flag, items, adding in (("--set", add, True), ("--remove", remove, False)):
        for item in items:
            kind, sep, value = item.partition("=")
            key = KINDS.get(kind.strip().lower())
            if not sep or key is None:
                # What was given is not repeated: it may be the identifier itself, typed without its KIND.
                raise UsageError(f"{flag}: give KIND=VALUE, KIND one of {', '.join(KINDS)} (the value given has "
                                 "no known KIND before an '=')")
            value = value.strip()
            named = (flags or {}).get(kind, f"{flag} {kind}=…")
            if not value:
                raise UsageError(f"{named}: the value is blank; give the identifier")
            parsed: str | dt.date = value
            if key == "dates_of_birth":
                try:
                    parsed = read_date(value)
                except NotADate:  # why is not said: it would repeat the identifier
                    raise UsageError(f"{named}: not a real date; {HINT}") from None
            if adding:
                if parsed not in data[key]:
                    data[key].append(parsed)
            elif parsed in data[key]:
                data[key].remove(parsed)
            else:
                raise UsageError(f"{flag} {kind}=…: the case has no such {kind}; "
                                 "`reviewctl confidential ID --show` lists them")
    model, problems = errors_of(Confidential, data, "the identifiers", private=True)
    if model is None:
        raise problems[0].error(UsageError)
    return model


def require_recipients(store: Store) -> None:
    if not recipients(store):
        raise RefusedError("no recipients are listed, so nobody could read the identifiers; add the team's "
                           "keys first with `reviewctl recipients add NAME --key PUBLIC_KEY`")

