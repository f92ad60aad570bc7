"""The store's id and its case keys, checked (for `validate`) and mended (for `doctor`).

Nothing here decrypts: what an entry says beside its ciphertext, and the ciphertext's own
header, say whom it is for (privacy/key_entry.py). Where this clone has no key store (CI), only the
store's id is checked.
"""

from __future__ import annotations

import hashlib

from reviewctl.adapters.files import write_atomic
from reviewctl.core.case.problems import Problem
from reviewctl.core.privacy.case_keys import PURGING, Keystore
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, stored_as
from reviewctl.core.privacy.recipient_list import Listing, Member, read, read_at, shown_members
from reviewctl.core.privacy.reconcile import purges_to_finish
from reviewctl.core.signing.base_branch import base_ref, resolve_base
from reviewctl.core.store.folder import Store
from reviewctl.errors import ReviewctlError, UsageError

_RECONCILE = "`reviewctl recipients reconcile` (or `reviewctl sync`)"
_IN_STEP = "reviewctl-keys-in-step"  # in the git folder: the entries last found in step


def finish_purges(store: Store) -> list[str]:
    """For `doctor`: the key of a case purged here is removed (its purge was interrupted after its
    commit); a key set aside for a purge that was never committed is put back."""
    if read(store).store is None:
        return []
    keystore = Keystore(store)
    if not keystore.path.is_dir():
        return []
    said = []
    purging = set(keystore.case_ids(PURGING))
    held = set(keystore.case_ids())
    encrypted = {c for c in held | purging if stored_as(store, c) is not None}
    done, _ = purges_to_finish(store, held, purging, encrypted)
    for case_id in sorted(purging):
        if case_id in done:
            keystore.remove(case_id)
            said.append(f"finished the purge of {case_id}, whose commit had been made: removed its key from the "
                        "key store")
        else:
            keystore.unmark_purging(case_id)
            said.append(f"put back the key of {case_id}: its purge was interrupted before its commit")
    for case_id in sorted(done - purging):
        keystore.remove(case_id)
        said.append(f"finished the purge of {case_id}: removed its key, which was still in the key store")
    return said


def _base(store: Store, base: str | None) -> tuple[str, Listing] | None:
    """The base's name and listing (--base, else the default base); None where there is none."""
    try:
        if base is not None:
            commit = resolve_base(store, base, "--base")
            if commit is None:
                return None
            return base, read_at(store, commit, base)
        ref, commit = base_ref(store, None)
    except UsageError:
        return None
    return ref, read_at(store, commit, ref)


def store_id_problems(store: Store, listing: Listing, on_base: tuple[str, Listing] | None) -> list[Problem]:
    """A store's id that is not the base's, or that was made in another repository."""
    own = listing.store
    if own is None:
        return []
    problems = []
    if on_base is not None and on_base[1].store is not None and on_base[1].store.value != own.value:
        problems.append(Problem(own.shown, f"differs from the id on the base branch ({on_base[0]}); a store's id "
                                "never changes (it names its folder in the key store, which another store's id "
                                "would open): bring back the base's", key="store"))
    if own.roots and not store.repo.is_shallow() and not store.repo.holds_roots(set(own.roots)):
        problems.append(Problem(own.shown, f"was made in another repository (one that began at "
                                f"{sorted(own.roots)[0][:12]}), which this one's history does not hold; a store's "
                                "id is its own: bring back this store's", key="store"))
    return problems


def key_problems(store: Store, base: str | None) -> list[Problem]:
    """For `validate`: the store's id, and every case key that is not in step with the recipients."""
    problems: list[Problem] = []
    try:
        listing = read(store)
        if listing.store is None:
            return []  # no recipients yet: no id, and no keys
        on_base = _base(store, base)
        problems = store_id_problems(store, listing, on_base)
        keystore = Keystore(store)
        keystore.check_bound()
        if not keystore.path.is_dir():
            return problems  # no key store here (CI): the keys are checked where they are
    except ReviewctlError as error:
        return [*problems, Problem.of(error)]
    known = {m.recipient for m in on_base[1].members} if on_base is not None else None
    wrap_for = [m for m in listing.members if known is None or m.recipient in known]
    problems += [Problem(str(keystore.file(c, PURGING)), f"the purge of {c} was interrupted; run `reviewctl doctor` "
                         "to finish it") for c in keystore.case_ids(PURGING)]
    held = set(keystore.case_ids())
    done, _ = purges_to_finish(store, held, set(), {c for c in held if stored_as(store, c) is not None})
    problems += [Problem(store.shown(store.case_dir(c)), f"its identifiers were purged, but its key is still in the "
                         f"key store ({keystore.file(c)}); run `reviewctl doctor` to finish the purge")
                 for c in sorted(done)]
    seen = _InStep(store, keystore, listing, wrap_for)
    for case_id in store.case_ids():
        if stored_as(store, case_id) == "encrypted" and not seen.unchanged(case_id):
            found = _entry_problems(store, keystore, case_id, listing, wrap_for)
            problems += found
            if not found:
                seen.keep(case_id)
    seen.save()
    return problems


class _InStep:
    """The entries last found in step, by their file's identity: a warm `validate` of 10,000
    cases reads none of them again (a stat each) until an entry, or the recipients, change."""

    def __init__(self, store: Store, keystore: Keystore, listing: Listing, wrap_for: list[Member]) -> None:
        self.keystore, self.path = keystore, store.repo.git_dir / _IN_STEP
        said = [str(keystore.path), *sorted(m.recipient.key for m in listing.members), "|",
                *sorted(r.key for r in listing.removed_keys), "|", *sorted(m.recipient.key for m in wrap_for)]
        self.fingerprint = hashlib.sha256("\n".join(said).encode("utf-8")).hexdigest()
        lines = self.path.read_text(encoding="ascii", errors="replace").splitlines() if self.path.is_file() else []
        self.before = dict(line.split(" ", 1) for line in lines[1:] if " " in line) \
            if lines and lines[0] == self.fingerprint else {}
        self.now: dict[str, str] = {}

    def _stamp(self, case_id: str) -> str | None:
        try:
            found = self.keystore.file(case_id).stat()
        except OSError:
            return None
        return f"{found.st_ino} {found.st_mtime_ns} {found.st_size}"

    def unchanged(self, case_id: str) -> bool:
        stamp = self._stamp(case_id)
        if stamp is not None and self.before.get(case_id) == stamp:
            self.now[case_id] = stamp
            return True
        return False

    def keep(self, case_id: str) -> None:
        stamp = self._stamp(case_id)
        if stamp is not None:
            self.now[case_id] = stamp

    def save(self) -> None:
        if self.now != self.before:
            write_atomic(self.path, "".join([f"{self.fingerprint}\n", *(f"{c} {s}\n" for c, s in self.now.items())]))


def _entry_problems(store: Store, keystore: Keystore, case_id: str, listing: Listing,
                    wrap_for: list[Member]) -> list[Problem]:
    shown = store.shown(store.case_dir(case_id) / IDENTIFIERS_FILE)
    try:
        entry = keystore.entry(case_id)
    except ReviewctlError as error:
        return [Problem.of(error)]
    if entry is None:
        return [Problem(shown, f"its key is not in the key store ({keystore.path}); restore it from the key store's "
                        "backup")]
    gone = entry.readable_by(listing.removed_keys)
    if not entry.described or gone is None:
        return [Problem(shown, "its key does not say who could read it (written before reviewctl recorded it); "
                        f"{_RECONCILE} gives the case a new key")]
    if not entry.as_said():
        return [Problem(shown, f"its key in {keystore.file(case_id)} is encrypted for other keys than it names "
                        f"({entry.who()}); {_RECONCILE} gives the case a new key")]
    if gone or entry.rekey_due:
        who = shown_members(gone) if gone else "a former recipient"
        return [Problem(shown, f"its key can still be read by {who}, who are no longer recipients; "
                        f"{_RECONCILE} gives the case a new key")]
    strangers = entry.strangers(listing.members)
    if strangers:
        return [Problem(shown, f"its key is encrypted for {shown_members(strangers)}, whom this clone does not list "
                        "(added in another clone, and not merged here yet?); `reviewctl sync`, then look again")]
    lacking = entry.lacking(wrap_for)
    if lacking:
        return [Problem(shown, f"its key is not encrypted for {shown_members(lacking)}, who are recipients; "
                        f"{_RECONCILE} gives it to them")]
    return []
