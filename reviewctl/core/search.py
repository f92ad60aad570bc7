"""`reviewctl search`: cases found by their pseudonym, summary, agencies, themes or report
text, from the report cache (each case's searchable text is kept in its summary).

Pseudonymised text only: the identifiers (identifiers.age) are never read here.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from reviewctl.core.index import Index

MAX_REPORT_CHARS = 1_000_000  # a report's text kept for searching; a review report is far shorter
FIELDS = ("subject", "summary", "agency", "theme", "report")


def _fold(text: str) -> str:
    """Text as it is compared: without capitals or accents (Zoë finds Zoe)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _themes(data: Any) -> list[str]:
    """Every text under a `themes` (or `theme`) key of a case's records, wherever a step keeps them."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key) in ("themes", "theme", "learning_themes"):
                found += [str(v) for v in (value if isinstance(value, list) else [value])
                          if isinstance(v, str | int) and not isinstance(v, bool)]
            else:
                found += _themes(value)
    elif isinstance(data, list):
        for item in data:
            found += _themes(item)
    return found


def _report_text(folder: Path, docs: dict[str, Any]) -> str:
    from reviewctl.core.casefiles import ReportDoc
    from reviewctl.core.records import own_report_files

    versions = ReportDoc(docs.get("report")).versions
    if not versions:
        return ""
    last = versions[-1]
    name = str(last.file)
    if last.version is None or name not in own_report_files(last.version):
        return ""  # never a file the record does not own
    path = folder / name
    if path.is_symlink() or not path.is_file():
        return ""
    from reviewctl.core.extract import extract
    from reviewctl.errors import ReviewctlError

    try:
        found = extract(path, name)
    except ReviewctlError:
        return ""
    recommendations = " ".join(str(r) for r in last.get("recommendations") or [])
    return ((found.text if found else "") + "\n" + recommendations)[:MAX_REPORT_CHARS]


def searchable(folder: Path, docs: dict[str, Any]) -> dict[str, str]:
    """A case's searchable text by field, folded; kept in the cache with its summary."""
    case = docs.get("case") or {}
    return {
        "subject": _fold(str(case.get("subject") or "")),
        "summary": _fold(str(case.get("summary") or "")),
        "agency": _fold("\n".join(str(a) for a in case.get("agencies") or [])),
        "theme": _fold("\n".join(t for name, doc in docs.items() if name != "case" for t in _themes(doc))),
        "report": _fold(_report_text(folder, docs)),
    }


def search(index: Index, text: str) -> list[dict[str, Any]]:
    """The cases where every word of `text` is found, in any of the fields; which fields matched."""
    words = _fold(text).split()
    found = []
    details = index.details()
    for s in index.summaries:
        fields = details[s.id].search
        if not words or not all(any(w in fields.get(f, "") for f in FIELDS) for w in words):
            continue
        matched = [f for f in FIELDS if any(w in fields.get(f, "") for w in words)]
        found.append({"id": s.id, "type": s.type, "stage": s.stage, "subject": s.subject,
                      "matched": matched})
    return found
