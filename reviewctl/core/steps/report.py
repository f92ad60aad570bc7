"""The review report: versions (each with a content hash), recommendations, agreement,
and the lead reviewer's presentation to the Joint Case Review Group."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import Report, ReportVersion, own_report_file
from reviewctl.core.signing.approved_text import sha256
from reviewctl.core.steps.review import read_markdown
from reviewctl.core.steps.write import advance, finish, run_record
from reviewctl.core.store import recorded
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_date
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*\S)\s*$")


def parse_recommendations(text: str) -> list[str]:
    """The numbered items under the first heading that says 'Recommendations'."""
    found: list[str] = []
    level = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            if level is not None and len(heading.group(1)) <= level:
                break
            if level is None and "recommendation" in heading.group(2).lower():
                level = len(heading.group(1))
            continue
        if level is None:
            continue
        item = _NUMBERED.match(line)
        if item:
            found.append(item.group(2))
        elif found and line.startswith(("   ", "\t")) and line.strip():
            found[-1] += " " + line.strip()  # a wrapped item goes on
    return found


def _recommendations_file(path: Path) -> list[str]:
    data = yamlio.parse_roundtrip(read_markdown(path, "--recommendations"), str(path))
    items = data.get("recommendations") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise UsageError(f"--recommendations {path}: expected a list of recommendations (text)")
    return [i.strip() for i in items]


def current_version(report: Report | None) -> ReportVersion | None:
    versions = report.versions if report is not None else []
    return versions[-1] if versions else None


def add_version(store: Store, case_id: str, file: Path, recommendations_file: Path | None,
                options: StepOptions, revision: str | None = None) -> Outcome:
    """A new version of the report; with `revision` (its reason) after the JCRG or approval."""
    word = file.suffix.lower() == ".docx"
    content: str | bytes
    if word:  # kept exactly as it was handed in: the approvals are of these bytes
        from reviewctl.core.steps.word_copies import read_word, word_recommendations  # lazy: only where it is needed

        content = read_word(file, "--file")
        found = word_recommendations(content)
        digest = hashlib.sha256(content).hexdigest()
    else:
        content = read_markdown(file, "--file")
        found = parse_recommendations(content)
        digest = sha256(content)
    recommendations = _recommendations_file(recommendations_file) if recommendations_file else found
    if not recommendations:
        where = ("a 'Recommendations' heading, each in Word's numbered list" if word
                 else "a '## Recommendations' heading")
        raise UsageError(
            f"--file {file}: no recommendations found; put them as a numbered list under "
            f"{where}, or give them with --recommendations FILE.yaml"
        )

    def change(edit: Edit, when: date) -> str | None:
        report = edit.write(Report)
        latest = current_version(report.now)
        versions = report.seq("versions")
        if latest is not None and latest.sha256 == digest:
            raise RefusedError(f"{case_id}: this is the same text as version {latest.version}")
        number = len(versions) + 1
        name = own_report_file(number, ".docx" if word else ".md")
        edit.extra[store.case_dir(case_id) / name] = content
        version = yamlio.new_map({
            "version": number, "file": name, "sha256": digest, "date": when,
            "recommendations": yamlio.new_seq(recommendations),
        })
        if revision:
            version["revision"] = revision
        versions.append(version)
        if not (revision or recorded.sent_back(store.workflow, edit.case)):
            # Agreement was of an earlier version. Once the JCRG's step has relied on it (a case sent
            # back by a revision or a reopening), it stays as that step's record: `jcrg` checks that
            # the agreed version is the latest.
            report.pop("agreed")
        stage, case_type = edit.case.stage, edit.case.type
        return Act.REPORT if store.workflow.for_action(Act.REPORT, stage, case_type) else None

    if revision is not None:
        return _revise(store, case_id, revision, change, options)
    return run_record(store, case_id, Act.REPORT, options, change)


def _revise(store: Store, case_id: str, reason: str, change: Callable[[Edit, date], str | None],
            options: StepOptions) -> Outcome:
    """The report revised after the JCRG or approval: the case goes back where the workflow says."""
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        stage, case_type = edit.case.stage, edit.case.type
        if store.workflow.for_action(Act.REVISE, stage, case_type) is None:
            allowed = store.workflow.sources(Act.REVISE)
            raise RefusedError(f"{case_id}: --revision is for a report the JCRG agreed or that was approved "
                               f"(stages {', '.join(allowed) or 'none in this workflow'}); in stage '{stage}' "
                               "store a new version with --file alone")
        change(edit, check_date(options.date, edit))
        transition = advance(edit, Act.REVISE, options, reason=reason)
        return finish(edit, Act.REVISE, f"{stage} -> {transition.to}", options)


def agree(store: Store, case_id: str, options: StepOptions) -> Outcome:
    def change(edit: Edit, when: date) -> None:
        report = edit.write(Report)
        now = report.now
        latest = current_version(now)
        if latest is None:
            raise RefusedError(f"{case_id}: no report yet; store one with `reviewctl report ID --file`")
        if now is not None and now.agreed is not None and now.agreed.version == latest.version:
            raise RefusedError(f"{case_id}: version {now.agreed.version} is already agreed")
        report["agreed"] = yamlio.new_map({"version": latest.version, "date": when})

    return run_record(store, case_id, Act.REPORT, options, change)


def present(store: Store, case_id: str, options: StepOptions) -> Outcome:
    def change(edit: Edit, when: date) -> None:
        report = edit.write(Report)
        if current_version(report.now) is None:
            raise RefusedError(f"{case_id}: no report to present yet")
        report["presented"] = when

    return run_record(store, case_id, "present", options, change)
