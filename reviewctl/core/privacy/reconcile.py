"""Every case key wrapped for exactly the recipients of the merged history.

After `recipients add/remove`, after a sync, and on `recipients reconcile`, each key in
the store's folder of the key store is brought in step with the recipients the work tree
lists (and the base branch too, for whom it is given to):

- a key that a former recipient could read (one the store records as removed: the entry
  was restored from a backup, or written in a clone that had not seen the removal), or that
  does not say whom it is for, means the case is **re-keyed**: a new key, its identifiers
  encrypted again, all in one commit; the old key is kept after the new one, for the
  remaining recipients only, so that older commits stay readable;
- a listed recipient who lacks a key is given it, but only for a case this repository
  has had: never a key the store cannot account for. Someone the key is encrypted for
  whom this clone does not list (yet: added in another clone) keeps it;
- the key of a case purged here is removed (the purge is finished), and the key of a case
  purged on another branch is left untouched, never handed on.

A case that is not in this work tree (on another branch) cannot be re-keyed here: its key
is given only to those still listed, and it is re-keyed where its identifiers are next
written or, once merged, at the next sync.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reviewctl.adapters import agecrypt, yamlio
from reviewctl.adapters.agecrypt import Identities
from reviewctl.core.privacy import identifiers
from reviewctl.core.privacy import key_entry as keyentry
from reviewctl.core.privacy.case_keys import PURGING, Keystore, identities, known_cases
from reviewctl.core.privacy.key_entry import Entry
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, stored_as
from reviewctl.core.privacy.recipient_list import Listing, Member, on_base, read, refuse_uncommitted, shown_members
from reviewctl.core.signing.base_branch import base_ref
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import store_commit_message
from reviewctl.core.store.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.errors import RefusedError, ReviewctlError


@dataclass
class Plan:
    entries: dict[str, str] = field(default_factory=dict)  # key-store entries to write before the commit
    changes: dict[Path, str | None] = field(default_factory=dict)  # identifiers encrypted under a new key
    rekeyed: list[str] = field(default_factory=list)
    given: dict[str, list[str]] = field(default_factory=dict)  # case -> the names it was given to
    finished: list[str] = field(default_factory=list)  # purged here: their keys go
    untouched: list[str] = field(default_factory=list)  # why a key was left as it is
    missing: list[str] = field(default_factory=list)  # cases with identifiers and no key

    def said(self) -> list[str]:
        """What was done, for the user; names only case ids and recipients."""
        lines = []
        if self.rekeyed:
            lines.append(f"re-keyed {', '.join(self.rekeyed)}: someone no longer a recipient could read the old key")
        for name in sorted({n for names in self.given.values() for n in names}):
            cases = [c for c, names in self.given.items() if name in names]
            lines.append(f"gave {name} the keys of {len(cases)} case(s)")
        lines += [f"finished the purge of {c}: removed its key from the key store" for c in self.finished]
        lines += [f"left the key of {reason}" for reason in self.untouched]
        return lines


def purged_here(store: Store, case_id: str) -> bool:
    """Whether the work tree records the case's identifiers as purged."""
    folder = store.cases_dir / case_id
    if not (folder / "case.yaml").is_file() or folder.is_symlink():
        return False
    return bool(store.case(case_id, fast=True).case.identifiers_purged)


def purge_committed(store: Store, case_ids: set[str], ref: str | None = None) -> set[str]:
    """Of `case_ids`, those whose purge the commit of `ref` records (None: the base branch's).

    A purge written into case.yaml by hand, or committed on a branch only, is a claim anyone
    who can commit can make: acted on, it would destroy a case's key (its identifiers lost for
    good) before anyone reviewed it. Only a purge merged into the base destroys a key; a key
    that a purge here set aside (`.purging`) goes once HEAD holds that purge's commit."""
    if not case_ids:
        return set()
    try:
        commit = store.repo.resolve(ref) if ref is not None else base_ref(store, None)[1]
    except ReviewctlError:
        return set()  # no base to compare with: nothing is destroyed
    if commit is None:
        return set()
    paths = {case_id: store.repo_path(store.case_dir(case_id) / "case.yaml") for case_id in case_ids}
    texts = store.repo.texts_at(commit, list(paths.values()))
    found = set()
    for case_id, path in paths.items():
        text = texts.get(path)
        try:
            case = yamlio.parse_safe(text, path) if text is not None else None
        except ReviewctlError:
            continue
        if isinstance(case, dict) and case.get(identifiers.PURGED_KEY):
            found.add(case_id)
    return found


def purges_to_finish(store: Store, held: set[str], purging: set[str], encrypted: set[str]) -> tuple[set[str], set[str]]:
    """Of the keys held and set aside, (those whose case's purge is committed: their keys go,
    those whose purge the work tree records but the base (or, for a key set aside, HEAD) does not)."""
    claimed = {c for c in held | purging if c not in encrypted and purged_here(store, c)}
    done = purge_committed(store, claimed & purging, "HEAD") | purge_committed(store, claimed - purging)
    return done, claimed - done


def _union(*groups: list[Member]) -> list[Member]:
    seen: dict[str, Member] = {}
    for group in groups:
        for member in group:
            seen.setdefault(member.recipient.key, member)
    return list(seen.values())


class _Planner:
    def __init__(self, store: Store, keystore: Keystore, listing: Listing, wrap_for: list[Member],
                 mine: Callable[[], Identities]) -> None:
        self.store, self.keystore, self.wrap_for = store, keystore, wrap_for
        self.listed, self.removed = listing.members, listing.removed_keys
        self._mine = mine
        self._identity: Identities | None = None  # read only when a key must be opened
        self._listed_keys = {m.recipient for m in self.listed}
        self._known: set[str] | None = None
        self._purged_elsewhere: set[str] | None = None
        self.plan = Plan()

    def mine(self) -> Identities:
        if self._identity is None:
            self._identity = self._mine()
        return self._identity

    def known(self, case_id: str) -> bool:
        if self._known is None:
            self._known = known_cases(self.store)
        return case_id in self._known

    def purged_elsewhere(self, case_id: str) -> bool:
        if self._purged_elsewhere is None:  # one `git log` over every ref, only when a key is to change
            self._purged_elsewhere = self.store.repo.trailer_values("Reviewctl-Case", grep="Reviewctl-Step: purge")
        return case_id in self._purged_elsewhere

    def secrets(self, entry: Entry) -> list[str]:
        return keyentry.open_entry(entry, self.mine(), self.keystore.store_id, str(self.keystore.file(entry.case_id)))

    def case(self, case_id: str, in_tree: bool) -> None:
        plan, keystore = self.plan, self.keystore
        entry = keystore.entry(case_id)
        if entry is None:
            if in_tree:
                plan.missing.append(case_id)
            return
        if entry.stale(self.removed):
            if self.purged_elsewhere(case_id):
                plan.untouched.append(f"{case_id} as it is: its identifiers are purged on another branch")
            elif in_tree:  # a new key: for those listed here only
                self.rekey(entry, _union(self.wrap_for, [m for m in entry.holders if m.recipient in self._listed_keys]))
            else:
                self.not_here(entry, [m for m in entry.holders if m.recipient not in self.removed])
            return
        lacking = entry.lacking(self.wrap_for)
        if not lacking:
            return
        if self.purged_elsewhere(case_id):
            plan.untouched.append(f"{case_id} as it is: its identifiers are purged on another branch")
        elif not (in_tree or self.known(case_id)):
            plan.untouched.append(f"{case_id} as it is: this repository has never had the case, so its key is "
                                  f"not given to {shown_members(lacking)}")
        else:  # the same key: whoever held it keeps it, and those listed who lacked it get it
            plan.entries[case_id] = keyentry.seal(self.secrets(entry), _union(list(entry.holders), lacking), case_id,
                                                  keystore.store_id, [*(entry.known_to or ()), *lacking])
            plan.given[case_id] = [m.name for m in lacking]

    def rekey(self, entry: Entry, holders: list[Member]) -> None:
        case_id = entry.case_id
        old = self.secrets(entry)
        confidential = identifiers.read(self.store, case_id, old) or identifiers.Confidential()
        secret, _ = agecrypt.new_secret()
        sealed = identifiers.seal(self.store, case_id, confidential, [secret])
        self.plan.changes[self.store.case_dir(case_id) / IDENTIFIERS_FILE] = sealed.ciphertext
        self.plan.entries[case_id] = keyentry.seal([secret, *old], holders, case_id, self.keystore.store_id, holders)
        self.plan.rekeyed.append(case_id)

    def not_here(self, entry: Entry, holders: list[Member]) -> None:
        """A stale key whose case is not in this work tree: for those still listed only."""
        case_id = entry.case_id
        known = self.known(case_id)
        new = _union(holders, self.wrap_for if known else [])
        why = (f"{case_id} to be re-keyed later: the case is not in this work tree (another branch?); it is "
               "re-keyed when its identifiers are next written, or at the sync after it is merged")
        if not new or (not entry.described and not known):
            self.plan.untouched.append(f"{case_id} as it is: this repository has never had the case")
            return
        if entry.described and entry.rekey_due and set(new) == set(entry.holders):
            self.plan.untouched.append(why)
            return
        known_to = None if entry.known_to is None else [*entry.known_to, *new]
        self.plan.entries[case_id] = keyentry.seal(self.secrets(entry), new, case_id, self.keystore.store_id,
                                                   known_to, rekey_due=True)
        self.plan.untouched.append(why)


def plan(store: Store, keystore: Keystore, listing: Listing, wrap_for: list[Member],
         mine: Callable[[], Identities], only: set[str] | None = None) -> Plan:
    """What bringing every key in step with `listing` takes; `wrap_for`: who should hold them;
    `only`: the cases to look at (None: every one)."""
    planner = _Planner(store, keystore, listing, wrap_for, mine)
    cases = store.case_ids() if only is None else sorted(c for c in only if (store.cases_dir / c).is_dir())
    encrypted = {c for c in cases if stored_as(store, c) == "encrypted"}
    held, purging = set(keystore.case_ids()), set(keystore.case_ids(PURGING))
    if only is not None:
        held, purging = held & only, purging & only
    done, claimed = purges_to_finish(store, held, purging, encrypted)
    planner.plan.finished += sorted(done)
    for case_id in sorted(purging - done):
        planner.plan.untouched.append(f"{case_id} as it is: its purge was interrupted; `reviewctl doctor` finishes "
                                      "it, or gives the key back")
    for case_id in sorted(claimed - purging):  # neither destroyed nor handed on
        planner.plan.untouched.append(f"{case_id} as it is: its purge is recorded here but not on the base branch; "
                                      "its key goes once the purge is merged there")
    for case_id in sorted((held | encrypted) - purging - done - claimed):
        planner.case(case_id, case_id in encrypted)
    return planner.plan


def carry_out(store: Store, keystore: Keystore, plan: Plan, step: str, summary: str,
              extra: dict[Path, str | None], dry_run: bool, message: str | None = None) -> Outcome | None:
    """The plan's entries written, and `extra` with the re-keyed identifiers in one commit;
    then the keys of purged cases removed. Must run under the store's lock."""
    changes = {**extra, **plan.changes}
    if plan.rekeyed:
        cases = store.repo_path(store.cases_dir)
        dirty = {p for p in store.repo.changed_paths(cases)}
        busy = [c for c in plan.rekeyed if any(p.startswith(f"{cases}/{c}/") for p in dirty)]
        if busy:
            raise RefusedError(f"{busy[0]}: uncommitted edits, and its identifiers must be encrypted again under a "
                               "new key; commit or discard them (`git restore`), then repeat")
    outcome = None
    with keystore.replaced(plan.entries, dry_run):
        if changes:
            outcome = apply(store, "store", step, summary, changes, message or store_commit_message(step, summary),
                            dry_run)
    for case_id in plan.finished if not dry_run else ():
        keystore.remove(case_id)
    return outcome


def reconcile(store: Store, dry_run: bool, locked: bool = False,
              only: set[str] | None = None) -> tuple[Outcome | None, Plan]:
    """`recipients reconcile` (and the end of a sync): every key (or those of the cases `only`
    names) in step with the recipients."""
    with contextlib.nullcontext() if locked else store_lock(store):
        refuse_if_interrupted(store)
        listing = read(store)
        if listing.store is None:
            return None, Plan()
        keystore = Keystore(store)
        if not keystore.path.is_dir():
            return None, Plan()
        refuse_uncommitted(store)
        _, base = on_base(store)
        known = {m.recipient for m in base.members}
        wrap_for = [m for m in listing.members if m.recipient in known]
        listing.removed += base.removed  # a former recipient on the base is one here, whatever this branch says
        found = plan(store, keystore, listing, wrap_for, lambda: identities(store), only)
        summary = f"{len(found.rekeyed)} cases re-keyed"
        return carry_out(store, keystore, found, "recipients-reconcile", summary, {}, dry_run), found
