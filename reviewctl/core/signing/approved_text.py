"""The report as approved: the JCRG's final version, the hash of its text as it is now, and
what a later revision undoes.  Approvals are tied to that hash; `verify` and `approve`
both read it from here, and `show` says which approvals still count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from reviewctl.core.case.files import CaseFiles
from reviewctl.core.case.review_records import own_report_file, own_report_files
from reviewctl.core.store.folder import Store
from reviewctl.errors import InvalidDataError, RefusedError


def sha256(text: str) -> str:
    """A report's text hash, as each version and each approval records it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApprovalState:
    role: str
    version: int | None
    by: str | None
    date: date | None
    status: str  # valid | stale | missing


def revised_after(files: CaseFiles, version: int | None) -> int | None:
    """The latest version stored by a revision after `version`: approvals of `version` no longer count."""
    report = files.report
    later = [v.version for v in (report.versions if report is not None else [])
             if v.revision and version is not None and v.version > version]
    return max(later) if later else None


@dataclass(frozen=True)
class ApprovalNote:
    """For `show`: one approval, and whether it is of the report as it now stands."""

    role: str | None
    version: int | None
    date: date | None
    counts: bool
    note: str


def approval_notes(files: CaseFiles) -> list[ApprovalNote]:
    """For `show`: each approval, and whether it is of the report as it now stands."""
    jcrg, approvals = files.jcrg, files.approvals
    final = jcrg.final_report.version if jcrg is not None else None
    notes = []
    for entry in approvals.approvals if approvals is not None else []:
        revised = revised_after(files, entry.version)
        if revised is not None:
            note = f"no longer counts: the report was revised (version {revised})"
        elif entry.version != final:
            note = f"no longer counts: the JCRG's final report is version {final}"
        else:
            note = ""
        notes.append(ApprovalNote(entry.role, entry.version, entry.date, not note, note))
    return notes


def final_text_hash(store: Store, files: CaseFiles) -> tuple[int, str]:
    """The final report's version and the hash of its file's text as it is now."""
    case_id, jcrg = files.id, files.jcrg
    if jcrg is None:
        raise RefusedError(f"{case_id}: no final report agreed by the JCRG yet")
    final = jcrg.final_report.version
    revised = revised_after(files, final)
    if revised is not None:
        raise RefusedError(f"{case_id}: the report was revised (version {revised}) after the JCRG agreed version "
                           f"{final}; take the new version through the JCRG")
    report = files.report
    version = next((v for v in report.versions if v.version == final), None) if report is not None else None
    if version is None:
        raise InvalidDataError(f"version {final} is not in report.yaml",
                               path=f"{store.shown(files.folder)}/jcrg.yaml", key="final_report")
    name, own = version.file, own_report_file(final)
    if name not in own_report_files(final):
        # Never a file elsewhere: the approved text is the version's own file (see records.ReportVersion).
        raise InvalidDataError(f"file: {name!r} is not version {final}'s own file; put back {own}",
                               path=f"{store.shown(files.folder)}/report.yaml", key="versions")
    path = files.folder / name
    data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    if name.endswith(".docx"):  # a Word report is kept, and hashed, exactly as it was handed in
        return final, hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidDataError("not UTF-8 text, so not the report as `reviewctl report` stored it; put back "
                               "the committed file (`git restore`)", path=store.shown(path)) from None
    return final, sha256(text)


def approval_states(store: Store, files: CaseFiles) -> list[ApprovalState]:
    roles = store.workflow.approvals.get(files.type, [])
    version, digest = final_text_hash(store, files)
    approvals = files.approvals
    given = approvals.approvals if approvals is not None else []
    states = []
    for role in roles:
        mine = [a for a in given if a.role == role]
        if not mine:
            states.append(ApprovalState(role, None, None, None, "missing"))
            continue
        last = mine[-1]
        status = "valid" if last.sha256 == digest and last.version == version else "stale"
        states.append(ApprovalState(role, last.version, last.by, last.date, status))
    return states
