"""Commissioning the lead reviewer, and the review panel."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import Commission, PanelMember
from reviewctl.core.steps.write import render_document, run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, required_text
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError


def commission(store: Store, case_id: str, *, lead_reviewer: str, organisation: str,
               declare_independent: bool, options: StepOptions) -> Outcome:
    name = required_text(lead_reviewer, "--lead-reviewer", "name the lead reviewer")
    org = required_text(organisation, "--organisation", "name the lead reviewer's organisation")

    def change(edit: Edit, when: date) -> str:
        files = edit.files
        scoping, setup = files.scoping, files.setup
        involved = files.case.agencies + [r.agency for r in (scoping.requests if scoping is not None else [])]
        involved += [r.agency for r in (setup.chronology_requests if setup is not None else [])]
        mine = organisation_key(org)
        clash = next((a for a in involved if a.strip() and organisation_key(a) == mine), None)
        if clash is not None:
            # --declare-independent does not override this: a declaration is not evidence.
            raise RefusedError(
                f"{case_id}: the lead reviewer's organisation is the agency involved '{clash}' (names "
                "compared without case, punctuation, 'The', 'Ltd'/'Limited', 'plc', 'LLP' or 'CIC'); "
                "commission a reviewer independent of every involved agency"
            )
        if not declare_independent:  # asked after the match: declaring cannot make an agency independent
            raise RefusedError(
                f"{case_id}: the lead reviewer must be independent of the agencies involved; "
                "confirm it with --declare-independent"
            )
        letter = render_document(edit, "commission-letter.md.j2", "lead-reviewer-commission", when,
                                 lead_reviewer=name, organisation=org)
        edit.write(Commission)["lead_reviewer"] = yamlio.new_map({
            "name": name, "organisation": org, "independent": True, "date": when, "letter": letter,
        })
        return Act.COMMISSION

    return run_record(store, case_id, Act.COMMISSION, options, change)


# Words that do not make one organisation another: "The Fictional Trust" is "Fictional Trust
# Ltd".  Company forms end a name; "The" starts it (or ends it, as a list writes "Trust, The").
_FORMS = {"ltd", "limited", "plc", "llp", "cic"}
_JOINED = re.compile(r"[.'’`]")  # "L.L.P.", "St. Mary's": the marks are dropped, not spaces
_APART = re.compile(r"[\W_]+")  # any other mark or space separates words (letters of any script stay)


def organisation_key(name: str) -> str:
    """A name as organisations are told apart: accents, case, punctuation and spacing, a
    leading or trailing "The" and a trailing company form (Ltd, Limited, plc, LLP, CIC)
    left out.  A name that is nothing but those words keeps them."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    words = _APART.split(_JOINED.sub("", folded.replace("&", " and ")))
    words = [w for w in words if w]
    kept = list(words)
    while words and words[0] == "the":
        words.pop(0)
    while words and (words[-1] in _FORMS or words[-1] == "the"):
        words.pop()
    return "".join(words or kept)


def panel_add(store: Store, case_id: str, *, name: str, agency: str, role: str,
              options: StepOptions) -> Outcome:
    member = {
        "name": required_text(name, "--name", "name the panel member"),
        "agency": required_text(agency, "--agency", "name their agency"),
        "role": required_text(role, "--role", "give their role"),
    }

    def change(edit: Edit, when: date) -> None:
        commission = edit.write(Commission)
        added = commission.seq("panel")
        if any(m.now.name.casefold() == member["name"].casefold() for m in commission.rows("panel", PanelMember)):
            raise RefusedError(f"{case_id}: {member['name']} is already on the panel")
        added.append(yamlio.new_map({**member, "added": when}))

    return run_record(store, case_id, "panel", options, change)


def panel_remove(store: Store, case_id: str, *, name: str, options: StepOptions) -> Outcome:
    who = required_text(name, "--name", "name the panel member")

    def change(edit: Edit, when: date) -> None:
        commission = edit.write(Commission)
        panel = commission.rows("panel", PanelMember)
        found = next((m for m in panel if m.now.name.casefold() == who.casefold()), None)
        if found is None:
            names = ", ".join(m.now.name for m in panel) or "nobody yet"
            raise RefusedError(f"{case_id}: {who} is not on the panel (on it: {names})")
        commission.drop("panel", found)

    return run_record(store, case_id, "panel", options, change)
