"""What a branch changes in the rules of the store: its templates and workflow (code that every
later step runs), its settings and allowed signers (who may approve).  `validate --base` tells
a reviewer of each, to be read with that in mind."""

from __future__ import annotations

import os
from pathlib import Path

from reviewctl.core.signing.approvers import SIGNERS_FILE
from reviewctl.core.signing.base_branch import resolve_base
from reviewctl.core.store.folder import CONFIG_FILE, TEMPLATES_DIR, Store
from reviewctl.errors import UsageError


def template_changes(store: Store, base: str) -> list[str]:
    """Each template (and the store's own workflow, settings and signers) a branch adds,
    changes or deletes since `base`.

    A template is code that every later step runs, and the settings and signers say who
    may approve: a reviewer should read these changes with that in mind.
    """
    repo = store.repo
    commit = resolve_base(store, base, "--base")
    if commit is None:
        raise UsageError(f"--base {base!r} is not a branch or commit of this repository")
    code = ("templates and the workflow are code that every later step runs: review the change as code")
    rules = ("the settings and the allowed signers say who may approve: once merged they are the base's "
             "rules, so review the change as you would an approval")
    watched = [(store.root / TEMPLATES_DIR, "template", code)]
    config, _, _ = store.settings
    if config is not None and config.workflow:
        watched.append((store.root / config.workflow, "workflow", code))
    watched += [(store.root / CONFIG_FILE, "settings", rules), (store.root / SIGNERS_FILE, "allowed signers", rules)]
    notices = []
    for path, what, why in watched:
        try:  # lexically: a linked folder is judged by validate's problems, not followed here
            pathspec = Path(os.path.normpath(path)).relative_to(repo.root).as_posix()
        except ValueError:
            continue
        for changed in repo.changed_between(commit, "HEAD", pathspec):
            before, after = repo.show_file(commit, changed), repo.show_file("HEAD", changed)
            how = "added" if before is None else "deleted" if after is None else "changed"
            notices.append(f"{store.shown(repo.root / changed)}: {what} {how} on this branch; {why}")
    return notices
