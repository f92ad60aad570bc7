"""A key-store entry: one case's keys, encrypted for the recipients it names.

age's X25519 stanzas do not say whom they are for, so an entry says it itself, twice:
beside the ciphertext (read without any key: by `validate`, and by the errors that name
who can read it) and inside it (read by a recipient, who checks that the two agree). And
what is beside is checked against the ciphertext's own header: as many stanzas as it
names recipients, each ssh-ed25519 stanza tagged for one of their ssh keys. Each names:

- `for`: the recipients the entry is encrypted for now;
- `known-to`: everyone who could ever read its newest key. A former recipient (one the
  store records as removed) here means the case must be re-keyed (a new key, its
  identifiers encrypted again), which `recipients reconcile`, a sync and any write of the
  case's identifiers do first.

The keys are listed newest first; the first encrypts, the older ones still read the
commits made before a re-key. An entry written before reviewctl recorded its recipients
holds only the ciphertext: it names nobody, so it counts as known to anyone until re-keyed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reviewctl.adapters import agecrypt
from reviewctl.adapters.agecrypt import CryptoError, Identities, Recipient
from reviewctl.core.privacy.recipient_list import Member, shown_members
from reviewctl.errors import InvalidDataError, RefusedError, UsageError

_TITLE = "reviewctl key-store entry"
_ARMOUR = "-----BEGIN AGE ENCRYPTED FILE-----"
_SECRET = "AGE-SECRET-KEY-"
_UNRECORDED = "(not recorded)"


class KeysUnavailable(RefusedError):
    """The identifiers cannot be read here: no identity, or not one of the recipients'."""


@dataclass(frozen=True)
class Entry:
    case_id: str
    store: str | None  # the store it was written for (None: an entry from before this was recorded)
    holders: tuple[Member, ...]  # `for`
    known_to: tuple[Member, ...] | None  # None: not recorded
    armour: str
    described: bool = True  # False: an entry from before entries said whom they are for
    rekey_due: bool = False  # a former recipient could read it: its case was elsewhere when re-keyed

    def who(self) -> str:
        """Who can read it, from the entry itself."""
        if not self.described:
            return "not recorded in it (it was written before reviewctl recorded whom an entry is for)"
        return shown_members(list(self.holders))

    def as_said(self) -> bool:
        """Whether the ciphertext's header holds a stanza for each recipient it names, and no other."""
        found = agecrypt.stanzas(self.armour)
        if found is None or not self.described:
            return False
        said = sorted((("ssh-ed25519", agecrypt.ssh_tag(m.recipient)) if m.recipient.key.startswith("ssh-")
                       else ("X25519", None)) for m in self.holders)
        return sorted(found, key=lambda s: (s[0], s[1] or "")) == sorted(said, key=lambda s: (s[0], s[1] or ""))

    def readable_by(self, removed: set[Recipient]) -> list[Member] | None:
        """The former recipients (`removed`) who could read its newest key; None where nobody knows.
        Whoever it is encrypted for (`for`) could, whatever `known-to` says (a hand edit of it)."""
        if self.known_to is None:
            return None
        could = {m.recipient: m for m in (*self.known_to, *self.holders)}
        return [m for m in could.values() if m.recipient in removed]

    def stale(self, removed: set[Recipient]) -> bool:
        """Whether the case must have a new key before anything more is encrypted with it: a
        former recipient could read it, or nobody can say who could."""
        gone = self.readable_by(removed)
        return self.rekey_due or gone is None or bool(gone) or not self.as_said()

    def lacking(self, members: Iterable[Member]) -> list[Member]:
        held = {m.recipient for m in self.holders}
        return [m for m in members if m.recipient not in held]

    def strangers(self, members: Iterable[Member]) -> list[Member]:
        """Whom it is encrypted for that `members` do not include (added in a clone not merged here)."""
        listed = {m.recipient for m in members}
        return [m for m in self.holders if m.recipient not in listed]


def _member_lines(label: str, members: Iterable[Member]) -> str:
    return "".join(f"{label}: {m.name} {m.recipient.key}\n" for m in members)


def _fields(lines: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in lines:
        key, sep, value = line.partition(": ")
        if sep:
            found.setdefault(key, []).append(value.strip())
    return found


def _members(values: list[str], where: str) -> tuple[Member, ...]:
    members = []
    for value in values:
        name, _, key = value.partition(" ")
        try:
            members.append(Member(name, agecrypt.parse_recipient(key)))
        except CryptoError:
            raise InvalidDataError("names a recipient whose key is not a public key; restore it from "
                                   "the key store's backup", path=where) from None
    return tuple(members)


def seal(secrets: list[str], holders: list[Member], case_id: str, store: str | None,
         known_to: Iterable[Member] | None, rekey_due: bool = False) -> str:
    """The entry of a case's keys (newest first), encrypted for `holders`; `known_to`: who
    else could read its newest key (None: nobody knows, as for an entry from before)."""
    if not holders:
        raise RefusedError("no recipients are listed, so nobody could read the identifiers; add yourself "
                           "first with `reviewctl recipients add NAME --key YOUR_PUBLIC_KEY`")
    said = f"case: {case_id}\n" + (f"store: {store}\n" if store else "") + _member_lines("for", holders)
    if known_to is None:
        said += f"known-to: {_UNRECORDED}\n"
    else:
        known = {m.recipient: m for m in known_to}
        for member in holders:
            known.setdefault(member.recipient, member)
        said += _member_lines("known-to", known.values())
    if rekey_due:  # seen on every branch and clone, whatever their list of recipients says
        said += "re-key: due\n"
    inside = f"# reviewctl: the key of {case_id}'s identifiers\n{said}" + "".join(f"{s}\n" for s in secrets)
    try:
        armour = agecrypt.encrypt(inside.encode("ascii"), [m.recipient for m in holders])
    except CryptoError as error:
        raise UsageError(f"{case_id}: {error}") from None
    return f"{_TITLE}: the key of {case_id}'s identifiers, encrypted for the recipients below\n{said}{armour}"


def parse(text: str, case_id: str, where: str) -> Entry:
    """An entry's text, as written beside its ciphertext (nothing decrypted)."""
    start = text.find(_ARMOUR)
    if start < 0:
        raise InvalidDataError("not a key-store entry; restore it from the key store's backup", path=where)
    head = text[:start].splitlines()
    if not head:  # written before entries said whom they are for
        return Entry(case_id, None, (), None, text[start:], described=False)
    if not head[0].startswith(_TITLE):
        raise InvalidDataError("not a key-store entry; restore it from the key store's backup", path=where)
    fields = _fields(head[1:])
    if fields.get("case") != [case_id]:
        raise InvalidDataError("is the key of another case; restore it from the key store's backup", path=where)
    stores = fields.get("store")
    return Entry(case_id, stores[0] if stores else None, _members(fields.get("for", []), where),
                 _known(fields.get("known-to", []), where), text[start:], rekey_due=fields.get("re-key") == ["due"])


def _known(values: list[str], where: str) -> tuple[Member, ...] | None:
    return None if _UNRECORDED in values else _members(values, where)


def open_entry(entry: Entry, mine: Identities, store: str | None, where: str) -> list[str]:
    """The case's keys (newest first), after checking that the inside says what the outside does."""
    try:
        text = mine.decrypt(entry.armour).decode("ascii")
    except CryptoError as error:
        raise KeysUnavailable(f"{where}: {error}; it can be read by the keys of: {entry.who()}") from None
    except UnicodeDecodeError:
        raise InvalidDataError("not a key-store entry; restore it from the key store's backup", path=where) from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    secrets = [line for line in lines if line.startswith(_SECRET)]
    said = [line for line in lines if not line.startswith((_SECRET, "#"))]
    title = next((line for line in lines if line.startswith("# reviewctl: the key of ")), None)
    if title is not None and title != f"# reviewctl: the key of {entry.case_id}'s identifiers":
        raise InvalidDataError("is the key of another case; restore it from the key store's backup", path=where)
    if entry.described:
        fields = _fields(said)
        stores = fields.get("store")
        inside = Entry(entry.case_id, stores[0] if stores else None, _members(fields.get("for", []), where),
                       _known(fields.get("known-to", []), where), entry.armour,
                       rekey_due=fields.get("re-key") == ["due"])
        if fields.get("case") != [entry.case_id] or (inside.store, set(inside.holders), inside.known_to is None,
                                                       set(inside.known_to or ()), inside.rekey_due) \
                != (entry.store, set(entry.holders), entry.known_to is None, set(entry.known_to or ()),
                    entry.rekey_due):
            raise InvalidDataError("what it says beside its ciphertext (whom it is for) was changed "
                                   "after it was written; restore it from the key store's backup", path=where)
        if store is not None and entry.store is not None and entry.store != store:
            raise InvalidDataError("was written for another store; restore it from the key store's backup", path=where)
    try:
        agecrypt.secret_identities("\n".join(secrets), where)
    except CryptoError as error:
        raise InvalidDataError(f"{error}; restore it from the key store's backup") from None
    return secrets
