"""Publication: the redaction guard, the notifications the type requires (far enough
ahead), the library submissions, and an optional embargo."""

from __future__ import annotations

from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.adapters.calendar import working_days_between
from reviewctl.core.redaction import Findings, findings, text_findings
from reviewctl.core.setup import slug
from reviewctl.core.step import Edit, StepOptions, check_planned, render_document, required_text, run_record
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome
from reviewctl.core.verify import require_verified
from reviewctl.core.workflow import Act
from reviewctl.errors import RefusedError, UsageError

FAMILY = "Person and family"


def refuse_if_identifiers(store: Store, case_id: str, found: Findings | None = None,
                          fix: str = "redact it (see confidential.yaml) and commit, then repeat") -> None:
    """Refuse while a publishable file (or `found`: text about to be written) holds an identifier."""
    found = findings(store, case_id) if found is None else found
    if found:
        # The fix for an identifier; a file that cannot be checked says its own fix.
        raise RefusedError(f"{case_id}: {found.describe()}{f'; {fix}' if found.places else ''}")


def publish(store: Store, case_id: str, *, where: str, embargo_until: date | None,
            notified_on: date | None, options: StepOptions) -> Outcome:
    place = required_text(where, "--where", "give the web address or place of publication")

    def change(edit: Edit, when: date) -> str:
        # The guard first: redacting a report changes it, and its approvals must be made again.
        refuse_if_identifiers(store, case_id)
        # The same verification as `reviewctl verify`: a stage set by hand, or approvals
        # that do not verify against the base branch, publish nothing.
        require_verified(store, case_id)
        case_type = str(edit.case["type"])
        public = embargo_until or when
        if embargo_until is not None:
            check_planned(embargo_until, options.today, "--embargo-until")
        if embargo_until is not None and embargo_until < when:
            raise UsageError(f"--embargo-until {embargo_until} is before --date {when}")
        sent = notified_on or when
        if sent > when:
            raise UsageError(f"--notified-on {sent} is after --date {when}")
        bodies = store.workflow.bodies
        need = bodies.notice_working_days.get(case_type, 0)
        recipients = [FAMILY, *bodies.publication.get(case_type, [])]
        if need and working_days_between(sent, public) < need:
            raise RefusedError(
                f"{case_id}: {', '.join(bodies.publication.get(case_type, []))} must have the report "
                f"at least {need} working days before it is public ({public}); give the date they "
                "had it with --notified-on, or set a later --embargo-until"
            )
        notices = []
        for to in recipients:
            doc = render_document(edit, "publication-notification.md.j2",
                                  f"publication-notification-{slug(to)}", sent,
                                  to=to, public=public, where=place, embargo_until=embargo_until)
            notices.append(yamlio.new_map({"to": to, "date": sent, "document": doc}))
        libraries = []
        for library in bodies.libraries.get(case_type, []):
            doc = render_document(edit, "library-submission.md.j2", f"library-submission-{slug(library)}",
                                  public, library=library, where=place, public=public)
            libraries.append(yamlio.new_map({"to": library, "date": public, "document": doc}))
        # What this step adds is checked in memory, before anything is written.
        added = {"--where": place, **{store.shown(path): text for path, text in edit.extra.items() if text is not None}}
        refuse_if_identifiers(store, case_id, text_findings(store, case_id, added),
                              "give a --where without it, and keep it out of the case's details and templates")
        record = edit.doc("publication")
        record.update({"date": public, "where": place})
        if embargo_until is not None:
            record["embargo_until"] = embargo_until
        record["notifications"] = yamlio.new_seq(notices)
        record["libraries"] = yamlio.new_seq(libraries)
        return Act.PUBLISH

    return run_record(store, case_id, Act.PUBLISH, options, change)
