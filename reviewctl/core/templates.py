"""The templates a store renders from: its own folder first, then reviewctl's defaults."""

from __future__ import annotations

import os
from pathlib import Path

from reviewctl.core.store import TEMPLATES_DIR, Store
from reviewctl.errors import UsageError


def template_list(store: Store) -> list[dict[str, str]]:
    """Each template name once, with the folder it is taken from."""
    from reviewctl.adapters.render import default_templates_dir

    seen: dict[str, str] = {}
    builtin = default_templates_dir().resolve()
    for folder in store.templates_search():
        where = "built in" if folder.resolve() == builtin else store.shown(folder)
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file() and path.name != "README.md":
                seen.setdefault(path.name, where)
    return [{"name": name, "from": where} for name, where in sorted(seen.items())]


def template_text(store: Store, name: str) -> str:
    from reviewctl.adapters.render import read_template

    if name.lower().endswith(".docx"):
        raise UsageError(f"{name} is a Word document (the reference for letters written as .docx): open it "
                         "in Word rather than print it")
    # The site's templates sit in their own folder: `reviewctl template site/case.html.j2`.
    found = read_template(name, store.templates_search()) if "/" not in name.removeprefix("site/") else None
    if found is not None:
        return found[0]
    names = ", ".join(t["name"] for t in template_list(store))
    raise UsageError(f"no template {name!r}; the templates are: {names}")


def template_problems(store: Store) -> list[str]:
    """Every link or special file among the store's templates: each would be refused when used."""
    from reviewctl.core.confinement import odd_entries

    folder = store.root / TEMPLATES_DIR
    if folder.is_symlink():
        return [f"{store.shown(folder)}: the templates folder is a symbolic link, so every step that renders "
                "a letter fails; make it a real folder inside the store, holding the templates themselves"]
    return [f"{store.shown(path)}: a symbolic link; templates are read only as regular files inside the "
            "templates folder, so a step using it fails: replace the link with a file holding the template's "
            "own text (or `git rm` it)" if link
            else f"{store.shown(path)}: not a regular file; a template must be a plain text file"
            for path, link in odd_entries(folder)]


def template_changes(store: Store, base: str) -> list[str]:
    """Each template (and the store's own workflow, settings and signers) a branch adds,
    changes or deletes since `base`.

    A template is code that every later step runs, and the settings and signers say who
    may approve: a reviewer should read these changes with that in mind.
    """
    from reviewctl.core.approvers import SIGNERS_FILE
    from reviewctl.core.base import resolve_base
    from reviewctl.core.store import CONFIG_FILE

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
