"""Working as a team over a git remote: sync, and CODEOWNERS for the forge."""

from __future__ import annotations

from reviewctl.adapters.files import write_atomic
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE
from reviewctl.core.privacy.recipient_list import STORE_FILE
from reviewctl.core.privacy.reconcile import reconcile
from reviewctl.core.store.folder import CASES_DIR, Store
from reviewctl.core.store.transaction import store_lock
from reviewctl.errors import RefusedError, ReviewctlError, UsageError

# The files of a case that a role must review in a pull request.
GATED = {"approvals.yaml": ["sscp", "independent-chair", "home-office-qa"],
         "jcrg.yaml": ["jcrg"], "report.yaml": ["jcrg"], "publication.yaml": ["sscp"]}
# The store's own rules: who may approve, the settings and workflow, and the templates
# (code that every later step runs).  A change to any of them needs the approvers' review.
GATED_STORE = {".reviewctl/": ["sscp", "independent-chair"], "reviewctl.yaml": ["sscp", "independent-chair"],
               "templates/": ["sscp", "independent-chair"], "CODEOWNERS": ["sscp", "independent-chair"],
               ".gitattributes": ["sscp", "independent-chair"]}


def sync(store: Store) -> list[str]:
    """Take in the upstream's commits, then push the current branch; a conflict is left for the user.

    Local commits are rebased, unless one is signed (an approval): then the upstream is
    merged, because a rebase would make new, unsigned commits of the approvals.
    """
    repo = store.repo
    repo.identity()
    with store_lock(store):
        dirty = repo.changed_paths(store.repo_path(store.root))
        if dirty:
            raise RefusedError(f"uncommitted changes ({', '.join(dirty[:3])}); commit or discard them, then sync")
        before = repo.head()
        mode, conflicts = repo.integrate()
        if conflicts:
            cases_path = store.repo_path(store.cases_dir)
            named = []
            for path in conflicts:
                if not path.startswith(cases_path + "/"):
                    named.append(path)
                    continue
                case, _, name = path[len(cases_path) + 1:].partition("/")
                named.append(f"case {case}, file {name}" if name else path)
            finish = ("`git rebase --continue` (or `git rebase --abort` to go back)" if mode == "rebase"
                      else "`git commit` (or `git merge --abort` to go back)")
            raise RefusedError(
                f"sync stopped on a conflict in {'; '.join(named)}: both sides changed the same lines. "
                f"Nothing is lost: edit the file to keep what is right, `git add` it and {finish}, "
                "then sync again"
            )
        repo.forget_head()
        touched = _touched(store, before)
        if mode == "none":
            said = ["the upstream had nothing new", *repo.push()]
        else:
            how = "merged, so that signed approvals keep their signatures" if mode == "merge" else "rebased"
            said = [f"took in the upstream's commits ({how})", *repo.push()]
        return said + _reconciled(store, touched)


def _touched(store: Store, before: str | None) -> set[str] | None:
    """The cases whose keys the sync may have put out of step: those whose identifiers came in
    or go out; None (every case) when the recipients changed on either side."""
    repo, root = store.repo, store.repo_path(store.root)
    head, upstream = repo.resolve("HEAD"), repo.resolve("@{upstream}")
    try:
        changed = set(repo.changed_between(before, head, root)) if before and head else set()
        changed |= set(repo.changed_between(upstream, head, root)) if upstream and head else set()
    except ReviewctlError:
        return None  # when in doubt, every key is looked at
    prefix = "" if root == "." else root + "/"
    if any(p.startswith(prefix + ".reviewctl/recipients") or p == prefix + STORE_FILE for p in changed):
        return None
    cases = prefix + CASES_DIR + "/"
    return {p[len(cases):].split("/")[0] for p in changed
            if p.startswith(cases) and p.endswith("/" + IDENTIFIERS_FILE)}


def _reconciled(store: Store, touched: set[str] | None) -> list[str]:
    """The case keys brought in step with the recipients of the merged history, after the push
    (so that the base lists whoever this clone added); a re-keying commit is pushed too.

    A sync never fails for it: what cannot be done here is said, and `validate` names it."""
    if touched is not None and not touched:
        return []  # nothing that holds a key came in or goes out
    store.repo.forget_head()
    try:
        outcome, plan = reconcile(store, dry_run=False, locked=True, only=touched)
    except ReviewctlError as error:
        return [f"warning: the case keys were not brought in step with the recipients: {error.message}"]
    said = [f"keys: {line}" for line in plan.said()]
    said += [f"warning: no key in the key store for {case_id}, whose identifiers are encrypted"
             for case_id in plan.missing]
    if outcome is not None and outcome.commit:
        said += [f"store: recipients-reconcile, commit {outcome.commit[:10]}", *store.repo.push()]
    return said


def codeowners(store: Store, dry_run: bool) -> str:
    teams = store.config.teams
    if not teams:
        raise UsageError("no forge teams in reviewctl.yaml: add e.g. `teams: {sscp: '@partnership/sscp', "
                         "jcrg: '@partnership/jcrg'}`")
    root = store.repo_path(store.root)
    prefix = "" if root == "." else f"{root}/"
    lines = ["# Written by `reviewctl codeowners`: each gated file of a case, and the teams",
             "# whose review a pull request changing it needs.", ""]
    for name, roles in GATED.items():
        owners = [teams[r] for r in roles if r in teams]
        if owners:
            lines.append(f"/{prefix}{CASES_DIR}/*/{name} {' '.join(owners)}")
    for name, roles in GATED_STORE.items():
        owners = [teams[r] for r in roles if r in teams]
        if owners:
            lines.append(f"/{prefix}{name} {' '.join(owners)}")
    if store.config.workflow:
        owners = [teams[r] for r in GATED_STORE["reviewctl.yaml"] if r in teams]
        if owners:
            lines.append(f"/{prefix}{store.config.workflow.removeprefix('./')} {' '.join(owners)}")
    gating = {r for rs in (*GATED.values(), *GATED_STORE.values()) for r in rs}
    for role, team in sorted(teams.items()):
        if role not in gating:
            lines.append(f"# {role}: {team} (no gated file)")
    text = "\n".join(lines) + "\n"
    if not dry_run:
        target = store.repo.root / "CODEOWNERS"
        write_atomic(target, text)
    return text
