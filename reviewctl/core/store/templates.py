"""The templates a store renders from: its own folder first, then reviewctl's defaults."""

from __future__ import annotations

from reviewctl.core.case.problems import Problem
from reviewctl.core.store.confinement import odd_entries
from reviewctl.core.store.folder import TEMPLATES_DIR, Store
from reviewctl.errors import UsageError


def template_list(store: Store) -> list[dict[str, str]]:
    """Each template name once, with the folder it is taken from."""
    from reviewctl.adapters.render import default_templates_dir  # lazy: loads jinja2, signal

    seen: dict[str, str] = {}
    builtin = default_templates_dir().resolve()
    for folder in store.templates_search():
        where = "built in" if folder.resolve() == builtin else store.shown(folder)
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file() and path.name != "README.md":
                seen.setdefault(path.name, where)
    return [{"name": name, "from": where} for name, where in sorted(seen.items())]


def template_text(store: Store, name: str) -> str:
    from reviewctl.adapters.render import read_template  # lazy: loads jinja2, signal

    if name.lower().endswith(".docx"):
        raise UsageError(f"{name} is a Word document (the reference for letters written as .docx): open it "
                         "in Word rather than print it")
    # The site's templates sit in their own folder: `reviewctl template site/case.html.j2`.
    found = read_template(name, store.templates_search()) if "/" not in name.removeprefix("site/") else None
    if found is not None:
        return found[0]
    names = ", ".join(t["name"] for t in template_list(store))
    raise UsageError(f"no template {name!r}; the templates are: {names}")


def template_problems(store: Store) -> list[Problem]:
    """Every link or special file among the store's templates: each would be refused when used."""
    folder = store.root / TEMPLATES_DIR
    if folder.is_symlink():
        return [Problem(store.shown(folder), "the templates folder is a symbolic link, so every step that renders "
                        "a letter fails; make it a real folder inside the store, holding the templates themselves")]
    return [Problem(store.shown(path), "a symbolic link; templates are read only as regular files inside the "
                    "templates folder, so a step using it fails: replace the link with a file holding the "
                    "template's own text (or `git rm` it)" if link
                    else "not a regular file; a template must be a plain text file")
            for path, link in odd_entries(folder)]
