"""One case as a command holds it: its checked id, its folder, and its documents read as their models.

`store.case(ID)` reads the files; `Edit` (core/store/step.py) holds the same object over the
round-trip maps. Each document reads as its model (`files.decision` is a `Decision`, or None
while the case has no decision.yaml), built over the loaded map each time it is read (see
case/views.py), and is written by the model's field names through `files.write(Decision)`,
which edits the map in place (so comments and key order survive). The models of
case/models.py, case/review_records.py, case/statutory_records.py and case/clock_records.py are
the one description: a field added to one is read and written here with no other change.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, overload

from reviewctl.adapters import yamlio
from reviewctl.core.case.documents import document_of, model_where
from reviewctl.core.case.views import Doc, Node, read, unread
from reviewctl.errors import InvalidDataError

if TYPE_CHECKING:  # the models load on a document's first read: a warm report reads none
    from pydantic import BaseModel

    from reviewctl.core.case.clock_records import Clocks
    from reviewctl.core.case.models import Case, Decision, Scoping
    from reviewctl.core.case.review_records import (
        Approvals,
        Commission,
        Jcrg,
        Links,
        Monitoring,
        Notes,
        Publication,
        Report,
        Review,
        Setup,
    )
    from reviewctl.core.case.statutory_records import HomeOffice, Proceedings, Profile

M = TypeVar("M", bound="BaseModel")


class Document(Generic[M]):
    """A document of the case, read as the model documents.py names for it; None while the case
    does not have the document. The attribute's name is the document's name."""

    def __init__(self) -> None:
        self.name = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.name = attribute

    def model(self) -> type[M]:
        """The model documents.py names for the document (its module imported on the first read)."""
        module, cls = model_where(self.name)
        found: type[M] = getattr(import_module(module), cls)  # the class Records' annotation names
        return found

    def _read(self, records: Records) -> M | None:
        model = self.model()
        checked = records.checked.get(self.name)
        if isinstance(checked, model):  # as its validation gave it: read at no cost
            return checked
        return read(model, records.docs.get(self.name))

    @overload
    def __get__(self, records: None, owner: type) -> Document[M]: ...
    @overload
    def __get__(self, records: Records, owner: type) -> M | None: ...
    def __get__(self, records: Records | None, owner: type) -> Document[M] | M | None:
        if records is None:
            return self
        return self._read(records)


class Always(Document[M]):
    """A document every case has (case.yaml)."""

    @overload
    def __get__(self, records: None, owner: type) -> Always[M]: ...
    @overload
    def __get__(self, records: Records, owner: type) -> M: ...
    def __get__(self, records: Records | None, owner: type) -> Always[M] | M:
        if records is None:
            return self
        found = self._read(records)
        if found is None:
            keys = unread(self.model(), records.docs.get(self.name))
            raise InvalidDataError("is missing, or holds a value of another kind; `reviewctl validate` says more",
                                   path=f"{records.where}/{self.name}.yaml", key=keys[0] if keys else None)
        return found


class Records:
    """A case's documents by name (`docs`: the loaded maps), each read as its model."""

    docs: dict[str, Node]
    where: str = "the case"  # how a message names the case's folder
    # The documents as their validation gave them, where a reader has them (a report that checked
    # the case first): read at no cost. Only for maps that are not changed after.
    checked: Mapping[str, BaseModel] = MappingProxyType({})

    case: ClassVar[Always[Case]] = Always()
    scoping: ClassVar[Document[Scoping]] = Document()
    decision: ClassVar[Document[Decision]] = Document()
    setup: ClassVar[Document[Setup]] = Document()
    commission: ClassVar[Document[Commission]] = Document()
    review: ClassVar[Document[Review]] = Document()
    report: ClassVar[Document[Report]] = Document()
    jcrg: ClassVar[Document[Jcrg]] = Document()
    approvals: ClassVar[Document[Approvals]] = Document()
    publication: ClassVar[Document[Publication]] = Document()
    monitoring: ClassVar[Document[Monitoring]] = Document()
    links: ClassVar[Document[Links]] = Document()
    notes: ClassVar[Document[Notes]] = Document()
    clocks: ClassVar[Document[Clocks]] = Document()
    homeoffice: ClassVar[Document[HomeOffice]] = Document()
    proceedings: ClassVar[Document[Proceedings]] = Document()
    profile: ClassVar[Document[Profile]] = Document()

    def __init__(self, docs: dict[str, Node], checked: Mapping[str, BaseModel] | None = None) -> None:
        self.docs = docs
        if checked is not None:
            self.checked = checked

    def editable(self, name: str) -> Node | None:
        """The document `name` as a map to change in place (comments and key order kept), or None
        while the case does not have it. Here every map is one; a step's files read the documents
        it does not change more quickly, and make one editable only when asked (core/store/step.py)."""
        return self.docs.get(name)

    def doc(self, name: str) -> Node:
        """The document `name`, made empty (to be written) if the case does not have it yet."""
        found = self.editable(name)
        if found is None:
            found = self.docs[name] = yamlio.new_map()
        return found

    def write(self, model: type[M]) -> Doc[M]:
        """The document whose model is `model`, to write by its field names (made on the first write)."""
        name = document_of(model)
        return Doc(model, self.editable(name), lambda: self.doc(name))


@dataclass
class CaseFiles(Records):
    """One case: its checked id, its folder, and its documents by name (a missing file is absent)."""

    id: str
    folder: Path
    docs: dict[str, Node]  # document name -> its mapping; read each as its model by its name

    def __post_init__(self) -> None:
        try:
            self.where = os.path.relpath(self.folder)  # as messages show a path (Store.shown)
        except ValueError:
            self.where = str(self.folder)

    @property
    def stage(self) -> str:
        return self.case.stage

    @property
    def type(self) -> str:
        return self.case.type
