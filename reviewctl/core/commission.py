"""Commissioning the lead reviewer, and the review panel."""

from __future__ import annotations

from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.step import Edit, StepOptions, render_document, required_text, run_record
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome
from reviewctl.core.workflow import Act
from reviewctl.errors import RefusedError


def commission(store: Store, case_id: str, *, lead_reviewer: str, organisation: str,
               declare_independent: bool, options: StepOptions) -> Outcome:
    name = required_text(lead_reviewer, "--lead-reviewer", "name the lead reviewer")
    org = required_text(organisation, "--organisation", "name the lead reviewer's organisation")
    if not declare_independent:
        raise RefusedError(
            f"{case_id}: the lead reviewer must be independent of the agencies involved; "
            "confirm it with --declare-independent"
        )

    def change(edit: Edit, when: date) -> str:
        files = edit.files
        involved = files.case.agencies + [r.agency or "" for r in files.scoping.requests]
        involved += [r.agency or "" for r in files.setup.chronology_requests]
        clash = next((a for a in involved if a.casefold() == org.casefold()), None)
        if clash is not None:
            raise RefusedError(
                f"{case_id}: the lead reviewer's organisation '{clash}' is an agency involved in "
                "the case; commission a reviewer independent of every involved agency"
            )
        letter = render_document(edit, "commission-letter.md.j2", "lead-reviewer-commission", when,
                                 lead_reviewer=name, organisation=org)
        edit.files.commission["lead_reviewer"] = yamlio.new_map({
            "name": name, "organisation": org, "independent": True, "date": when, "letter": letter,
        })
        return Act.COMMISSION

    return run_record(store, case_id, Act.COMMISSION, options, change)


def panel_add(store: Store, case_id: str, *, name: str, agency: str, role: str,
              options: StepOptions) -> Outcome:
    member = {
        "name": required_text(name, "--name", "name the panel member"),
        "agency": required_text(agency, "--agency", "name their agency"),
        "role": required_text(role, "--role", "give their role"),
    }

    def change(edit: Edit, when: date) -> None:
        commission = edit.files.commission
        added = commission.seq("panel")
        if any((m.name or "").casefold() == member["name"].casefold() for m in commission.panel):
            raise RefusedError(f"{case_id}: {member['name']} is already on the panel")
        added.append(yamlio.new_map({**member, "added": when}))

    return run_record(store, case_id, "panel", options, change)


def panel_remove(store: Store, case_id: str, *, name: str, options: StepOptions) -> Outcome:
    who = required_text(name, "--name", "name the panel member")

    def change(edit: Edit, when: date) -> None:
        commission = edit.files.commission
        found = next((m for m in commission.panel if (m.name or "").casefold() == who.casefold()), None)
        if found is None:
            names = ", ".join(m.name or "" for m in commission.panel) or "nobody yet"
            raise RefusedError(f"{case_id}: {who} is not on the panel (on it: {names})")
        commission.drop("panel", found)

    return run_record(store, case_id, "panel", options, change)
