"""The templates a store renders from: its own folder first, then reviewctl's defaults."""

from __future__ import annotations

from reviewctl.core.store import Store
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

    found = read_template(name, store.templates_search()) if "/" not in name else None
    if found is not None:
        return found[0]
    names = ", ".join(t["name"] for t in template_list(store))
    raise UsageError(f"no template {name!r}; the templates are: {names}")
