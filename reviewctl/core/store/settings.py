"""The model of a store's settings file, reviewctl.yaml."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from reviewctl.core.workflow.load import Limit
from reviewctl.core.workflow.statute import MonthEnd

PREFIX_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")  # a store's case-id prefix: SSCP, FSSP


class Redaction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Parts of names that are ordinary words ("Rose", "Hope"): not checked on their own
    # (the whole name still is). Empty by default: a false alarm is better than a leak.
    allow: list[str] = []


class Retention(BaseModel):
    """How long a closed case's identifiers are kept, counted from the day it closed."""

    model_config = ConfigDict(extra="forbid")

    years: int = Field(default=0, ge=0, le=200)
    months: int = Field(default=0, ge=0, le=2400)

    @model_validator(mode="after")
    def _some(self) -> Retention:
        if not (self.years or self.months):
            raise ValueError("give years or months (or both), more than none")
        return self

    def __str__(self) -> str:
        parts = [f"{self.years} year{'s' * (self.years != 1)}" if self.years else "",
                 f"{self.months} month{'s' * (self.months != 1)}" if self.months else ""]
        return " ".join(p for p in parts if p)


class FormerApprover(BaseModel):
    """Someone who held a role until a date: their approvals merged by then still count."""

    model_config = ConfigDict(extra="forbid")

    principal: str = Field(min_length=1)
    until: date


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnership: str = Field(min_length=1)
    prefix: str = Field(pattern=PREFIX_SHAPE.pattern)
    due_soon_working_days: int = Field(default=3, ge=0)
    lock_timeout_seconds: float = Field(default=10.0, ge=0)
    chronology_gap_days: int = Field(default=90, ge=1)
    clocks: dict[str, Limit] = {}
    workflow: str | None = None
    # Approvals must be SSH-signed commits (new stores: yes); approvers by role, as
    # principals of .reviewctl/allowed_signers; the branch whose signers file counts.
    signed_approvals: bool = False
    approvers: dict[str, list[str]] = {}
    former_approvers: dict[str, list[FormerApprover]] = {}  # written by `approvers remove`
    base_branch: str = "main"
    # Forge teams per role, for `reviewctl codeowners`.
    teams: dict[str, str] = {}
    redaction: Redaction = Redaction()
    # Per review type, from your retention schedule: `retention: {lcspr: {years: 25}}`.
    retention: dict[str, Retention] = {}
    # One-off bank holidays beyond England and Wales' list (a royal occasion), as dates.
    bank_holidays: list[date] = []
    # A month clock ending on a weekend or bank holiday: `leave` it (and say so), or move it
    # on to the `next-working-day` or back to the `previous-working-day`; default: the
    # workflow's `statute.month_end`.
    month_end: MonthEnd | None = None
    # A review type's name: e.g. {dhr: Domestic Abuse Related Death Review} once the
    # Victims and Prisoners Act 2024 s.19 is commenced.
    type_labels: dict[str, str] = {}
    # A clock's start, where the workflow offers a choice: {rapid-review: case.aware}.
    clock_starts: dict[str, str] = {}
    # Learning themes of the store's own, added to the workflow's.
    themes: list[str] = []
    # The formats each rendered letter and document is written in: `documents: [md, docx]`.
    documents: list[Literal["md", "docx"]] = Field(default=["md"], min_length=1)
    # The partnership's postal address, one line each, at the head of every letter.
    address: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = []
    # Who signs the letters, one line each (a role, not a person's name: the name changes).
    signature: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = \
        ["Business Unit"]

    @model_validator(mode="after")
    def _formats_once(self) -> Config:
        if len(set(self.documents)) != len(self.documents):
            raise ValueError("documents: each format once, e.g. [md, docx]")
        return self
