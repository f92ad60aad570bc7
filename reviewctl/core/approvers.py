"""Who may approve: principals and keys in git's allowed-signers format, and roles.

`.reviewctl/allowed_signers` holds `principal namespaces="git" key` lines; the roles
map to principals under `approvers:` in reviewctl.yaml.  Both change only through
these commands, each a commit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reviewctl.adapters import yamlio
from reviewctl.core.step import commit_message
from reviewctl.core.store import CONFIG_FILE, Store
from reviewctl.core.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.errors import RefusedError, UsageError

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
    match = _KEY.match(path.read_text(encoding="utf-8", errors="replace").strip())
    if match is None:
        raise UsageError(f"--key {path}: not an SSH public key (like `ssh-ed25519 AAAA...`); "
                         "give the .pub file, never the private key")
    return match.group(1)


def _guarded(store: Store, paths: list[Path]) -> None:
    refuse_if_interrupted(store)
    dirty = [p for path in paths for p in store.repo.changed_paths(store.repo_path(path))]
    if dirty:
        raise RefusedError(f"uncommitted edits in {', '.join(dirty)}; commit or discard them first")


def _config_with(store: Store) -> tuple[Path, Any]:
    path = store.root / CONFIG_FILE
    return path, yamlio.read_roundtrip(path, store.shown(path))


def add(store: Store, role: str, principal: str, key_file: Path, dry_run: bool, propose: bool = False) -> Outcome:
    if not _PRINCIPAL.match(principal):
        raise UsageError(f"{principal!r} is not a principal; use the approver's email, without spaces")
    known_roles = sorted({r for roles in store.workflow.approvals.values() for r in roles})
    if role not in known_roles:  # a typo would make an approver who can never approve
        from difflib import get_close_matches

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


def remove(store: Store, role: str, principal: str, dry_run: bool, propose: bool = False) -> Outcome:
    signers_path = store.root / SIGNERS_FILE
    store.repo.identity()
    with store_lock(store):
        config_path, config = _config_with(store)
        _guarded(store, [config_path, signers_path])
        members = (config.get("approvers") or {}).get(role) or []
        if principal not in members:
            raise RefusedError(f"{principal} does not hold the role '{role}' (holders: {', '.join(members) or 'none'})")
        members.remove(principal)
        still = any(principal in (m or []) for m in (config.get("approvers") or {}).values())
        text = signers_path.read_text(encoding="utf-8") if signers_path.exists() else ""
        if not still:  # no role left: the key goes too
            text = "".join(line + "\n" for line in text.splitlines() if line.split()[:1] != [principal])
        changes = {config_path: yamlio.dump(config), signers_path: text}
        return apply(store, "approvers", "approvers-remove", f"{role} -= {principal}",
                     changes, _message("approvers-remove", role), dry_run, propose=propose)


def _message(step: str, role: str) -> str:
    # Principals are staff email addresses: the commit names only the role.
    return commit_message("store", step, role).replace("Reviewctl-Case: store\n", "")


def listing(store: Store) -> list[dict[str, str]]:
    path = store.root / SIGNERS_FILE
    keys = dict(parse_signers(path.read_text(encoding="utf-8"))) if path.exists() else {}
    rows = []
    for role, principals in sorted(store.config.approvers.items()):
        for principal in principals:
            key = keys.get(principal)
            rows.append({"role": role, "principal": principal,
                         "key": f"{key.split()[0]} …{key.split()[1][-12:]}" if key else "(no key!)"})
    return rows
