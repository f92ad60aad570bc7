"""What every mutating command shares: dates, loading, transitions, the final write.

A step loads the case's files for editing, checks the transition, changes the loaded
maps in place (so comments and key order survive), checks the new state, and hands
the new texts to the transaction, which writes them and makes one commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewctl.adapters import yamlio
from reviewctl.core.case import DOCUMENTS_DIR
from reviewctl.core.casefiles import CaseDoc, CaseFiles
from reviewctl.core.checks import case_problems, missing_requirements
from reviewctl.core.documents import DOCUMENT_FILES
from reviewctl.core.docview import Node
from reviewctl.core.recorded import plain_copy
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome, apply, step_guard
from reviewctl.core.workflow import Transition

if TYPE_CHECKING:
    from reviewctl.core.identifiers import Confidential
    from reviewctl.core.patternguard import Allowance, Hit
from reviewctl.errors import InvalidDataError, RefusedError, UsageError


@dataclass(frozen=True)
class StepOptions:
    """The options every mutating command takes."""

    today: date
    when: date | None = None  # --date: when it happened (default: today)
    note: str | None = None  # --message: kept in the history, never in the commit
    dry_run: bool = False
    propose: bool = False  # commit on a new branch review/<ID>/<step>, not the current one
    allow: tuple[str, ...] = ()  # --allow KIND[:WHERE]: identifier patterns this step may write on purpose
    allow_reason: str | None = None  # --allow-reason: why, kept in the history with what was allowed

    def __post_init__(self) -> None:
        from reviewctl.core.patternguard import parse_allowances

        parse_allowances(self.allow, self.allow_reason)  # a bad --allow is refused before anything is read
        check_plausible(self.today, "today (--as-of)")
        if self.when is not None:
            check_plausible(self.when, "--date")
            check_not_future(self.when, self.today, "--date")

    @property
    def date(self) -> date:
        return self.when or self.today

    @property
    def allowances(self) -> tuple[Allowance, ...]:
        from reviewctl.core.patternguard import parse_allowances

        return parse_allowances(self.allow, self.allow_reason)


@dataclass
class Edit:
    """One case, loaded for editing (`files`: typed views over its round-trip maps), and the
    documents to write beside them."""

    store: Store
    files: CaseFiles
    extra: dict[Path, str | bytes | None] = field(default_factory=dict)  # None: delete; bytes: a Word document
    identifiers: Confidential | None = None  # the case's identifiers as this step leaves them, if it sets them
    guard_optional: bool = False  # a step that may go on when the identifiers cannot be read (purge)
    rendered: set[Path] = field(default_factory=set)  # the documents this step rendered from templates
    rendered_dates: set[date] = field(default_factory=set)  # the dates it rendered into them
    trailers: dict[str, str] = field(default_factory=dict)  # added to the commit message
    sign: bool = False  # make an SSH-signed commit (approvals)
    rewrites: bool = False  # the step corrects recorded values (amend): no refusal of overwrites
    before: dict[str, Any] = field(default_factory=dict)  # the documents as loaded, plain
    published: list[Hit] = field(default_factory=list)  # identifier patterns in what a publication publishes

    @classmethod
    def load(cls, store: Store, case_id: str) -> Edit:
        files = store.case(case_id, roundtrip=True)
        edit = cls(store, files, before=plain_copy(files.docs))
        edit.check()
        return edit

    @classmethod
    def new(cls, store: Store, case_id: str, case: Node) -> Edit:
        """A case that this step creates: nothing on disk yet but its case.yaml map."""
        return cls(store, CaseFiles(case_id, store.case_dir(case_id), {"case": case}))

    @property
    def case_id(self) -> str:
        return self.files.id

    @property
    def docs(self) -> dict[str, Node]:
        """The documents' maps by name, for the whole-case checks; the views are the typed way in."""
        return self.files.docs

    @property
    def case(self) -> CaseDoc:
        return self.files.case

    def doc(self, name: str) -> Node:
        """The document `name`, created empty if the case does not have it yet."""
        return self.files.doc(name)

    def check(self) -> None:
        folder = self.store.shown(self.files.folder)
        problems = case_problems(self.store.workflow, folder, self.case_id, self.docs)
        if problems:
            raise InvalidDataError(problems[0])

    def changes(self) -> dict[Path, str | bytes | None]:
        folder = self.files.folder
        out: dict[Path, str | bytes | None] = {}
        for name, data in self.docs.items():
            # Compared as plain data, not as dumped text: dumping every document twice was most
            # of a step's own time. A step changes values, never only comments or key order.
            if name in self.before and plain_copy(data) == self.before[name]:
                continue
            out[folder / DOCUMENT_FILES[name]] = yamlio.dump(data)
        out.update(self.extra)
        return out


def check_date(value: date, edit: Edit, what: str = "--date", not_before_last: bool = False) -> date:
    """Refuse a date before the referral, or after today."""
    check_plausible(value, what)
    case = edit.case
    received = case.received
    if received is not None and value < received:
        raise UsageError(
            f"{edit.case_id}: {what} {value} is before the referral was received ({received}); "
            "give the date it happened"
        )
    history = case.history
    last = history[-1].date if history else None
    if not_before_last and last is not None and value < last:
        raise UsageError(
            f"{edit.case_id}: {what} {value} is before the last step "
            f"({history[-1].get('step')} on {last}); steps are recorded in order"
        )
    return value


def required_text(value: str | None, flag: str, fix: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UsageError(f"{flag} is required and may not be blank; {fix}")
    return text


def optional_text(value: str | None) -> str | None:
    return (value or "").strip() or None


def clean_list(values: list[str], flag: str) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise UsageError(f"{flag} was given a blank value; name it or leave the option out")
    return cleaned


def check_plausible(value: date, what: str) -> date:
    """Refuse a year that is surely a slip (0001, 9999): the working-day calendar's years."""
    from reviewctl.adapters.calendar import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(f"{what} {value} is not a plausible date; give one in the years {FIRST_YEAR} "
                         f"to {LAST_YEAR}, as YYYY-MM-DD")
    return value


PLANNING_YEARS = 5  # a deadline, milestone or embargo further ahead than this is a slip


def check_planned(value: date, today: date, what: str) -> date:
    """A date planned ahead (an action's due date, a milestone, an embargo): not years away."""
    check_plausible(value, what)
    if value.year - today.year > PLANNING_YEARS or (
            value.year - today.year == PLANNING_YEARS and (value.month, value.day) > (today.month, today.day)):
        raise UsageError(f"{what} {value} is more than {PLANNING_YEARS} years after today ({today}); "
                         "check the year")
    return value


def check_not_future(value: date, today: date, what: str) -> date:
    if value > today:
        raise UsageError(
            f"{what} {value} is after today ({today}); record things that have happened "
            "(or set today with --as-of)"
        )
    return value


def history_entry(step: str, when: date, source: str | None, target: str, by: str,
                  options: StepOptions, case_type: str | None = None, reason: str | None = None) -> Node:
    entry: dict[str, Any] = {
        "step": step, "date": when, "from": source, "to": target, "by": by,
        "recorded": options.today,
    }
    if case_type:
        entry["type"] = case_type
    if options.note:
        entry["note"] = options.note
    if reason:
        entry["reason"] = reason
    return yamlio.new_map(entry)


def check_new_type(edit: Edit, new_type: str, step: str) -> None:
    """Refuse a change of type while what the new type needs before this stage is missing."""
    from reviewctl.core.typerule import type_problems

    problems = type_problems(edit.store.workflow, edit.docs, new_type)
    if problems:
        raise RefusedError(f"{edit.case_id}: cannot {step} as '{new_type}' yet: {'; '.join(problems)}")


def require(edit: Edit, step: str, case_type: str | None = None) -> Transition:
    """The transition `step` from the case's stage, refused if anything it needs is missing."""
    case_type = case_type or edit.case.type
    transition = edit.store.workflow.transition(step, edit.case.stage, case_type, edit.case_id)
    lacking = set(missing_requirements(transition, edit.docs, case_type))
    missing = [r.hint for r in transition.requires if r.field in lacking]
    if missing:
        raise RefusedError(f"{edit.case_id}: cannot {step} yet: {'; '.join(missing)}")
    return transition


def advance(edit: Edit, step: str, options: StepOptions, new_type: str | None = None,
            reason: str | None = None) -> Transition:
    """Move the case along `step`: check the transition and its requirements, record it."""
    workflow = edit.store.workflow
    case = edit.case
    if new_type is not None:
        new_type = workflow.check_type(new_type)
        if new_type == "unknown" and case.type != "unknown":
            raise UsageError(f"{edit.case_id}: --type unknown: the type is already settled as "
                             f"'{case.type}'; give the type it should be")
    case_type = new_type or case.type
    transition = workflow.transition(step, case.stage, case_type, edit.case_id)
    when = check_date(options.date, edit, not_before_last=True)
    changed_type = new_type if new_type is not None and new_type != case.type else None
    if changed_type:
        check_new_type(edit, changed_type, step)
        case.type = changed_type
    require(edit, step, case_type)
    by = edit.store.repo.identity().name
    case.seq("history").append(
        history_entry(transition.step, when, transition.from_, transition.to, by, options, changed_type, reason)
    )
    case.stage = transition.to
    return transition


def add_note(edit: Edit, step: str, when: date, options: StepOptions) -> None:
    """Keep --message of a step that does not move the case (a move keeps it in history)."""
    if options.note:
        edit.files.view("notes").seq("notes").append(yamlio.new_map({
            "date": when, "step": step, "by": edit.store.repo.identity().name, "note": options.note,
        }))


def render_document(edit: Edit, template: str, slug: str, when: date, **context: Any) -> str:
    """Render `template` into documents/<date>-<slug>.md (and .docx, as the store's
    `documents:` asks); returns its path in the case (the markdown's, if it is written)."""
    from reviewctl.adapters.render import render

    store = edit.store
    case = edit.case
    base = {
        "case": {k: case.get(k) for k in ("id", "type", "stage", "subject", "referrer", "received",
                                          "incident_date", "agencies")},
        "review_name": store.workflow.types.get(case.type, ""),
        "partnership": store.config.partnership,
        "date": when,
        # A letter's head and signature (templates/letter-head.md.j2, letter-close.md.j2).
        "address": list(store.config.address),
        "signature": [*store.config.signature, store.config.partnership],
    }
    text = render(template, {**base, **context}, store.templates_search())
    folder = store.case_dir(edit.case_id) / DOCUMENTS_DIR
    formats = store.config.documents
    stem = f"{when.isoformat()}-{slug}"
    counter = 1
    while any((folder / f"{stem}.{kind}").exists() or folder / f"{stem}.{kind}" in edit.extra
              for kind in ("md", "docx")):
        counter += 1
        stem = f"{when.isoformat()}-{slug}-{counter}"
    written = []
    if "md" in formats:
        edit.extra[folder / f"{stem}.md"] = text
        written.append(folder / f"{stem}.md")
    if "docx" in formats:
        from reviewctl.core.office import word_copy

        edit.extra[folder / f"{stem}.docx"] = word_copy(store, text, f"{edit.case_id} {slug}", when)
        written.append(folder / f"{stem}.docx")
    edit.rendered.update(written)
    edit.rendered_dates.update(v for v in (when, case.received, case.incident_date) if v is not None)
    return f"{DOCUMENTS_DIR}/{stem}.{formats[0] if len(formats) == 1 else 'md'}"


def run_record(store: Store, case_id: str, record: str, options: StepOptions,
               change: Callable[[Edit, date], str | None]) -> Outcome:
    """A step that records facts: allowed in the workflow's stages for `record`.

    `change` edits the loaded case; it returns the name of a transition to take as
    well, or None to stay in the stage.
    """
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        stage = edit.case.stage
        store.workflow.require_record(record, stage, case_id)
        when = check_date(options.date, edit)
        move = change(edit, when)
        if move is not None:
            transition = advance(edit, move, options)
            return finish(edit, move, f"{stage} -> {transition.to}", options)
        add_note(edit, record, when, options)
        return finish(edit, record, stage, options)


def commit_message(case_id: str, step: str, summary: str, trailers: dict[str, str] | None = None) -> str:
    # Only the id, the step, stage ids and trailers: never a summary, referrer or free text.
    lines = [f"Reviewctl-Case: {case_id}", f"Reviewctl-Step: {step}",
             *(f"{key}: {value}" for key, value in (trailers or {}).items())]
    return f"{case_id}: {step} ({summary})\n\n" + "\n".join(lines) + "\n"


def store_commit_message(step: str, summary: str) -> str:
    """A step that changes the store, not one case: the step and a summary that names no one."""
    return commit_message("store", step, summary).replace("Reviewctl-Case: store\n", "")


def finish(edit: Edit, step: str, summary: str, options: StepOptions) -> Outcome:
    from reviewctl.core.entryguard import check_entry
    from reviewctl.core.patternguard import step_refusal

    edit.check()  # the new state must be as valid as the old one
    refusal = step_refusal(edit, step, options)  # nor one nobody listed, unless --allow says it is meant
    check_entry(edit)  # no identifier reaches the store through what this step writes
    if refusal is not None:
        raise refusal
    if not edit.rewrites:
        from reviewctl.core.recorded import refuse_overwrites

        refuse_overwrites(edit.store.workflow, edit.case_id, edit.before, edit.docs)
    # Each role proposes its approval on a branch of its own: two approvers in parallel
    # must not push to the same branch.
    role = edit.trailers.get("Reviewctl-Role")
    return apply(
        edit.store, edit.case_id, step, summary, edit.changes(),
        commit_message(edit.case_id, step, summary, edit.trailers), options.dry_run, sign=edit.sign,
        propose=options.propose, branch=f"review/{edit.case_id}/{step}-{role}" if role else None,
    )
