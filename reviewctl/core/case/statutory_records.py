"""The files of a case's statutory records: one model per file.

homeoffice.yaml   dhr: submissions of the report to the Home Office and its QA outcomes
proceedings.yaml  parallel proceedings (criminal, inquest, IOPC, CDOP) and their events
profile.yaml      subject details (fixed vocabularies) and learning themes
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from reviewctl.core.case.models import Strict, Text

OUTCOMES = ("approved", "amend-and-resubmit")


class Submission(Strict, frozen=True):
    date: dt.date
    version: int = Field(ge=1)  # the report version submitted
    sha256: Text
    resubmission: bool = False
    revision: str | None = None  # why the report was revised (a resubmission after amend-and-resubmit)


class QaOutcome(Strict, frozen=True):
    date: dt.date
    outcome: Literal["approved", "amend-and-resubmit"]
    submission: int = Field(ge=1)  # which submission (1 = the first) it answers
    letter: Text  # the Quality Assurance Panel's letter, kept in the case's documents


class HomeOffice(Strict, frozen=True):
    submitted: dt.date | None = None  # the first submission: the six-month clock is met here
    submissions: list[Submission] = []
    outcomes: list[QaOutcome] = []


class ProceedingEvent(Strict, frozen=True):
    date: dt.date
    event: Text
    by: Text


class Proceeding(Strict, frozen=True):
    id: Text  # P1, P2 ... (a clock pause names it)
    kind: Text
    ref: Text
    added: dt.date
    events: list[ProceedingEvent] = []


class Proceedings(Strict, frozen=True):
    proceedings: list[Proceeding] = []


class Profile(Strict, frozen=True):
    details: dict[str, str] = {}  # subject detail -> one of its vocabulary's values
    themes: list[Text] = []
