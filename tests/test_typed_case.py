"""store.case(ID): one case object whose files read as their models, on a real store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import Case
from reviewctl.core.case.review_records import Action, FinalReport, Jcrg, Review
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit
from reviewctl.errors import UsageError
from tests.helpers import INVALID, USAGE, Cli, git, refer, refused_cleanly, to_jcrg_agreed


def test_case_object_reads_its_files_as_their_models(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    case = Store(store).case(case_id)
    assert case.id == case_id
    assert case.folder == store / "cases" / case_id
    assert case.stage == "jcrg-agreed"
    assert case.type == "lcspr"
    assert isinstance(case.case, Case) and case.case.received == date(2026, 11, 2)
    assert [h.step for h in case.case.history][:2] == ["refer", "triage-accept"]
    assert all(isinstance(h.date, date) for h in case.case.history)
    setup, commission, jcrg, report = case.setup, case.commission, case.jcrg, case.report
    assert setup is not None and commission is not None and jcrg is not None and report is not None
    assert {r.agency for r in setup.chronology_requests} == {"Police", "Health"}
    assert commission.lead_reviewer is not None and commission.lead_reviewer.name == "Fictional Reviewer"
    assert [m.name for m in commission.panel] == ["Panel Member One"]
    assert isinstance(jcrg, Jcrg) and isinstance(jcrg.final_report, FinalReport) and jcrg.final_report.version == 1
    [action] = jcrg.actions
    assert isinstance(action, Action)
    assert (action.id, action.owner, action.due, action.status) == ("A1", "Council", date(2027, 1, 1), "open")
    assert [v.file for v in report.versions] == ["report-v1.md"]
    # A document the case does not have reads as None, and is not made by reading it.
    assert case.approvals is None
    assert "approvals" not in case.docs


def test_edit_through_views_keeps_comments_and_key_order(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    path = store / "cases" / case_id / "jcrg.yaml"
    text = path.read_text()
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))]
    path.write_text("# kept by hand: the JCRG's own note\n" + text.replace("actions:", "actions:  # the plan"))
    git(store, "commit", "-qam", "a comment by hand")

    edit = Edit.load(Store(store), case_id)
    [action] = edit.write(Jcrg).rows("actions", Action)
    action["status"] = "at-risk"
    edit.write(Jcrg).sub("final_report", FinalReport)["sha256"] = "f" * 64  # rewritten in its place
    changed = edit.changes()
    written = changed[path]
    assert isinstance(written, str)
    assert written.startswith("# kept by hand: the JCRG's own note\n")
    assert "actions:  # the plan" in written
    assert "status: at-risk" in written and f"sha256: {'f' * 64}" in written
    assert [line.split(":")[0] for line in written.splitlines()
            if line and not line.startswith((" ", "#", "-"))] == keys
    assert list(changed) == [path]  # no other file changes


def test_a_new_document_is_made_on_its_first_write(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "sar")
    edit = Edit.load(Store(store), case_id)
    assert edit.files.review is None and not edit.write(Review) and "review" not in edit.docs
    edit.write(Review).seq("milestones").append(yamlio.new_map({"name": "Panel 1", "due": date(2026, 12, 1)}))
    review = edit.files.review
    assert review is not None and [m.name for m in review.milestones] == ["Panel 1"]
    assert "milestones:" in str(edit.changes()[store / "cases" / case_id / "review.yaml"])


@pytest.mark.parametrize("case_id", ["../outside", "TST 2026", "", "x" * 65])
def test_an_ill_shaped_id_is_refused(store: Path, case_id: str) -> None:
    with pytest.raises(UsageError, match="is not a case id"):
        Store(store).case(case_id)


def test_an_unknown_id_is_refused_as_before(cli: Cli, store: Path) -> None:
    with pytest.raises(UsageError, match="no case 'TST-2026-NOSUCH'"):
        Store(store).case("TST-2026-NOSUCH")
    line = refused_cleanly(cli, store, USAGE, "show", "TST-2026-NOSUCH")
    assert "no case 'TST-2026-NOSUCH'" in line


@pytest.mark.parametrize(("key", "value", "named"), [("owner", "1234", "actions.0.owner"),
                                                      ("due", "soon", "actions.0.due")])
def test_a_read_only_command_names_a_value_of_the_wrong_type(cli: Cli, store: Path, tmp_path: Path, key: str,
                                                             value: str, named: str) -> None:
    """A read leaves out a value of the wrong type: a command that reads a case checks it
    first, so a hand edit is named, never shown blank or crashing."""
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    path = store / "cases" / case_id / "jcrg.yaml"
    text = path.read_text()
    edited = text.replace(f"  {key}: ", f"  {key}: {value}  # was: ", 1)
    assert edited != text
    path.write_text(edited)
    for args in (["actions", "list", case_id], ["actions", case_id, "-f", "json"]):
        err = refused_cleanly(cli, store, INVALID, *args)
        assert err.startswith(f"error: cases/{case_id}/jcrg.yaml:") and named in err and len(err.splitlines()) == 1


def test_a_step_writes_only_the_documents_whose_values_changed(cli: Cli, store: Path, tmp_path: Path) -> None:
    """Edit.changes() compares the documents as plain data: setting a value to what it was
    writes nothing, and a changed value writes its own file alone."""
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    edit = Edit.load(Store(store), case_id)
    [action] = edit.write(Jcrg).rows("actions", Action)
    action["status"] = action.now.status  # the same value again
    edit.write(Case)["subject"] = edit.case.subject
    assert edit.changes() == {}
    action["due"] = date(2027, 1, 2)
    assert list(edit.changes()) == [store / "cases" / case_id / "jcrg.yaml"]
