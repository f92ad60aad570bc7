"""Who the team's recipients are, as the repository records them: one file per recipient.

`.reviewctl/recipients/<name>.yaml` holds one recipient's public key, so that two clones
that each add someone make two new files, which git merges without a conflict (git-crypt
keeps one file per collaborator for the same reason). `.reviewctl/store.yaml` holds the
store's id, which names its folder in the key store, and the first commit(s) of the
repository that made it: an id copied into another repository is seen for what it is.
A removed recipient's file stays, marked `removed: true`: every clone, once it has merged
the removal, knows to re-key what they could read, and never mistakes them for a
newcomer that another clone added and this one has not merged yet.

A store from before keeps both in `.reviewctl/recipients.yaml`; it is read as it is
(together with any files of the new shape a merge brought in) until the next `recipients
add/remove` or `recipients migrate` moves it to the new shape.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reviewctl.adapters import agecrypt, yamlio
from reviewctl.adapters.agecrypt import CryptoError, Recipient
from reviewctl.core.signing.base_branch import base_ref
from reviewctl.core.store.folder import Store
from reviewctl.errors import InvalidDataError, RefusedError

RECIPIENTS_DIR = ".reviewctl/recipients"
STORE_FILE = ".reviewctl/store.yaml"
LEGACY_FILE = ".reviewctl/recipients.yaml"
NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_STORE_ID = re.compile(r"^[0-9a-f]{32}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_MEMBER_HEADER = ("A recipient: the public key of someone who can read the cases' identifiers.\n"
                  "Change the recipients only with `reviewctl recipients add/remove`.")
_REMOVED_HEADER = ("A former recipient, removed by `reviewctl recipients remove`: kept, so that every clone\n"
                   "gives a new key to each case whose key they could read. Never edit or delete it.")
_STORE_HEADER = ("This store's id, which names its folder in the key store, and the first commit(s) of\n"
                 "the repository that made it. Written once by `reviewctl recipients add`; never edit it.")


@dataclass(frozen=True)
class Member:
    name: str
    recipient: Recipient

    @property
    def shown(self) -> str:
        return f"{self.name} ({self.recipient.short})"


@dataclass(frozen=True)
class StoreId:
    value: str
    roots: frozenset[str]  # the repository's first commits when the id was made (none in the old shape)
    shown: str  # the file it was read from, as messages name it


@dataclass
class Listing:
    """The recipients and the store's id as one commit (or the work tree) has them."""

    members: list[Member] = field(default_factory=list)
    store: StoreId | None = None
    legacy: bool = False  # read from the old .reviewctl/recipients.yaml
    removed: list[Member] = field(default_factory=list)  # former recipients (since the new shape)

    @property
    def removed_keys(self) -> set[Recipient]:
        listed = {m.recipient for m in self.members}  # someone removed and added again is a recipient
        return {m.recipient for m in self.removed} - listed


def shown_members(members: list[Member]) -> str:
    return ", ".join(m.shown for m in members) if members else "nobody"


def _store_id(data: object, shown: str, roots_expected: bool) -> StoreId:
    value = data.get("store") if isinstance(data, dict) else None
    if not (isinstance(data, dict) and isinstance(value, str) and _STORE_ID.match(value)):
        raise InvalidDataError("must be the store's id (32 hex digits), as "
                               "`reviewctl recipients add` wrote it; bring back the committed file",
                               path=shown, line=1, key="store")
    roots = data.get("roots") if roots_expected else []
    if not (isinstance(roots, list) and all(isinstance(r, str) and _COMMIT.match(r) for r in roots)) \
            or (roots_expected and not roots):
        raise InvalidDataError("must list the "
                               "repository's first commits, as `reviewctl recipients add` wrote them; "
                               "bring back the committed file",
                               path=shown, line=yamlio.line_of(data, ("roots",)), key="roots")
    return StoreId(value, frozenset(roots), shown)


def _member(name: str, data: object, shown: str) -> tuple[Member, bool]:
    """A recipient's file: the recipient, and whether they were removed."""
    if not NAME_SHAPE.match(name):
        raise InvalidDataError(f"{name!r} is not a recipient name (letters, digits and . _ @ + -); "
                               "remove the file, and add them with `reviewctl recipients add`", path=shown)
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str):
        raise InvalidDataError("must be the recipient's public key; remove the file, "
                               "and add them with `reviewctl recipients add`", path=shown, line=1, key="key")
    removed = data.get("removed", False) if isinstance(data, dict) else False
    if not isinstance(removed, bool):
        raise InvalidDataError("must be true or "
                               "absent, as `reviewctl recipients remove` wrote it; bring back the committed "
                               "file", path=shown, line=yamlio.line_of(data, ("removed",)), key="removed")
    try:
        return Member(name, agecrypt.parse_recipient(key)), removed
    except CryptoError as error:
        raise InvalidDataError(f"{error}; fix it or "
                               "remove the recipient with `reviewctl recipients remove`",
                               path=shown, line=yamlio.line_of(data, ("key",)), key="key") from None


def _legacy_members(data: object, shown: str) -> list[Member]:
    listed = data.get("recipients") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise InvalidDataError("must be a list of {name, key}; "
                               "change it with `reviewctl recipients add/remove`", path=shown, line=1, key="recipients")
    members = []
    for i, entry in enumerate(listed):
        line = yamlio.line_of(data, ("recipients", i))
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("key"), str)):
            raise InvalidDataError("must have a name and a key", path=shown, line=line, key=f"recipients[{i}]")
        try:
            members.append(Member(entry["name"], agecrypt.parse_recipient(entry["key"])))
        except CryptoError as error:
            raise InvalidDataError(f"{error}; fix it or "
                                   "remove the recipient with `reviewctl recipients remove`",
                                   path=shown, line=line, key=f"recipients[{i}].key") from None
    return members


def _listing(texts: dict[str, str], shown: Callable[[str], str]) -> Listing:
    """The listing from the texts of its files (keyed by their path in the store)."""
    found = Listing()
    legacy_text = texts.get(LEGACY_FILE)
    by_name: dict[str, Member] = {}
    if legacy_text is not None:
        data = yamlio.parse_roundtrip(legacy_text, shown(LEGACY_FILE))
        found.store = _store_id(data, shown(LEGACY_FILE), roots_expected=False)
        found.legacy = True
        for member in _legacy_members(data, shown(LEGACY_FILE)):
            by_name[member.name] = member
    if texts.get(STORE_FILE) is not None:
        store = _store_id(yamlio.parse_roundtrip(texts[STORE_FILE], shown(STORE_FILE)), shown(STORE_FILE), True)
        if found.store is not None and found.store.value != store.value:
            raise InvalidDataError(f"differs from the id in {shown(LEGACY_FILE)}; keep "
                                   "the one the key store's folder is named by, then `reviewctl recipients migrate`",
                                   path=shown(STORE_FILE), key="store")
        found.store = store
    for path in sorted(p for p in texts if p.startswith(RECIPIENTS_DIR + "/") and p.endswith(".yaml")):
        name = path[len(RECIPIENTS_DIR) + 1:-len(".yaml")]
        member, removed = _member(name, yamlio.parse_roundtrip(texts[path], shown(path)), shown(path))
        if removed:
            found.removed.append(member)
            continue
        if name in by_name and by_name[name].recipient != member.recipient:
            raise InvalidDataError(f"{name} has another key in {shown(LEGACY_FILE)}; keep the right "
                                   "one, then `reviewctl recipients migrate`", path=shown(path))
        by_name[name] = member
    found.members = sorted(by_name.values(), key=lambda m: m.name)
    return found


_MAX_FILE = 64 * 2**10  # a public key and its name: a few hundred bytes


def _committed_text(store: Store, path: Path) -> str | None:
    """A recipients' file as the work tree has it (None: absent), read only as a regular file
    of its own: a committed link would make the list a file outside the repository, which
    anyone who can write there could change (or /dev/zero, read for ever)."""
    if not path.is_symlink() and not path.exists():
        return None
    if path.is_symlink() or not path.is_file():
        raise InvalidDataError(f"is a link or not a regular file; the recipients are regular "
                               "files committed in the store: bring back the committed file (`git log -p -- "
                               f"{store.repo_path(path.parent)}`), or remove the link", path=store.shown(path))
    if path.stat().st_size > _MAX_FILE:
        raise InvalidDataError(f"longer than a recipients' file ever is "
                               f"({_MAX_FILE >> 10} KB); bring back the committed file", path=store.shown(path))
    return yamlio.read_text(path, store.shown(path))


def read(store: Store) -> Listing:
    """The recipients and the store's id as the work tree has them."""
    texts = {}
    for rel in (LEGACY_FILE, STORE_FILE):
        text = _committed_text(store, store.root / rel)
        if text is not None:
            texts[rel] = text
    folder = store.root / RECIPIENTS_DIR
    if folder.is_symlink():
        _committed_text(store, folder)
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            text = _committed_text(store, path)
            if text is not None:
                texts[f"{RECIPIENTS_DIR}/{path.name}"] = text
    return _listing(texts, lambda rel: store.shown(store.root / rel))


def read_at(store: Store, commit: str, ref: str) -> Listing:
    """The recipients and the store's id as `commit` (the base, named `ref`) has them."""
    prefix = store.repo_path(store.root)
    prefix = "" if prefix == "." else prefix + "/"
    paths = [prefix + LEGACY_FILE, prefix + STORE_FILE, *store.repo.files_in(commit, prefix + RECIPIENTS_DIR)]
    texts = {path[len(prefix):]: text for path, text in store.repo.texts_at(commit, paths).items() if text is not None}
    return _listing(texts, lambda rel: f"{ref}:{rel}")


def recipients(store: Store) -> list[Member]:
    """The team's recipients, as the work tree lists them (empty if none are listed)."""
    return read(store).members


def store_id(store: Store) -> str | None:
    """The store's own id, made when its first recipient is added: its key store's folder."""
    found = read(store).store
    return found.value if found else None


def paths(store: Store) -> list[Path]:
    """The files and the folder that record the recipients, for the checks of uncommitted edits."""
    return [store.root / LEGACY_FILE, store.root / STORE_FILE, store.root / RECIPIENTS_DIR]


def new_store_id(store: Store) -> StoreId:
    roots = store.repo.root_commits()
    if not roots:
        raise RefusedError("the repository has no commits yet; commit the store first")
    return StoreId(secrets.token_hex(16), frozenset(roots), STORE_FILE)


def written(store: Store, listing: Listing, members: list[Member],
            removed: list[Member] | None = None) -> dict[Path, str | None]:
    """The file changes that record `members` (and the store's id) in the new shape, and
    `removed` as former recipients; the old recipients.yaml goes, and the id it held is kept."""
    changes: dict[Path, str | None] = {}
    store_ref = listing.store or new_store_id(store)
    if listing.legacy or not (store.root / STORE_FILE).is_file():
        roots = sorted(store_ref.roots) or sorted(store.repo.root_commits())
        data = yamlio.new_map({"store": store_ref.value, "roots": yamlio.new_seq(roots)})
        data.yaml_set_start_comment(_STORE_HEADER)
        changes[store.root / STORE_FILE] = yamlio.dump(data)
    if listing.legacy:
        changes[store.root / LEGACY_FILE] = None
    folder = store.root / RECIPIENTS_DIR
    for member, gone in [*((m, False) for m in members), *((m, True) for m in removed or [])]:
        path = folder / f"{member.name}.yaml"
        data = yamlio.new_map({"key": member.recipient.key, **({"removed": True} if gone else {})})
        data.yaml_set_start_comment(_REMOVED_HEADER if gone else _MEMBER_HEADER)
        text = yamlio.dump(data)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changes[path] = text
    return changes


def on_base(store: Store) -> tuple[str, Listing]:
    """The base branch's name and its listing; a UsageError where there is no base to compare
    with, exactly as for approvals: a branch, or a clone of one, must never vouch for itself."""
    ref, commit = base_ref(store, None)
    listing = read_at(store, commit, ref)
    # The id names the folder of keys every key is read from and written to: a branch that
    # takes in another store's history and its id would open that store's folder (its first
    # commit is then in this history), and hand its keys to this store's recipients.
    own = read(store).store
    if own is not None and listing.store is not None and own.value != listing.store.value:
        raise InvalidDataError(f"differs from the id on the base branch ({ref}), so no case "
                               "key is read or given here (the id names a folder in the key store, and another "
                               f"store's id would open its keys): bring back the base's (`git checkout {ref} -- "
                               f"{STORE_FILE}`), or work on the base branch", path=own.shown, key="store")
    return ref, listing


def refuse_uncommitted(store: Store) -> None:
    # One `git status` of the folder that holds them all.
    ours = [store.repo_path(path) for path in paths(store)]
    dirty = [p for p in store.repo.changed_paths(store.repo_path(store.root / ".reviewctl"))
             if any(p == rel or p.startswith(rel + "/") for rel in ours)]
    if dirty:
        raise RefusedError(f"{', '.join(dirty)} has uncommitted edits; change the recipients only with "
                           "`reviewctl recipients add/remove` (discard the edit with `git restore`)")


def trusted(store: Store) -> list[Member]:
    """The recipients a case key may be encrypted for: the committed list, every one of whom
    the base branch lists too.

    A branch (or a hand edit) that adds a key must not get the identifiers encrypted for it
    before the change is reviewed and merged into the base; and with no base to compare with
    (a single-branch clone of a pull request), nobody is trusted.
    """
    members = recipients(store)
    refuse_uncommitted(store)
    base, listing = on_base(store)
    known = {m.recipient for m in listing.members}
    unknown = [m.name for m in members if m.recipient not in known]
    if unknown:
        raise RefusedError(f"{RECIPIENTS_DIR} lists {', '.join(unknown)}, who the base branch ({base}) does not; "
                           "identifiers are encrypted only for recipients merged into the base: merge that change "
                           "through review first, or work on the base branch")
    return members

