"""The text a case is found by: its pseudonym, summary, agencies, themes and report, folded.  The
summary cache builds it with the rest of a case's summary; `search` reads it from there."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from reviewctl.core.case.files import Records
from reviewctl.core.case.paths import Documents
from reviewctl.errors import ReviewctlError

MAX_REPORT_CHARS = 1_000_000  # a report's text kept for searching; a review report is far shorter
FIELDS = ("subject", "summary", "agency", "theme", "report")


def fold(text: str) -> str:
    """Text as it is compared: without capitals or accents (Zoë finds Zoe)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _themes(data: object) -> list[str]:
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


def _report_text(folder: Path, docs: Documents) -> str:
    from reviewctl.core.case.review_records import own_report_files  # lazy: loads pydantic

    report = Records(docs).report
    if report is None or not report.versions:
        return ""
    last = report.versions[-1]
    name = last.file
    if name not in own_report_files(last.version):
        return ""  # never a file the record does not own
    path = folder / name
    if path.is_symlink() or not path.is_file():
        return ""
    from reviewctl.core.privacy.extract import extract  # lazy: loads xml, zipfile

    try:
        found = extract(path, name)
    except ReviewctlError:
        return ""
    recommendations = " ".join(last.recommendations)
    return ((found.text if found else "") + "\n" + recommendations)[:MAX_REPORT_CHARS]


def searchable(folder: Path, docs: Documents) -> dict[str, str]:
    """A case's searchable text by field, folded; kept in the cache with its summary."""
    case = docs.get("case") or {}
    return {
        "subject": fold(str(case.get("subject") or "")),
        "summary": fold(str(case.get("summary") or "")),
        "agency": fold("\n".join(str(a) for a in case.get("agencies") or [])),
        "theme": fold("\n".join(t for name, doc in docs.items() if name != "case" for t in _themes(doc))),
        "report": fold(_report_text(folder, docs)),
    }
