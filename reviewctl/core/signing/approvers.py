"""Who may approve: principals and keys in git's allowed-signers format, and roles.

`.reviewctl/allowed_signers` holds `principal namespaces="git" key` lines; the roles
map to principals under `approvers:` in reviewctl.yaml.  Both change only through
these commands, each a commit.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.case.views import Node
from reviewctl.core.store.folder import CONFIG_FILE, Store
from reviewctl.core.store.step import store_commit_message
from reviewctl.core.store.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.errors import InvalidDataError, RefusedError, UsageError, located

SIGNERS_FILE = ".reviewctl/allowed_signers"
_KEY = re.compile(
    r"^((?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+)(?: .*)?$")
# Email-like only: allowed_signers reads * and ? as wildcards, and commas as lists.
_PRINCIPAL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$")


def parse_signers(text: str) -> list[tuple[str, str]]:
    """(principal, key) for each line of an allowed-signers file."""
    found = []
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        key_at = next((i for i, p in enumerate(parts) if _KEY.match(" ".join(parts[i:i + 2]))), None)
        if key_at is not None:
            found.append((parts[0], " ".join(parts[key_at:key_at + 2])))
    return found


def _read_key(path: Path) -> str:
    if not path.is_file():
        raise UsageError(f"--key {path}: no such file; give the approver's public key (.pub)")
    with path.open("rb") as handle:  # a public key is one short line: never read a huge file whole
        head = handle.read(16384).decode("utf-8", errors="replace")
    match = _KEY.match(head.strip())
    if match is None:
        raise UsageError(f"--key {path}: not an SSH public key (like `ssh-ed25519 AAAA...`); "
                         "give the .pub file, never the private key")
    return match.group(1)


def _guarded(store: Store, paths: list[Path]) -> None:
    refuse_if_interrupted(store)
    dirty = [p for path in paths for p in store.repo.changed_paths(store.repo_path(path))]
    if dirty:
        raise RefusedError(f"uncommitted edits in {', '.join(dirty)}; commit or discard them first")


def _config_with(store: Store) -> tuple[Path, Node]:
    """reviewctl.yaml for editing (read again under the store's lock)."""
    path = store.root / CONFIG_FILE
    config = yamlio.read_roundtrip(path, store.shown(path))
    if not isinstance(config, dict):
        raise InvalidDataError(located(store.shown(path), 1, None, "must be a mapping of settings"))
    return path, config


def add(store: Store, role: str, principal: str, key_file: Path, dry_run: bool, propose: bool = False) -> Outcome:
    if not _PRINCIPAL.match(principal):
        raise UsageError(f"{principal!r} is not a principal; use the approver's email, without spaces")
    known_roles = sorted({r for roles in store.workflow.approvals.values() for r in roles})
    if role not in known_roles:  # a typo would make an approver who can never approve
        from difflib import get_close_matches  # lazy: only where it is needed

        close = get_close_matches(role, known_roles, n=1)
        raise UsageError(f"{role!r} is not a role that approves in this store's workflow"
                         f"{f' (did you mean {close[0]!r}?)' if close else ''}; the roles: {', '.join(known_roles)}")
    key = _read_key(key_file)
    signers_path = store.root / SIGNERS_FILE
    store.repo.identity()
    with store_lock(store):
        config_path, config = _config_with(store)
        _guarded(store, [config_path, signers_path])
        roles = config.setdefault("approvers", yamlio.new_map())
        members = roles.setdefault(role, yamlio.new_seq())
        if principal in members:
            raise RefusedError(f"{principal} already holds the role '{role}'")
        members.append(principal)
        text = signers_path.read_text(encoding="utf-8") if signers_path.exists() else ""
        known = parse_signers(text)
        if (principal, key) not in known:
            text += f'{principal} namespaces="git" {key}\n'
        changes = {config_path: yamlio.dump(config), signers_path: text}
        summary = f"{role} += {principal}"
        return apply(store, "approvers", "approvers-add", summary,
                     changes, _message("approvers-add", role), dry_run, propose=propose)


def remove(store: Store, role: str, principal: str, dry_run: bool, propose: bool = False, *,
           today: date, revoke: bool = False) -> Outcome:
    """Take a role from a principal.

    Someone who leaves stays a former approver of the role until `today`: their key
    stays, and the approvals they made that were merged by then still count, so the
    cases they approved stay valid.  `revoke` (a lost or stolen key) takes the key and
    every former role too, and their approvals stop counting.
    """
    signers_path = store.root / SIGNERS_FILE
    store.repo.identity()
    with store_lock(store):
        config_path, config = _config_with(store)
        _guarded(store, [config_path, signers_path])
        members = (config.get("approvers") or {}).get(role) or []
        formers = config.get("former_approvers") or {}
        was_former = any(isinstance(f, dict) and f.get("principal") == principal
                         for f in formers.get(role) or [])
        if principal not in members and not (revoke and was_former):
            raise RefusedError(f"{principal} does not hold the role '{role}' (holders: {', '.join(members) or 'none'})")
        if principal in members:
            members.remove(principal)
        text = signers_path.read_text(encoding="utf-8") if signers_path.exists() else ""
        if revoke:
            # A lost key signs for every role its holder had: it loses them all, and the key goes.
            for holders in (config.get("approvers") or {}).values():
                if principal in (holders or []):
                    holders.remove(principal)
            for entries in formers.values():
                entries[:] = [f for f in entries or [] if not (isinstance(f, dict) and f.get("principal") == principal)]
            text = "".join(line + "\n" for line in text.splitlines() if line.split()[:1] != [principal])
        else:
            config.setdefault("former_approvers", yamlio.new_map()).setdefault(role, yamlio.new_seq()).append(
                yamlio.new_map({"principal": principal, "until": today}, one_line=True))
        changes = {config_path: yamlio.dump(config)}
        if not signers_path.exists() or signers_path.read_text(encoding="utf-8") != text:  # a leaver's key stays
            changes[signers_path] = text
        step = "approvers-revoke" if revoke else "approvers-remove"
        return apply(store, "approvers", step, f"{role} -= {principal}", changes, _message(step, role),
                     dry_run, propose=propose)


def _message(step: str, role: str) -> str:
    # Principals are staff email addresses: the commit names only the role.
    return store_commit_message(step, role)


def listing(store: Store) -> list[dict[str, str]]:
    path = store.root / SIGNERS_FILE
    keys = dict(parse_signers(path.read_text(encoding="utf-8"))) if path.exists() else {}
    rows = []

    def shown(key: str | None) -> str:
        return f"{key.split()[0]} …{key.split()[1][-12:]}" if key else "(no key!)"

    for role, principals in sorted(store.config.approvers.items()):
        for principal in principals:
            rows.append({"role": role, "principal": principal, "key": shown(keys.get(principal)), "until": ""})
    for role, formers in sorted(store.config.former_approvers.items()):
        for former in formers:
            rows.append({"role": role, "principal": former.principal, "key": shown(keys.get(former.principal)),
                         "until": former.until.isoformat()})
    return rows
