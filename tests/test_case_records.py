"""A case described once: each file of a case is read as its pydantic model and written by the
model's field names (core/case/views.py, core/case/files.py), so the models and what the code
reads cannot drift apart, and a field added to a model needs no other edit."""

from __future__ import annotations

import typing
from datetime import date
from pathlib import Path

import pytest
from helpers import INVALID, Cli, refer, refused_cleanly, to_closed
from pydantic import BaseModel

from reviewctl.adapters import yamlio
from reviewctl.core.case import clock_records, models, review_records, statutory_records
from reviewctl.core.case.documents import DOCUMENT_FILES, document_of, model_for
from reviewctl.core.case.files import Document, Records
from reviewctl.core.case.models import Case, ChairDecision, Decision, HistoryEntry
from reviewctl.core.case.views import Doc, fields_of, read
from reviewctl.core.store.folder import Store

MEETING = {"meeting_date": date(2026, 11, 11), "outcome": "conduct", "rationale": "criteria met"}


class ColouredDecision(Decision, frozen=True):
    """A decision with a field the code has never heard of: written once, here."""

    colour: str | None = None
    shades: list[ChairDecision] = []


def test_a_field_added_to_a_model_is_read_and_written_with_no_other_edit() -> None:
    raw = yamlio.new_map({**MEETING, "colour": "blue",
                          "shades": [{"outcome": "conduct", "rationale": "r", "date": date(2026, 11, 12)}]})
    record = read(ColouredDecision, raw)
    assert isinstance(record, ColouredDecision) and record.colour == "blue" and record.outcome == "conduct"
    assert [s.date for s in record.shades] == [date(2026, 11, 12)] and isinstance(record.shades[0], ChairDecision)
    doc = Doc(ColouredDecision, raw)
    doc["colour"] = "green"
    doc.seq("shades").append({"outcome": "not-conduct", "rationale": "r2", "date": date(2026, 11, 13)})
    assert doc.now is not None and doc.now.colour == "green" and len(doc.now.shades) == 2
    assert raw["colour"] == "green"  # written in the map itself
    # The model without the field neither reads it nor lets it be written.
    plain = read(Decision, raw)
    assert plain is not None and not hasattr(plain, "colour")
    with pytest.raises(TypeError, match="Decision has no field 'colour'"):
        Doc(Decision, raw)["colour"] = "red"


def _declared() -> dict[str, type]:
    """Each document Records reads, and the model its annotation says it reads as."""
    names = {**vars(models), **vars(review_records), **vars(statutory_records), **vars(clock_records),
             "Always": Document, "Document": Document}
    hints = typing.get_type_hints(Records, localns=names)
    found = {}
    for name, hint in hints.items():
        if typing.get_origin(hint) is typing.ClassVar:
            (descriptor,) = typing.get_args(hint)
            (model,) = typing.get_args(descriptor)
            found[name] = model
    return found


def test_every_document_reads_as_the_model_documents_names() -> None:
    """The type the code sees for `files.decision` (its annotation) is the model the document is
    read as and checked against (documents.py): they cannot name different models."""
    declared = _declared()
    assert set(declared) == set(DOCUMENT_FILES)
    for name, model in declared.items():
        assert model is model_for(name), name
        assert document_of(model) == name
        assert isinstance(vars(Records)[name], Document)


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    if model in seen:
        return seen
    seen.add(model)
    for info in model.model_fields.values():
        for arg in [info.annotation, *_args(info.annotation)]:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _models(arg, seen)
    return seen


def _args(annotation: object) -> list[object]:
    found = []
    for arg in typing.get_args(annotation):
        found += [arg, *_args(arg)]
    return found


def test_every_field_of_every_case_model_has_a_reader() -> None:
    every: set[type[BaseModel]] = set()
    for name in DOCUMENT_FILES:
        _models(model_for(name), every)
    assert HistoryEntry in every and ChairDecision in every
    for model in every:
        assert set(fields_of(model).keys) == set(model.model_fields), model


@pytest.mark.parametrize("case_type", ["lcspr", "dhr"])
def test_a_whole_case_reads_as_its_validated_models(cli: Cli, store: Path, tmp_path: Path, case_type: str) -> None:
    """What a read gives equals what validation gives, document by document, of a case taken
    through the whole process: a model and its reading cannot diverge unseen."""
    case_id = to_closed(cli, store, case_type, tmp_path)
    files = Store(store).case(case_id)
    assert len(files.docs) >= 8
    for name, raw in files.docs.items():
        model = model_for(name)
        assert getattr(files, name) == model.model_validate(raw), name


def test_a_value_of_another_kind_is_left_out_never_read_as_another_type() -> None:
    entry = {"step": "refer", "date": date(2026, 11, 2), "from": None, "to": "referred", "by": "A", "recorded":
             date(2026, 11, 2)}
    case = {"id": "TST-2026-ABCDEF", "type": "sar", "stage": "referred", "subject": "Adult Z", "referrer": "R",
            "received": date(2026, 11, 2), "history": [entry, {**entry, "step": 7}, "not a map", {"to": "x"}],
            "aware": "soon", "agencies": ["Police", 3]}
    record = read(Case, case)
    assert record is not None
    assert [h.step for h in record.history] == ["refer"]  # an entry that is not whole is left out
    assert record.aware is None and record.agencies == ["Police"]
    assert read(Case, {**case, "received": "2026-11-02"}) is None  # a required value of another kind
    assert read(Case, ["not", "a", "map"]) is None
    assert read(Decision, {**MEETING, "outcome": "maybe"}) is None  # not one of the model's outcomes
    # A key by its name as well as its alias, as validation takes it (`from_` for `from`).
    named = {**{k: v for k, v in entry.items() if k != "from"}, "from_": "referred"}
    by_name = read(HistoryEntry, named)
    assert by_name is not None and by_name.from_ == "referred" and by_name == HistoryEntry.model_validate(named)


def test_a_nested_record_is_written_only_as_its_own_model() -> None:
    raw = yamlio.new_map(dict(MEETING))
    doc = Doc(Decision, raw)
    chair = doc.sub("chair", ChairDecision)
    assert not chair and chair.now is None
    chair["outcome"] = "conduct"  # made in its place on the first write
    assert raw["chair"] == {"outcome": "conduct"}
    with pytest.raises(TypeError, match="does not hold HistoryEntry"):
        doc.sub("chair", HistoryEntry)
    with pytest.raises(TypeError, match="is the model of no case document"):
        Records({}).write(ChairDecision)


def test_a_reader_that_does_not_check_first_names_a_record_it_cannot_read(cli: Cli, store: Path) -> None:
    """`retention` reads every case without checking it: a case.yaml with a required key gone
    is named (file and key), never read as a record with a hole in it."""
    case_id = refer(cli, "sar")
    path = store / "cases" / case_id / "case.yaml"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                            if not line.startswith("subject:")))
    line = refused_cleanly(cli, store, INVALID, "retention")
    assert line.startswith(f"error: cases/{case_id}/case.yaml: subject: is missing")
