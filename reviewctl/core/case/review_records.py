"""The files a case gains after the decision to conduct: one model per file.

setup.yaml        family and national notices, chronology requests
chronology/*.yaml one agency's key events each (see chronology.py)
commission.yaml   lead reviewer and review panel
review.yaml       terms of reference, milestones, family engagement, conduct checklist
report.yaml       report versions (content hashes) and recommendations, agreed, presented
jcrg.yaml         final report version, improvement actions, communications plan
approvals.yaml    approvals by role, each tied to one report version
publication.yaml  publication, notifications, library submissions
monitoring.yaml   evidence of impact, closure
links.yaml        links to other cases (parallel, joint, converted)
notes.yaml        --message notes of steps that do not move the case
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from reviewctl.core.case.models import Allowed, Strict, Text

KINDS = ("parallel", "joint", "converted")


STATUSES = ("open", "on-track", "at-risk", "complete")


class Notice(Strict, frozen=True):
    to: Text
    date: dt.date
    document: str | None = None


class FamilyNotice(Strict, frozen=True):
    date: dt.date
    notified: bool
    reason: str | None = None  # why notifying was not appropriate
    document: str | None = None


class ChronologyRequest(Strict, frozen=True):
    agency: Text
    requested: dt.date
    received: dt.date | None = None
    document: str | None = None


class Setup(Strict, frozen=True):
    family: FamilyNotice | None = None
    national: Notice | None = None
    chronology_requests: list[ChronologyRequest] = []


class LeadReviewer(Strict, frozen=True):
    name: Text
    organisation: Text
    independent: bool
    date: dt.date
    letter: str | None = None


class PanelMember(Strict, frozen=True):
    name: Text
    agency: Text
    role: Text
    added: dt.date


class Commission(Strict, frozen=True):
    lead_reviewer: LeadReviewer | None = None
    panel: list[PanelMember] = []


class Milestone(Strict, frozen=True):
    name: Text
    due: dt.date
    met: dt.date | None = None


class Engagement(Strict, frozen=True):
    with_: Text = Field(alias="with")
    date: dt.date
    note: Text
    by: Text


class TermsOfReference(Strict, frozen=True):
    file: Text
    sha256: Text
    date: dt.date
    schedule: str | None = None


class Review(Strict, frozen=True):
    tor: TermsOfReference | None = None
    milestones: list[Milestone] = []
    engagement: list[Engagement] = []
    checklist: dict[str, dt.date] = {}


class ReportVersion(Strict, frozen=True):
    version: int = Field(ge=1)
    file: Text
    sha256: Text
    date: dt.date
    recommendations: list[Text] = []
    revision: str | None = None  # why: a version stored after the JCRG or approval (`report --revision`)

    @model_validator(mode="after")
    def _own_file(self) -> ReportVersion:
        # `reviewctl report` names each version's file; pointing a version at another file
        # (a copy of the approved text, or one outside the case) would let the report that
        # is read and published differ from the one that was approved.
        if self.file not in own_report_files(self.version):
            raise ValueError(f"file: version {self.version}'s file is {own_report_file(self.version)} (as "
                             f"`reviewctl report` wrote it), not {self.file!r}; put the name back")
        return self


def own_report_file(version: int, suffix: str = ".md") -> str:
    """The file `reviewctl report` writes a report version to, in the case's folder:
    markdown, or the Word document as it was handed in."""
    return f"report-v{version}{suffix}"


def own_report_files(version: int) -> tuple[str, str]:
    return own_report_file(version), own_report_file(version, ".docx")


class Agreed(Strict, frozen=True):
    version: int
    date: dt.date


class Report(Strict, frozen=True):
    versions: list[ReportVersion] = []
    agreed: Agreed | None = None
    presented: dt.date | None = None


class Progress(Strict, frozen=True):
    date: dt.date
    note: Text
    by: Text
    status: str | None = None
    evidence: str | None = None


class Action(Strict, frozen=True):
    id: Text
    text: Text
    owner: Text
    due: dt.date
    measure: Text
    status: Literal["open", "on-track", "at-risk", "complete", "closed"] = "open"
    progress: list[Progress] = []
    signed_off: dt.date | None = None
    closed_reason: str | None = None


class FinalReport(Strict, frozen=True):
    version: int
    sha256: Text


class Jcrg(Strict, frozen=True):
    date: dt.date
    final_report: FinalReport
    comms_plan: Text
    actions: list[Action] = Field(min_length=1)
    action_plan: str | None = None


class Approval(Strict, frozen=True):
    role: Text
    version: int
    sha256: Text
    by: Text
    email: Text
    date: dt.date


class Approvals(Strict, frozen=True):
    approvals: list[Approval] = []


class PlannedNotice(Strict, frozen=True):
    """lcspr: a body that must have the report a number of working days before it is public."""

    to: Text
    due: dt.date
    sent: dt.date | None = None


class Publication(Strict, frozen=True):
    date: dt.date | None = None  # None while a publication is only planned
    where: str | None = None  # None for a route that publishes nothing (sar: not-published)
    embargo_until: dt.date | None = None
    notifications: list[Notice] = []
    libraries: list[Notice] = []
    planned: dt.date | None = None  # `publish --planned`: the notice deadlines run from it
    notices: list[PlannedNotice] = []
    route: str | None = None  # the workflow's publication route (default its first)
    route_reason: str | None = None
    online_from: dt.date | None = None  # published online: it stays there for the workflow's period
    removed: dt.date | None = None
    qa_letter: str | None = None  # dhr: the Home Office QA letter, published with the report
    # The sha256 of every publishable file, by its path in the case, as publish checked them
    # (core/privacy/checked_files.py): validate scans again only the files that differ.
    checked: dict[str, str] = {}
    checked_with: str | None = None  # the patterns, own lines and professionals they were checked with, as a digest


class Impact(Strict, frozen=True):
    date: dt.date
    note: Text
    by: Text
    evidence: str | None = None


class Monitoring(Strict, frozen=True):
    impact: list[Impact] = []
    closed: dt.date | None = None
    close_reason: str | None = None


class Link(Strict, frozen=True):
    case: Text
    kind: Literal["parallel", "joint", "converted"]
    date: dt.date


class Links(Strict, frozen=True):
    links: list[Link] = []


class NoteEntry(Strict, frozen=True):
    date: dt.date
    step: Text
    by: Text
    note: Text | None = None  # --message; a note may hold only what the step allowed
    allowed: list[Allowed] = []  # identifier patterns this step's --allow let through

    @model_validator(mode="after")
    def _says_something(self) -> NoteEntry:
        if self.note is None and not self.allowed:
            raise ValueError("a note needs note: (or allowed:)")
        return self


class Notes(Strict, frozen=True):
    notes: list[NoteEntry] = []
