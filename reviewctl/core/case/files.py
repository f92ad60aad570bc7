"""One case as a command holds it: its checked id, its folder, and typed views over its files.

`store.case(ID)` reads the files; `Edit` (core/store/step.py) holds the same object over the
round-trip maps, so a step's writes through these views keep comments and key order.
The views mirror the models of case/models.py, case/review_records.py and case/statutory_records.py, key for key,
for the keys the domain code reads or writes; the models still decide what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, overload

from reviewctl.adapters import yamlio
from reviewctl.core.case.views import (
    Key,
    Node,
    Rows,
    Sub,
    View,
    as_any,
    as_dates,
    as_day,
    as_int,
    as_name,
    as_text,
    as_texts,
)

D = TypeVar("D", bound=View)


# -- items inside the documents ------------------------------------------------
class HistoryStep(View):
    step = Key(as_text)
    date = Key(as_day)
    from_ = Key(as_text)
    to = Key(as_text)
    by = Key(as_text)
    type = Key(as_text)
    reason = Key(as_text)


class Agency(View):
    """An information or chronology request to an agency."""

    agency = Key(as_text)
    requested = Key(as_day)
    returned = Key(as_day)  # an information request's reply
    received = Key(as_day)  # a chronology request's chronology


class Progress(View):
    date = Key(as_day)
    note = Key(as_text)
    status = Key(as_text)


class Action(View):
    id = Key(as_name)
    text = Key(as_text)
    owner = Key(as_text)
    due = Key(as_day)
    measure = Key(as_text)
    status = Key(as_text)
    progress = Rows(Progress)
    signed_off = Key(as_day)


class Version(View):
    """A report version (or the JCRG's final report, which names one)."""

    version = Key(as_int)
    file = Key(as_text)
    sha256 = Key(as_text)
    date = Key(as_day)
    revision = Key(as_text)


class Approval(View):
    role = Key(as_text)
    version = Key(as_int)
    sha256 = Key(as_text)
    by = Key(as_text)
    email = Key(as_text)
    date = Key(as_day)


class Milestone(View):
    name = Key(as_text)
    due = Key(as_day)
    met = Key(as_day)


class Member(View):
    name = Key(as_text)
    agency = Key(as_text)
    role = Key(as_text)


class Proceeding(View):
    id = Key(as_name)
    kind = Key(as_text)
    ref = Key(as_text)


class Submission(View):
    date = Key(as_day)
    version = Key(as_int)
    sha256 = Key(as_text)
    resubmission = Key(bool)


class QaOutcome(View):
    date = Key(as_day)
    outcome = Key(as_text)
    submission = Key(as_int)
    letter = Key(as_text)


class Purged(View):
    """When, by whom and why the case's identifiers were destroyed."""

    date = Key(as_day)
    by = Key(as_text)
    reason = Key(as_text)


# -- the documents ---------------------------------------------------------------
class CaseDoc(View):
    """case.yaml."""

    id = Key(as_text)
    type = Key(as_name)
    stage = Key(as_name)
    subject = Key(as_text)
    referrer = Key(as_text)
    received = Key(as_day)
    aware = Key(as_day)
    incident_date = Key(as_day)
    agencies = Key(as_texts)
    history = Rows(HistoryStep)
    triage = Sub(View)
    identifiers_purged = Sub(Purged)


class ScopingDoc(View):
    requests = Rows(Agency)
    notified = Key(as_day)
    rapid_review_sent = Key(as_day)


class DecisionDoc(View):
    outcome = Key(as_text)
    rationale = Key(as_text)
    chair = Sub(View)
    conducted_from = Key(as_day)


class SetupDoc(View):
    chronology_requests = Rows(Agency)
    family = Sub(View)
    national = Sub(View)


class CommissionDoc(View):
    lead_reviewer = Sub(Member)
    panel = Rows(Member)


class ReviewDoc(View):
    milestones = Rows(Milestone)
    checklist = Key(as_dates)  # checklist item -> the date it was ticked


class ReportDoc(View):
    versions = Rows(Version)
    agreed = Sub(Version)

    def version(self, number: object) -> Version | None:
        return next((v for v in self.versions if v.version == number), None)


class JcrgDoc(View):
    date = Key(as_day)
    final_report = Sub(Version)
    actions = Rows(Action)


class ApprovalsDoc(View):
    approvals = Rows(Approval)


class HomeOfficeDoc(View):
    submitted = Key(as_day)
    submissions = Rows(Submission)
    outcomes = Rows(QaOutcome)


class ProceedingsDoc(View):
    proceedings = Rows(Proceeding)


class Notice(View):
    """A notice before publication: to whom, by when, and when it was sent."""

    to = Key(as_text)
    due = Key(as_day)
    sent = Key(as_day)


class PublicationDoc(View):
    notices = Rows(Notice)


class ProfileDoc(View):
    themes = Key(as_texts)


class LinksDoc(View):
    links = Key(as_any)


class Document(Generic[D]):
    """A case document as its typed view: the attribute's name is the document's name."""

    def __init__(self, cls: type[D]) -> None:
        self.cls = cls
        self.name = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.name = attribute

    @overload
    def __get__(self, files: None, owner: type) -> Document[D]: ...
    @overload
    def __get__(self, files: CaseFiles, owner: type) -> D: ...
    def __get__(self, files: CaseFiles | None, owner: type) -> Document[D] | D:
        if files is None:
            return self
        return files._view(self.cls, self.name)


@dataclass
class CaseFiles:
    """One case: its checked id, its folder, and its documents by name (a missing file is absent)."""

    id: str
    folder: Path
    docs: dict[str, Node]  # document name -> its mapping; the views are the typed way in

    def doc(self, name: str) -> Node:
        """The document `name`, made empty (to be written) if the case does not have it yet."""
        found: Node | None = self.docs.get(name)
        if found is None:
            found = self.docs[name] = yamlio.new_map()
        return found

    def _view(self, cls: type[D], name: str) -> D:
        return cls(self.docs.get(name), lambda: self.doc(name))

    # Each document as its typed view, by its name in DOCUMENT_FILES.
    case = Document(CaseDoc)
    scoping = Document(ScopingDoc)
    decision = Document(DecisionDoc)
    setup = Document(SetupDoc)
    commission = Document(CommissionDoc)
    review = Document(ReviewDoc)
    report = Document(ReportDoc)
    jcrg = Document(JcrgDoc)
    approvals = Document(ApprovalsDoc)
    homeoffice = Document(HomeOfficeDoc)
    proceedings = Document(ProceedingsDoc)
    publication = Document(PublicationDoc)
    links = Document(LinksDoc)

    @property
    def stage(self) -> str:
        return self.case.stage

    @property
    def type(self) -> str:
        return self.case.type

    @property
    def history(self) -> list[HistoryStep]:
        return self.case.history

    def view(self, name: str) -> View:
        """Any document as an untyped view (publication, monitoring, profile, notes, ...)."""
        return self._view(View, name)

