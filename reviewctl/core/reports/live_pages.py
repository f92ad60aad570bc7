"""What `reviewctl serve` shows: the dashboard's pages (reports/site_pages.py) read live from the
store, and for one case also its history, its documents and the steps allowed now.

The one door from the web face into the core: it returns plain values for templates.
Like the static site it never reads a case's identifiers: a document list leaves out
`identifiers.age` and `confidential.yaml`, and a document is read only from inside the
case's folder, never through a link.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.review_records import KINDS, STATUSES
from reviewctl.core.case.statutory_records import OUTCOMES
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, LEGACY_FILE
from reviewctl.core.reports.cache import load_index
from reviewctl.core.reports.case_data import history_rows, show_case
from reviewctl.core.reports.site_pages import Pages
from reviewctl.core.store.folder import Store
from reviewctl.core.workflow.statute import themes_of
from reviewctl.errors import UsageError

__all__ = ["PAGES", "Document", "LiveSite", "NoSuchCase", "Store", "document_path", "documents"]

# The pages of the dashboard, by the name the server gives each.
PAGES = ("tracker", "due", "figures", "actions")
_PRIVATE = {IDENTIFIERS_FILE, LEGACY_FILE}
_RECORDS = set(DOCUMENT_FILES.values())  # the case's own records: shown as its facts, not as documents


class NoSuchCase(UsageError):
    """A case id that the store does not hold (or that is not an id at all)."""


@dataclass(frozen=True)
class Document:
    name: str  # the path inside the case's folder, e.g. documents/2026-11-20-acknowledgement-letter.md
    size: int


class LiveSite:
    """The pages of one store on one day, read when asked."""

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today
        self.index = load_index(store)
        flow = store.workflow
        self.pages = Pages(self.index, today, {s.id: s.label for s in flow.stages}, dict(flow.types))

    @property
    def problems(self) -> list[str]:
        return list(self.index.problems)

    # A page's values are the template's (and the web face's, which adds to them): a plain
    # dict of values of every kind, as the typed records of reports/site_pages.py give them.
    def page(self, name: str) -> dict[str, Any]:
        pages = self.pages
        if name == "tracker":
            return dict(pages.tracker())
        if name == "due":
            return dict(pages.due())
        if name == "figures":
            return dict(pages.figures())
        if name == "actions":
            return dict(pages.actions())
        raise KeyError(name)

    def case(self, case_id: str) -> dict[str, Any]:
        """The case page's values, with its history, documents and what `next` lists."""
        summary = next((s for s in self.index.summaries if s.id == case_id), None)
        if summary is None:
            raise NoSuchCase(f"no case {case_id!r} in this store; the tracker lists the ids")
        page = dict(self.pages.case(summary))
        view = show_case(self.store, case_id, self.today)
        does = {t.step: t.does for t in self.store.workflow.transitions}
        labels = self.pages.stage_labels
        page["history"] = history_rows(view.facts["history"])
        page["next"] = {**view.next, "steps": [{**s, "action": does.get(s["step"], s["step"]),
                                                "to_label": labels.get(str(s["to"]), s["to"])}
                                               for s in view.next["steps"]]}
        page["documents"] = documents(self.store, case_id)
        return page

    def vocabularies(self, case_type: str | None = None) -> dict[str, list[tuple[str, str]]]:
        """The values each kind of option takes in this store, as (value, words) pairs, for a
        form's list of choices; the command still checks what it is given."""
        flow = self.store.workflow
        roles = flow.approvals.get(case_type or "") or sorted({r for rs in flow.approvals.values() for r in rs})
        plain = {"proceeding": flow.statute.proceedings, "link": list(KINDS), "role": roles,
                 "status": list(STATUSES), "qa-outcome": list(OUTCOMES), "theme": themes_of(flow, self.store.config)}
        found = {name: [(v, v) for v in values] for name, values in plain.items()}
        found["type"] = [(t, f"{label} ({t})") for t, label in flow.types.items()]
        found["checklist"] = [(item.id, item.label) for item in flow.checklist]
        return found


def documents(store: Store, case_id: str) -> list[Document]:
    """The case's letters, reports and returns: every regular file in its folder but its
    records and its identifiers, oldest name first; links are never followed."""
    folder = store.existing_case_dir(case_id)
    found: list[Document] = []
    for top, dirs, names in os.walk(folder):  # os.walk does not descend into linked folders
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(top, d)))
        for name in sorted(names):
            path = Path(top, name)
            relative = path.relative_to(folder).as_posix()
            if name in _PRIVATE or name.endswith(".age") or relative in _RECORDS or path.is_symlink():
                continue
            if path.is_file():
                found.append(Document(relative, path.stat().st_size))
    return found


def document_path(store: Store, case_id: str, name: str) -> Path:
    """The file of document `name` of the case: one that `documents` lists, else NoSuchCase."""
    listed = {d.name for d in documents(store, case_id)}
    if name not in listed:
        raise NoSuchCase(f"the case has no document {name!r}")
    return store.existing_case_dir(case_id) / name
