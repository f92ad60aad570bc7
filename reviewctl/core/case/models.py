"""A case is plain data: one model per file of its folder.  The store does the I/O.

cases/<ID>/case.yaml      identity, type, stage, referral, history of transitions
cases/<ID>/scoping.yaml   information requests and, for lcspr, the Panel notifications
cases/<ID>/decision.yaml  the decision meeting and, for sar/dhr, the chair's decision
cases/<ID>/documents/     letters rendered from templates, named by date and step

Separate files mean two people who record different things do not conflict on merge.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from reviewctl.errors import UsageError, shown_id

DOCUMENTS_DIR = "documents"

# An id is only ever letters, digits and hyphens: it can never leave cases/.
_ID_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def check_id(case_id: str) -> str:
    if not _ID_SHAPE.fullmatch(case_id):
        raise UsageError(
            f"{shown_id(case_id)} is not a case id (ids are letters, digits and hyphens, "
            "like SSCP-2026-7KQ4MX); `reviewctl list` shows them"
        )
    return case_id


class Strict(BaseModel, frozen=True):
    # strict: a date must be a YAML date (not text, not a date with a time), text must
    # be text; anything else would slip past the clocks unseen.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True, defer_build=True)


# Text that says something: surrounding blanks are not enough.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Allowed(Strict, frozen=True):
    """An identifier pattern a step wrote on purpose (`--allow`, privacy/pattern_guard.py): its kind,
    the option or file it was in, and why; never the value."""

    kind: Literal["nhs", "postcode", "address", "dob", "phone", "email", "title"]
    place: Text
    reason: Text
    count: int | None = Field(default=None, ge=1)  # at publication: how many it allowed, so that no more pass later


class Kept(Strict, frozen=True):
    """A value a reopening took out of the records to be made afresh (`earlier:`): the field as
    `show` names it (a list's entry by its number) and what it held when the reopening came."""

    field: Text
    value: dt.date | bool | int | str


class HistoryEntry(Strict, frozen=True):
    step: Text
    date: dt.date
    from_: str | None = Field(alias="from")
    to: Text
    by: Text
    recorded: dt.date
    type: str | None = None  # set where the step settled or changed the review type
    note: str | None = None
    reason: str | None = None  # why: a correction, withdrawal, reopening, change of type or revision
    # A correction (`amend`): the field as `show` names it, and its value before and after.
    field: str | None = None
    old: dt.date | bool | int | str | None = None
    new: dt.date | bool | int | str | None = None
    allowed: list[Allowed] = []  # identifier patterns this step's --allow let through
    # A reopening: the records the case makes afresh from here, and what they held before.
    afresh: list[Text] = []
    earlier: list[Kept] = []
    # An entry brought in from an earlier tracker (`reviewctl import`): what its date is
    # (decision, publication, ...); an imported entry is never an approval.
    imported: str | None = None


class Triage(Strict, frozen=True):
    outcome: Literal["accepted", "no-further-action"]
    reason: Text
    date: dt.date
    letter: str | None = None
    tracker_updated: dt.date | None = None


class Purged(Strict, frozen=True):
    """The case's identifiers were destroyed (`reviewctl purge`): when, by whom and why."""

    date: dt.date
    by: Text
    reason: Text
    recorded: dt.date
    forced: bool = False


class Case(Strict, frozen=True):
    id: str
    type: str
    stage: str
    subject: Text
    referrer: Text
    received: dt.date
    # lcspr: when the local authority became aware of the incident (the notification clock starts here).
    aware: dt.date | None = None
    incident_date: dt.date | None = None
    summary: str | None = None
    agencies: list[Text] = []
    acknowledgement: str | None = None  # the letter to the referrer
    former_ref: str | None = None  # a case brought in by `reviewctl import`: its reference in the earlier tracker
    triage: Triage | None = None
    history: list[HistoryEntry] = Field(min_length=1)
    identifiers_purged: Purged | None = None


class InfoRequest(Strict, frozen=True):
    agency: Text
    requested: dt.date
    returned: dt.date | None = None
    document: str | None = None


class OfstedDfe(Strict, frozen=True):
    """lcspr: whether Ofsted and the Secretary of State (DfE) were notified, and when (or why not)."""

    made: bool
    date: dt.date | None = None
    reason: str | None = None


# The National Panel's responses to a rapid review: it agrees with the partners' decision,
# disagrees with it, or will consider a national review (Children Act 2004 s.16B).
PANEL_OUTCOMES = ("agrees", "disagrees", "national-review")


class PanelResponse(Strict, frozen=True):
    """lcspr: the National Panel's response to the rapid review."""

    date: dt.date
    outcome: Literal["agrees", "disagrees", "national-review"] | None = None
    agrees: bool | None = None  # as recorded before `outcome`: whether the Panel agreed
    note: str | None = None

    @model_validator(mode="after")
    def _one_answer(self) -> PanelResponse:
        if (self.outcome is None) == (self.agrees is None):
            raise ValueError(f"give the Panel's outcome as `outcome:` ({', '.join(PANEL_OUTCOMES)})")
        return self


class NationalReview(Strict, frozen=True):
    """lcspr: the National Panel takes the case into a national review (Children Act 2004 s.16B)."""

    date: dt.date


class Scoping(Strict, frozen=True):
    requests: list[InfoRequest] = []
    notified: dt.date | None = None
    rapid_review_sent: dt.date | None = None
    ofsted_dfe: OfstedDfe | None = None
    panel_response: PanelResponse | None = None
    national_review: NationalReview | None = None


class ChairDecision(Strict, frozen=True):
    outcome: Literal["conduct", "not-conduct"]
    rationale: Text
    date: dt.date
    basis: str | None = None  # sar: the basis the chair decided, where the chair gave one


class PartnerAgreement(Strict, frozen=True):
    """One safeguarding partner's agreement to an lcspr decision: who, in what role."""

    name: Text
    role: Text


class Decision(Strict, frozen=True):
    meeting_date: dt.date
    # Who decides (workflow `deciders`): the body, and the one who decides for it where a chair does.
    body: str | None = None
    decided_for: str | None = None
    partners: dict[str, PartnerAgreement] = {}
    attendees: list[Text] = []
    outcome: Literal["conduct", "not-conduct"]
    rationale: Text
    parallel: list[Text] = []
    scope: str | None = None
    learning_to: str | None = None
    basis: str | None = None  # sar: mandatory (Care Act 2014 s.44(1)-(3)) or discretionary (s.44(4))
    chair: ChairDecision | None = None
    conducted_from: dt.date | None = None  # the decision to conduct: review clocks start here
    record: str | None = None  # the rendered decision record
    recommendation: str | None = None  # sar/dhr: the written recommendation to the chair
    referrer_letter: str | None = None  # the outcome letter to the referrer

