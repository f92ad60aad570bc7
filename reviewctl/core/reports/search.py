"""`reviewctl search`: cases found by their pseudonym, summary, agencies, themes or report
text, from the report cache (each case's searchable text is kept in its summary).

Pseudonymised text only: the identifiers (identifiers.age) are never read here.
"""

from __future__ import annotations

from typing import TypedDict

from reviewctl.core.reports.cache import Index
from reviewctl.core.reports.search_text import FIELDS, fold


class Found(TypedDict):
    id: str
    type: str
    stage: str
    subject: str | None
    matched: list[str]  # the fields a word was found in


def search(index: Index, text: str) -> list[Found]:
    """The cases where every word of `text` is found, in any of the fields; which fields matched."""
    words = fold(text).split()
    found: list[Found] = []
    details = index.details()
    for s in index.summaries:
        fields = details[s.id].search
        if not words or not all(any(w in fields.get(f, "") for f in FIELDS) for w in words):
            continue
        matched = [f for f in FIELDS if any(w in fields.get(f, "") for w in words)]
        found.append({"id": s.id, "type": s.type, "stage": s.stage, "subject": s.subject,
                      "matched": matched})
    return found
