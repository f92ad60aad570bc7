"""What every mutating command shares: dates, loading, transitions, the final write.

A step loads the case's files for editing, checks the transition, changes the loaded
maps in place (so comments and key order survive), checks the new state, and hands
the new texts to the transaction, which writes them and makes one commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reviewctl.adapters import yamlio
from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.files import CaseFiles
from reviewctl.core.case.paths import Documents
from reviewctl.core.case.views import Doc, Node
from reviewctl.core.store.folder import Store, checked_document, read_texts
from reviewctl.core.store.recorded import plain_copy
from reviewctl.core.workflow.conformance import case_problems, missing_requirements
from reviewctl.core.workflow.load import Act, Transition

if TYPE_CHECKING:
    from pydantic import BaseModel

    from reviewctl.core.case.models import Case
    from reviewctl.core.privacy.identifiers import Confidential
    from reviewctl.core.privacy.pattern_guard import Hit
from reviewctl.adapters.calendar import FIRST_YEAR, LAST_YEAR
from reviewctl.core.workflow.conformance import type_problems
from reviewctl.errors import InvalidDataError, RefusedError, UsageError

M = TypeVar("M", bound="BaseModel")


@dataclass(frozen=True)
class Allowance:
    kind: str
    where: str | None = None  # an option (--summary) or a file in the case folder; None: anywhere

    def covers(self, kind: str, where: str) -> bool:
        return self.kind == kind and self.where in (None, where)

    def __str__(self) -> str:
        return self.kind if self.where is None else f"{self.kind}:{self.where}"


@dataclass(frozen=True)
class StepOptions:
    """The options every mutating command takes."""

    today: date
    when: date | None = None  # --date: when it happened (default: today)
    note: str | None = None  # --message: kept in the history, never in the commit
    dry_run: bool = False
    propose: bool = False  # commit on a new branch review/<ID>/<step>, not the current one
    # --allow KIND[:WHERE], parsed (privacy/pattern_guard.py): identifier patterns this step may write on purpose
    allowances: tuple[Allowance, ...] = ()
    allow_reason: str | None = None  # --allow-reason: why, kept in the history with what was allowed

    def __post_init__(self) -> None:
        check_plausible(self.today, "today (--as-of)")
        if self.when is not None:
            check_plausible(self.when, "--date")
            check_not_future(self.when, self.today, "--date")

    @property
    def date(self) -> date:
        return self.when or self.today



@dataclass
class EditFiles(CaseFiles):
    """A case loaded for a step.  case.yaml, which every step writes, is read for editing at once;
    every other document is read fast (libyaml, plain maps) for the checks, and read again for
    editing (ruamel's round trip, which keeps comments and key order) only when the step asks
    to change it (`editable`, through `doc` and `write`): a case late in the process has a
    dozen documents, and a step changes one or two of them."""

    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # not yet editable: name -> (text, shown)
    before: Documents = field(default_factory=dict)  # every document as loaded, plain

    @classmethod
    def read(cls, store: Store, case_id: str) -> EditFiles:
        texts = read_texts(store, case_id)
        docs: dict[str, Node] = {}
        fast: dict[str, tuple[str, str]] = {}
        for name, (text, shown) in texts.items():
            data = None
            if name != "case":
                try:
                    data = yamlio.parse_fast(text, shown)
                    fast[name] = (text, shown)
                except InvalidDataError:  # refused as the round trip words it, line and all
                    pass
            if name not in fast:
                data = yamlio.parse_roundtrip(text, shown)
            docs[name] = _document(name, data, shown, roundtrip=name not in fast)
        files = cls(case_id, store.case_dir(case_id), docs, texts=fast)
        files.before = plain_copy(docs)
        return files

    def editable(self, name: str) -> Node | None:
        kept = self.texts.pop(name, None)
        if kept is not None and name in self.docs:
            if plain_copy(self.docs[name]) != self.before.get(name):  # a change to a plain map would be lost
                raise AssertionError(f"{name}.yaml was changed before it was made editable")
            text, shown = kept
            self.docs[name] = _document(name, yamlio.parse_roundtrip(text, shown), shown, roundtrip=True)
            self.before[name] = plain_copy(self.docs[name])
        return self.docs.get(name)

    def open_all(self) -> None:
        """Every document as a round-trip map, which knows the line of each value (for a message)."""
        for name in list(self.texts):
            self.editable(name)


def _document(name: str, data: object, shown: str, roundtrip: bool) -> Node:
    checked = checked_document(name, data, shown)
    return checked if checked is not None else yamlio.new_map() if roundtrip else {}


@dataclass
class Edit:
    """One case, loaded for editing (`files`: typed views over its round-trip maps), and the
    documents to write beside them."""

    store: Store
    files: CaseFiles
    extra: dict[Path, str | bytes | None] = field(default_factory=dict)  # None: delete; bytes: a Word document
    identifiers: Confidential | None = None  # the case's identifiers as this step leaves them, if it sets them
    guard_optional: bool = False  # a step that may go on when the identifiers cannot be read (purge)
    rendered: set[Path] = field(default_factory=set)  # the documents this step rendered from templates
    rendered_dates: set[date] = field(default_factory=set)  # the dates it rendered into them
    trailers: dict[str, str] = field(default_factory=dict)  # added to the commit message
    sign: bool = False  # make an SSH-signed commit (approvals)
    rewrites: bool = False  # the step corrects recorded values (amend): no refusal of overwrites
    before: Documents = field(default_factory=dict)  # the documents as loaded, plain
    published: list[Hit] = field(default_factory=list)  # identifier patterns in what a publication publishes

    @classmethod
    def load(cls, store: Store, case_id: str) -> Edit:
        files = EditFiles.read(store, case_id)
        edit = cls(store, files, before=files.before)  # one dict: a document made editable updates it
        edit.check()
        return edit

    @classmethod
    def new(cls, store: Store, case_id: str, case: Node) -> Edit:
        """A case that this step creates: nothing on disk yet but its case.yaml map."""
        return cls(store, CaseFiles(case_id, store.case_dir(case_id), {"case": case}))

    @property
    def case_id(self) -> str:
        return self.files.id

    @property
    def docs(self) -> dict[str, Node]:
        """The documents' maps by name, for the whole-case checks; `files` reads each as its model."""
        return self.files.docs

    @property
    def case(self) -> Case:
        """case.yaml as it stands now (read again each time: after a write it shows the write)."""
        return self.files.case

    def write(self, model: type[M]) -> Doc[M]:
        """The document whose model is `model`, to change by its field names."""
        return self.files.write(model)

    def doc(self, name: str) -> Node:
        """The document `name`, created empty if the case does not have it yet."""
        return self.files.doc(name)

    def check(self) -> None:
        folder = self.store.shown(self.files.folder)
        problems = case_problems(self.store.workflow, folder, self.case_id, self.docs)
        if problems and isinstance(self.files, EditFiles) and self.files.texts:
            self.files.open_all()  # read again for editing: the problem's line, as a round-trip map knows it
            problems = case_problems(self.store.workflow, folder, self.case_id, self.docs)
        if problems:
            raise problems[0].error()

    def changes(self) -> dict[Path, str | bytes | None]:
        folder = self.files.folder
        out: dict[Path, str | bytes | None] = {}
        for name, data in self.docs.items():
            # Compared as plain data, not as dumped text: dumping every document twice was most
            # of a step's own time. A step changes values, never only comments or key order.
            if name in self.before and plain_copy(data) == self.before[name]:
                continue
            if isinstance(self.files, EditFiles) and name in self.files.texts:
                raise AssertionError(f"{name}.yaml was changed without being made editable (Records.editable)")
            out[folder / DOCUMENT_FILES[name]] = yamlio.dump(data)
        out.update(self.extra)
        return out


def check_date(value: date, edit: Edit, what: str = "--date", not_before_last: bool = False) -> date:
    """Refuse a date before the referral, or after today."""
    check_plausible(value, what)
    case = edit.case
    received = case.received
    if received is not None and value < received:
        raise UsageError(
            f"{edit.case_id}: {what} {value} is before the referral was received ({received}); "
            "give the date it happened"
        )
    # The last step that moved the case: a correction (amend) or a change of type is dated when
    # it was made and holds back no step recorded after it with its own, earlier date.
    last = next((h for h in reversed(case.history) if h.step not in Act.IN_PLACE), None)
    if not_before_last and last is not None and last.date is not None and value < last.date:
        raise UsageError(
            f"{edit.case_id}: {what} {value} is before the last step "
            f"({last.step} on {last.date}); steps are recorded in the order they happened"
        )
    return value


def required_text(value: str | None, flag: str, fix: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UsageError(f"{flag} is required and may not be blank; {fix}")
    return text


def optional_text(value: str | None) -> str | None:
    return (value or "").strip() or None


def clean_list(values: list[str], flag: str) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise UsageError(f"{flag} was given a blank value; name it or leave the option out")
    return cleaned


def check_plausible(value: date, what: str) -> date:
    """Refuse a year that is surely a slip (0001, 9999): the working-day calendar's years."""

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(f"{what} {value} is not a plausible date; give one in the years {FIRST_YEAR} "
                         f"to {LAST_YEAR}, as YYYY-MM-DD")
    return value


PLANNING_YEARS = 5  # a deadline, milestone or embargo further ahead than this is a slip


def check_planned(value: date, today: date, what: str) -> date:
    """A date planned ahead (an action's due date, a milestone, an embargo): not years away."""
    check_plausible(value, what)
    if value.year - today.year > PLANNING_YEARS or (
            value.year - today.year == PLANNING_YEARS and (value.month, value.day) > (today.month, today.day)):
        raise UsageError(f"{what} {value} is more than {PLANNING_YEARS} years after today ({today}); "
                         "check the year")
    return value


def check_not_future(value: date, today: date, what: str) -> date:
    if value > today:
        raise UsageError(
            f"{what} {value} is after today ({today}); record things that have happened "
            "(or set today with --as-of)"
        )
    return value


def history_entry(step: str, when: date, source: str | None, target: str, by: str,
                  options: StepOptions, case_type: str | None = None, reason: str | None = None) -> Node:
    entry: dict[str, str | date | None] = {
        "step": step, "date": when, "from": source, "to": target, "by": by,
        "recorded": options.today,
    }
    if case_type:
        entry["type"] = case_type
    if options.note:
        entry["note"] = options.note
    if reason:
        entry["reason"] = reason
    return yamlio.new_map(entry)


def check_new_type(edit: Edit, new_type: str, step: str) -> None:
    """Refuse a change of type while what the new type needs before this stage is missing."""

    problems = type_problems(edit.store.workflow, edit.docs, new_type)
    if problems:
        raise RefusedError(f"{edit.case_id}: cannot {step} as '{new_type}' yet: {'; '.join(problems)}")


def require(edit: Edit, step: str, case_type: str | None = None, to: str | None = None) -> Transition:
    """The transition `step` from the case's stage, refused if anything it needs is missing."""
    case_type = case_type or edit.case.type
    transition = edit.store.workflow.transition(step, edit.case.stage, case_type, edit.case_id, to)
    lacking = set(missing_requirements(transition, edit.docs, case_type))
    missing = [r.hint for r in transition.requires if r.field in lacking]
    if missing:
        raise RefusedError(f"{edit.case_id}: cannot {step} yet: {'; '.join(missing)}")
    return transition


def commit_message(case_id: str, step: str, summary: str, trailers: dict[str, str] | None = None) -> str:
    # Only the id, the step, stage ids and trailers: never a summary, referrer or free text.
    lines = [f"Reviewctl-Case: {case_id}", f"Reviewctl-Step: {step}",
             *(f"{key}: {value}" for key, value in (trailers or {}).items())]
    return f"{case_id}: {step} ({summary})\n\n" + "\n".join(lines) + "\n"


def store_commit_message(step: str, summary: str) -> str:
    """A step that changes the store, not one case: the step and a summary that names no one."""
    return commit_message("store", step, summary).replace("Reviewctl-Case: store\n", "")


