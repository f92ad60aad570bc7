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
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reviewctl.errors import UsageError

CASE_FILE = "case.yaml"
SCOPING_FILE = "scoping.yaml"
DECISION_FILE = "decision.yaml"
DOCUMENTS_DIR = "documents"

# An id is only ever letters, digits and hyphens: it can never leave cases/.
_ID_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


def check_id(case_id: str) -> str:
    if not _ID_SHAPE.match(case_id):
        raise UsageError(
            f"{case_id!r} is not a case id (ids are letters, digits and hyphens, "
            "like SSCP-2026-7KQ4MX); `reviewctl list` shows them"
        )
    return case_id


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class HistoryEntry(_Strict):
    step: str
    date: dt.date
    from_: str | None = Field(alias="from")
    to: str
    by: str
    recorded: dt.date
    type: str | None = None  # set where the step settled or changed the review type
    note: str | None = None


class Triage(_Strict):
    outcome: Literal["accepted", "no-further-action"]
    reason: str
    date: dt.date
    letter: str | None = None
    tracker_updated: dt.date | None = None


class Case(_Strict):
    id: str
    type: str
    stage: str
    subject: str = Field(min_length=1)
    referrer: str = Field(min_length=1)
    received: dt.date
    incident_date: dt.date | None = None
    summary: str | None = None
    agencies: list[str] = []
    triage: Triage | None = None
    history: list[HistoryEntry] = Field(min_length=1)


class InfoRequest(_Strict):
    agency: str
    requested: dt.date
    returned: dt.date | None = None


class Note(_Strict):
    date: dt.date
    by: str
    note: str


class Scoping(_Strict):
    requests: list[InfoRequest] = []
    notes: list[Note] = []
    notified: dt.date | None = None
    rapid_review_sent: dt.date | None = None


class ChairDecision(_Strict):
    outcome: Literal["conduct", "not-conduct"]
    rationale: str
    date: dt.date


class Decision(_Strict):
    meeting_date: dt.date
    attendees: list[str] = []
    outcome: Literal["conduct", "not-conduct"]
    rationale: str
    parallel: list[str] = []
    scope: str | None = None
    learning_to: str | None = None
    chair: ChairDecision | None = None


MODELS: dict[str, type[BaseModel]] = {
    CASE_FILE: Case,
    SCOPING_FILE: Scoping,
    DECISION_FILE: Decision,
}
# Workflow field paths name documents by these short names.
DOCUMENT_FILES = {"case": CASE_FILE, "scoping": SCOPING_FILE, "decision": DECISION_FILE}
