"""A step's final write: the letters it renders (markdown, and Word copies as the store asks),
the guards that nothing identifying reaches the store (the listed identifiers, then the
patterns nobody listed), the check that nothing recorded is overwritten, and the one commit.

Every step ends here; the store's own step machinery (store/step.py) never commits a case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import DOCUMENTS_DIR, Case
from reviewctl.core.case.review_records import Notes
from reviewctl.core.privacy.entry_guard import check_entry
from reviewctl.core.privacy.pattern_guard import step_refusal
from reviewctl.core.steps.word_copies import word_copy
from reviewctl.core.store.folder import Store
from reviewctl.core.store.recorded import refuse_overwrites
from reviewctl.core.store.step import (
    Edit,
    StepOptions,
    check_date,
    check_new_type,
    commit_message,
    history_entry,
    require,
)
from reviewctl.core.store.transaction import Outcome, apply, step_guard
from reviewctl.core.workflow.history import derived
from reviewctl.core.workflow.load import Transition
from reviewctl.errors import UsageError


def advance(edit: Edit, step: str, options: StepOptions, new_type: str | None = None,
            reason: str | None = None, to: str | None = None) -> Transition:
    """Move the case along `step` (to `to`, where it leads to several stages): check the
    transition and its requirements, record it."""
    workflow = edit.store.workflow
    case = edit.case
    if new_type is not None:
        new_type = workflow.check_type(new_type)
        if new_type == "unknown" and case.type != "unknown":
            raise UsageError(f"{edit.case_id}: --type unknown: the type is already settled as "
                             f"'{case.type}'; give the type it should be")
    case_type = new_type or case.type
    transition = workflow.transition(step, case.stage, case_type, edit.case_id, to)
    when = check_date(options.date, edit, not_before_last=True)
    changed_type = new_type if new_type is not None and new_type != case.type else None
    record = edit.write(Case)
    if changed_type:
        check_new_type(edit, changed_type, step)
        record["type"] = changed_type
    require(edit, step, case_type, transition.to)
    by = edit.store.repo.identity().name
    record.seq("history").append(
        history_entry(transition.step, when, transition.from_, transition.to, by, options, changed_type, reason)
    )
    record["stage"] = transition.to
    return transition


def add_note(edit: Edit, step: str, when: date, options: StepOptions) -> None:
    """Keep --message of a step that does not move the case (a move keeps it in history)."""
    if options.note:
        edit.write(Notes).seq("notes").append(yamlio.new_map({
            "date": when, "step": step, "by": edit.store.repo.identity().name, "note": options.note,
        }))


def render_document(edit: Edit, template: str, slug: str, when: date, **context: object) -> str:
    """Render `template` into documents/<date>-<slug>.md (and .docx, as the store's
    `documents:` asks); returns its path in the case (the markdown's, if it is written)."""
    from reviewctl.adapters.render import render  # lazy: loads jinja2, signal

    store = edit.store
    case = edit.case
    base = {
        "case": {k: getattr(case, k) for k in ("id", "type", "stage", "subject", "referrer", "received",
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
        edit.extra[folder / f"{stem}.docx"] = word_copy(store, text, f"{edit.case_id} {slug}", when)
        written.append(folder / f"{stem}.docx")
    edit.rendered.update(written)
    edit.rendered_dates.update(v for v in (when, case.received, case.incident_date) if v is not None)
    return f"{DOCUMENTS_DIR}/{stem}.{formats[0] if len(formats) == 1 else 'md'}"


def run_record(store: Store, case_id: str, record: str, options: StepOptions,
               change: Callable[[Edit, date], str | tuple[str, str] | None]) -> Outcome:
    """A step that records facts: allowed in the workflow's stages for `record`.

    `change` edits the loaded case; it returns the name of a transition to take as
    well (with the stage it leads to, where it leads to several), or None to stay in the stage.
    """
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        stage = edit.case.stage
        store.workflow.require_record(record, stage, case_id)
        when = check_date(options.date, edit)
        move = change(edit, when)
        if move is not None:
            move, to = move if isinstance(move, tuple) else (move, None)
            transition = advance(edit, move, options, to=to)
            return finish(edit, move, f"{stage} -> {transition.to}", options)
        add_note(edit, record, when, options)
        return finish(edit, record, stage, options)


def refresh_derived(edit: Edit) -> None:
    """Write again each value a file keeps for people to read, as the history now gives it
    (workflow/history.py): a step never copies one forward, so a correction moves it too."""
    for path, value in derived(edit.store.workflow, edit.docs).items():
        name, key = path.split(".", 1)
        if value is not None:
            if (edit.docs.get(name) or {}).get(key) != value:  # as it stands: no need to read it for editing
                edit.doc(name)[key] = value
        elif name in edit.docs and key in edit.docs[name]:
            del edit.doc(name)[key]


def finish(edit: Edit, step: str, summary: str, options: StepOptions) -> Outcome:
    refresh_derived(edit)
    edit.check()  # the new state must be as valid as the old one
    refusal = step_refusal(edit, step, options)  # nor one nobody listed, unless --allow says it is meant
    check_entry(edit)  # no identifier reaches the store through what this step writes
    if refusal is not None:
        raise refusal
    if not edit.rewrites:
        refuse_overwrites(edit.store.workflow, edit.case_id, edit.before, edit.docs)
    # Each role proposes its approval on a branch of its own: two approvers in parallel
    # must not push to the same branch.
    role = edit.trailers.get("Reviewctl-Role")
    return apply(
        edit.store, edit.case_id, step, summary, edit.changes(),
        commit_message(edit.case_id, step, summary, edit.trailers), options.dry_run, sign=edit.sign,
        propose=options.propose, branch=f"review/{edit.case_id}/{step}-{role}" if role else None,
    )
