"""Publication: the redaction guard, the notifications the type requires (far enough
ahead), the library submissions, and an optional embargo."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import PlannedNotice, Publication
from reviewctl.core.case.views import Row
from reviewctl.core.privacy import checked_files
from reviewctl.core.privacy.extract import Extracted
from reviewctl.core.privacy.pattern_guard import published_hits, scan_context
from reviewctl.core.privacy.published_files import Findings
from reviewctl.core.privacy.redaction import findings, text_findings
from reviewctl.core.signing.verify import require_verified
from reviewctl.core.steps.home_office import approved_letter
from reviewctl.core.steps.set_up import slug
from reviewctl.core.steps.write import render_document, run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_planned, optional_text, required_text
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.load import Act

if TYPE_CHECKING:
    from reviewctl.core.workflow.statute import Route
from reviewctl.core.privacy.entry_guard import file_text
from reviewctl.errors import RefusedError, UsageError

FAMILY = "Person and family"


_REDACT = "redact it (`reviewctl confidential ID --show` lists them) and commit, then repeat"


def refuse_if_identifiers(store: Store, case_id: str, found: Findings | None = None, fix: str = _REDACT) -> None:
    """Refuse while a publishable file (or `found`: text about to be written) holds an identifier."""
    found = findings(store, case_id) if found is None else found
    if found:
        # The fix for an identifier; a file that cannot be checked says its own fix.
        raise RefusedError(f"{case_id}: {found.describe()}{f'; {fix}' if found.places else ''}")


def publish(store: Store, case_id: str, *, where: str | None, embargo_until: date | None,
            notified_on: date | None, options: StepOptions, route: str | None = None,
            reason: str | None = None) -> Outcome:

    def change(edit: Edit, when: date) -> str | tuple[str, str]:
        case_type = edit.case.type
        chosen = choose_route(store, case_type, route, reason)
        place = (required_text(where, "--where", "give the web address or place of publication")
                 if chosen is None or chosen.public else optional_text(where))
        # The guard first: redacting a report changes it, and its approvals must be made again.
        refuse_if_identifiers(store, case_id)
        edit.published = published_hits(store, case_id)  # identifiers nobody listed: refused with the step's own
        # The same verification as `reviewctl verify`: a stage set by hand, or approvals
        # that do not verify against the base branch, publish nothing.
        require_verified(store, case_id)
        qa_letter = approved_letter(store, edit)
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
        shown = chosen is None or chosen.public
        bodies_told = bodies.publication.get(case_type, []) if shown else []
        recipients = [*([FAMILY] if family_told(edit) else []), *bodies_told]
        record = edit.write(Publication)
        planned = {n.now.to: n for n in record.rows("notices", PlannedNotice)}
        late = [to for to in recipients
                if to != FAMILY and need and store.calendar.working_days_between(_sent_on(planned.get(to), sent),
                                                                                 public) < need]
        if late:
            raise RefusedError(
                f"{case_id}: {', '.join(late)} must have the report "
                f"at least {need} working days before it is public ({public}); give the date they "
                "had it with --notified-on, or set a later --embargo-until"
            )
        notices = []
        for to in recipients:
            on = _sent_on(planned.get(to), sent)
            if to in planned and planned[to].now.sent is None:
                planned[to]["sent"] = on
            doc = render_document(edit, "publication-notification.md.j2",
                                  f"publication-notification-{slug(to)}", on,
                                  to=to, public=public, where=place or "", embargo_until=embargo_until,
                                  **route_facts(chosen))
            notices.append(yamlio.new_map({"to": to, "date": on, "document": doc}))
        libraries = []
        for library in bodies.libraries.get(case_type, []) if shown else []:
            doc = render_document(edit, "library-submission.md.j2", f"library-submission-{slug(library)}",
                                  public, library=library, where=place, public=public)
            libraries.append(yamlio.new_map({"to": library, "date": public, "document": doc}))
        # What this step adds is checked in memory, before anything is written.

        added: dict[str, str | Extracted] = {"--where": place or "", "--reason": chosen_reason(chosen, reason) or "",
                 **{store.shown(path): file_text(store, path, text)
                    for path, text in edit.extra.items() if text is not None}}
        refuse_if_identifiers(store, case_id, text_findings(store, case_id, added),
                              "give a --where without it, and keep it out of the case's details and templates")
        record["date"] = public
        if place:
            record["where"] = place
        if embargo_until is not None:
            record["embargo_until"] = embargo_until
        if chosen is not None:
            record["route"] = chosen.id
            if chosen.reason:
                record["route_reason"] = chosen_reason(chosen, reason)
        if shown:
            record["online_from"] = public
        if qa_letter:
            record["qa_letter"] = qa_letter  # published with the report
        record["notifications"] = yamlio.new_seq(notices)
        record["libraries"] = yamlio.new_seq(libraries)
        # Every file publish has checked, as this step leaves them: validate looks again only at what differs.
        record[checked_files.KEY] = yamlio.new_map(checked_files.record(store, case_id, edit.extra))
        record[checked_files.CONTEXT_KEY] = scan_context(store, edit.docs)
        # A route that publishes nothing ends publication in its own stage, as the workflow says.
        return (Act.PUBLISH, chosen.stage) if chosen is not None and chosen.stage else Act.PUBLISH

    return run_record(store, case_id, Act.PUBLISH, options, change)


def family_told(edit: Edit) -> bool:
    """Whether the person and family are told of the publication: not where the family notice
    was recorded as not appropriate (setup.yaml `family.notified: false`)."""
    setup = edit.files.setup
    family = setup.family if setup is not None else None
    return not (family is not None and family.notified is False)


def route_facts(chosen: Route | None) -> dict[str, object]:
    """What a notice of publication says of the route: whether anything is published, and what."""
    if chosen is None:
        return {"published": True, "publishes": "the review report", "route_label": ""}
    return {"published": chosen.public, "publishes": chosen.publishes, "route_label": chosen.label}


def _sent_on(planned: Row[PlannedNotice] | None, default: date) -> date:
    """When a body had the report: the date recorded for it (`publish --sent`), else --notified-on."""
    sent = planned.now.sent if planned is not None else None
    return sent if sent is not None else default


def choose_route(store: Store, case_type: str, route: str | None, reason: str | None) -> Route | None:
    """The publication route (the workflow's first for the type by default); checks --route and --reason."""
    routes = store.workflow.statute.publication_routes.get(case_type, [])
    if not routes:
        if route is not None or reason is not None:
            raise UsageError(f"--route and --reason: the workflow has no publication routes for '{case_type}'")
        return None
    chosen = routes[0] if route is None else next((r for r in routes if r.id == route), None)
    if chosen is None:
        raise UsageError(f"--route {route!r} is not a publication route for '{case_type}' "
                         f"(known: {', '.join(r.id for r in routes)})")
    if chosen.reason and not optional_text(reason):
        raise UsageError(f"--route {chosen.id} needs --reason TEXT: record why ({chosen.label.lower()})")
    if reason is not None and not chosen.reason:
        raise UsageError(f"--reason goes with a route that needs one; the route '{chosen.id}' does not")
    return chosen


def chosen_reason(chosen: Route | None, reason: str | None) -> str | None:
    return optional_text(reason) if chosen is not None and chosen.reason else None


PLAN = "plan-publication"


def plan(store: Store, case_id: str, *, planned: date | None, sent: list[tuple[str, date]],
         options: StepOptions) -> Outcome:
    """lcspr: a planned publication date, and a deadline per body that must have the report
    a number of working days before it (`notice_working_days`); `sent`: when each body had it."""

    def change(edit: Edit, when: date) -> None:
        case_type = edit.case.type
        bodies = store.workflow.bodies
        need = bodies.notice_working_days.get(case_type, 0)
        told = bodies.publication.get(case_type, [])
        if not need or not told:
            raise RefusedError(f"{case_id}: a '{case_type}' review has no notice period before publication "
                               "(the workflow's bodies.notice_working_days)")
        record = edit.write(Publication)
        if planned is not None:
            check_planned(planned, options.today, "--planned")
            left = store.calendar.working_days_between(when, planned)
            if left < need:
                raise RefusedError(
                    f"{case_id}: --planned {planned} leaves {max(left, 0)} working days after {when}; "
                    f"{', '.join(told)} must have the report at least {need} working days before it is "
                    f"public: plan a date on or after {store.calendar.add_working_days(when, need)}")
            record["planned"] = planned
            by = store.calendar.working_days_before(planned, need)
            record["notices"] = yamlio.new_seq([yamlio.new_map({"to": to, "due": by}) for to in told])
        notices = {n.now.to.casefold(): n for n in record.rows("notices", PlannedNotice)}
        if sent and not notices:
            raise RefusedError(f"{case_id}: plan the publication first with --planned DATE")
        for to, on in sent:
            entry = notices.get(to.casefold())
            if entry is None:
                raise UsageError(f"--sent: the body before '=' is not one told before publication "
                                 f"(known: {', '.join(told)})")
            if on > options.today:
                raise UsageError(f"--sent {to}={on} is after today ({options.today})")
            entry["sent"] = on

    return run_record(store, case_id, PLAN, options, change)

