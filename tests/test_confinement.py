"""Nothing reaches outside the store: templates, their includes, case folders and their files.

Each test commits what an attacker (or a careless colleague) would, with real symbolic
links and real git, and checks that the step refuses with one clear line and changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import INVALID, Cli, git, refer, refused_cleanly, snapshot

ACK = "acknowledgement-letter.md.j2"
KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nfictional-not-a-key\n-----END OPENSSH PRIVATE KEY-----\n"
REFER = ("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School DSL",
         "--received", "2026-11-02", "--summary", "Fictional summary for tests", "--agency", "Police")


@pytest.fixture
def private_key(tmp_path: Path) -> Path:
    """A fake private key outside the store, where `~/.ssh/id_ed25519` would be."""
    key = tmp_path / "home" / ".ssh" / "id_ed25519"
    key.parent.mkdir(parents=True)
    key.write_text(KEY_TEXT)
    return key


def commit_all(store: Path, message: str = "change") -> None:
    git(store, "add", "-A")
    git(store, "commit", "-qm", message)


def store_text(store: Path) -> str:
    """Every file of the store (and of every commit) as one text, to look for leaked data."""
    texts = [p.read_text(errors="replace") for p in store.rglob("*")
             if p.is_file() and not p.is_symlink() and ".git" not in p.relative_to(store).parts]
    return "\n".join(texts) + git(store, "log", "-p", "--all")


def own_template(store: Path, text: str, name: str = ACK) -> Path:
    path = store / "templates" / name
    path.write_text(text)
    return path


# -- templates are regular files inside their folder ----------------------------------

def test_symlink_to_a_private_key_is_not_copied_into_a_letter(cli: Cli, store: Path, private_key: Path) -> None:
    (store / "templates" / ACK).symlink_to(private_key)
    commit_all(store, "a template that is a link")
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert f"templates/{ACK}" in err and "symbolic link" in err and "replace the link" in err
    assert "fictional-not-a-key" not in store_text(store).replace(KEY_TEXT, "")
    assert not list((store / "cases").glob("*/documents/*"))


def test_symlink_to_another_template_inside_the_folder_is_refused(cli: Cli, store: Path) -> None:
    own_template(store, "Signed, {{ partnership }}\n", "signature.md.j2")
    (store / "templates" / ACK).symlink_to("signature.md.j2")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert f"templates/{ACK}" in err and "symbolic link" in err
    (store / "templates" / ACK).unlink()  # as the message says: a file with the template's own text
    own_template(store, "Ref {{ case.id }}\n{% include 'signature.md.j2' %}")
    commit_all(store)
    case_id = refer(cli)
    letter = next((store / "cases" / case_id / "documents").glob("*acknowledgement*"))
    assert letter.read_text() == f"Ref {case_id}\nSigned, Fictional Test Partnership\n"


@pytest.mark.parametrize("tag", ["include", "extends", "import"])
def test_included_template_that_is_a_symlink_is_refused(cli: Cli, store: Path, private_key: Path,
                                                        tag: str) -> None:
    (store / "templates" / "part.md.j2").symlink_to(private_key)
    statement = {"include": '{% include "part.md.j2" %}', "extends": '{% extends "part.md.j2" %}',
                 "import": '{% import "part.md.j2" as part %}'}[tag]
    own_template(store, f"Dear referrer\n{statement}\n")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert "templates/part.md.j2" in err and "symbolic link" in err
    assert f"templates/{ACK}:2" in err  # where it was included


@pytest.mark.parametrize("statement", [
    '{% include "../reviewctl.yaml" %}',
    '{% extends "../../home/.ssh/id_ed25519" %}',
    '{% import "sub/../../reviewctl.yaml" as x %}',
    '{% include "KEY" %}',  # an absolute path
    '{% include ["nothing.j2", "../reviewctl.yaml"] %}',
], ids=["include-up", "extends-up", "import-down-and-up", "absolute", "list"])
def test_include_of_a_path_out_of_the_folder_is_refused(cli: Cli, store: Path, private_key: Path,
                                                        statement: str) -> None:
    own_template(store, "Dear referrer\n" + statement.replace("KEY", str(private_key)) + "\n")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert f"templates/{ACK}:2" in err and "reaches outside the templates folder" in err


def test_templates_folder_that_is_a_symlink_out_of_the_store(cli: Cli, store: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside-templates"
    outside.mkdir()
    (outside / ACK).write_text("Outside data {{ case.id }}\n")
    shutil.rmtree(store / "templates")
    (store / "templates").symlink_to(outside)
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert "templates: the templates folder is a symbolic link" in err
    err = refused_cleanly(cli, store, INVALID, "template", ACK)
    assert "symbolic link" in err


def test_template_command_does_not_print_a_linked_file(cli: Cli, store: Path, private_key: Path) -> None:
    (store / "templates" / ACK).symlink_to(private_key)
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, "template", ACK)
    assert "symbolic link" in err


# -- rendering has limits -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "says"), [
    ("{{ 9 ** (9 ** 9) }}", "more than 4000 digits"),
    ("{{ 10 ** 100000000 }}", "more than 4000 digits"),
    ("{% set n = 10 ** 3000 %}{{ n * n }}", "more than 4000 digits"),
    ("{{ 'x' * 10**9 }}", "longer than 10,000,000"),
    ("{{ 10**9 * ['x'] }}", "longer than 10,000,000"),
    ("{% set ns = namespace(t='x' * 10**6) %}{% for i in range(40) %}{% set ns.t = ns.t + ns.t %}"
     "{% endfor %}{{ ns.t }}", "longer than 10,000,000"),
    ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "writes more than 10,000,000 characters"),
    ("{{ 'x'|center(10**9) }}", "larger than 10,000,000 to a function or filter"),
    ("{{ 'x'.ljust(10**9) }}", "larger than 10,000,000 to a function or filter"),
    ("{{ '{:>1000000000}'.format(1) }}", "formats with a width of more than"),
    ("{{ '%1000000000d' % 1 }}", "formats with a width of more than"),
    ("{{ '%*d' % (10**9, 1) }}", "formats with a width"),
    ("{{ '%1000000000s'|format('x') }}", "formats with a width of more than"),
    ("{% set a = 'x' * 9999999 %}{{ a|replace('x', 'x' * 300) }}", "needed more than 1024 MB of memory"),
    ("{% set a = 'x' * 9999999 %}{{ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a"
     " ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a }}", "10,000,000"),
    ("{% for i in range(200000) %}{% endfor %}", "asks for a range or number too large (Range too big"),
], ids=["power-tower", "power", "product", "text-repeat", "list-repeat", "doubling", "output",
        "center-filter", "ljust-method", "format-width", "percent-width", "percent-star", "format-filter",
        "replace-filter", "tilde-chain", "range"])
def test_templates_that_build_huge_values_are_stopped(cli: Cli, store: Path, text: str, says: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The size limits are what is tested here, not the time limit: on a loaded machine the
    # slowest of these (tilde-chain) could reach 5 s before it reached 10,000,000 characters.
    monkeypatch.setenv("REVIEWCTL_TEMPLATE_SECONDS", "60")
    own_template(store, "Dear referrer\n" + text + "\n")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert f"templates/{ACK}" in err and says in err


def test_a_template_that_runs_too_long_is_stopped(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TEMPLATE_SECONDS", "0.5")
    own_template(store, "Dear referrer\n{% for i in range(100000) %}{% for j in range(100000) %}"
                        "{% endfor %}{% endfor %}\n")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert f"templates/{ACK}:2: the template ran for more than 0.5 s and was stopped" in err


def test_the_time_limit_must_be_a_number(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TEMPLATE_SECONDS", "soon")
    err = refused_cleanly(cli, store, 2, *REFER)
    assert "REVIEWCTL_TEMPLATE_SECONDS" in err


# -- case folders and their files are never links -------------------------------------

def outside_copy(store: Path, tmp_path: Path, case_id: str, name: str) -> Path:
    """Move `name` of the case out of the store and leave a committed link to it behind."""
    inside = store / "cases" / case_id / name if name else store / "cases" / case_id
    outside = tmp_path / "outside" / (name or case_id)
    outside.parent.mkdir(exist_ok=True)
    shutil.move(inside, outside)
    inside.symlink_to(outside)
    commit_all(store, "a link out of the store")
    return outside


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["", "documents", "case.yaml"], ids=["case-folder", "documents", "case-yaml"])
def test_no_step_writes_through_a_linked_case(cli: Cli, store: Path, tmp_path: Path, name: str) -> None:
    case_id = refer(cli)
    outside = outside_copy(store, tmp_path, case_id, name)
    before = tree(outside.parent)
    for step in (("triage", case_id, "--no-further-action", "--reason", "Fictional reason"),
                 ("triage", case_id, "--accept", "--reason", "Fictional reason"),
                 ("scope", case_id, "--done")):
        err = refused_cleanly(cli, store, INVALID, *step)
        assert f"cases/{case_id}{'/' + name if name else ''}: a symbolic link" in err, err
    assert tree(outside.parent) == before


def test_a_link_deeper_in_the_case_stops_every_step(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = refer(cli)
    outside = tmp_path / "outside"
    outside.mkdir()
    (store / "cases" / case_id / "documents" / "old").symlink_to(outside)
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, "triage", case_id, "--no-further-action", "--reason", "r")
    assert f"cases/{case_id}/documents/old: a symbolic link" in err
    assert not list(outside.iterdir())


def test_cases_folder_that_is_a_link(cli: Cli, store: Path, tmp_path: Path) -> None:
    refer(cli)
    outside = tmp_path / "outside-cases"
    shutil.move(store / "cases", outside)
    (store / "cases").symlink_to(outside)
    commit_all(store)
    before = tree(outside)
    err = refused_cleanly(cli, store, INVALID, *REFER)
    assert "cases: a symbolic link" in err
    assert tree(outside) == before


@pytest.mark.parametrize("name", ["", "case.yaml"], ids=["case-folder", "case-yaml"])
def test_reports_do_not_read_through_a_link(cli: Cli, store: Path, tmp_path: Path, name: str) -> None:
    case_id = refer(cli)
    outside = outside_copy(store, tmp_path, case_id, name)
    case_yaml = outside / "case.yaml" if not name else outside
    case_yaml.write_text(case_yaml.read_text().replace("Child Z", "Outside Data"))
    listed = cli("list")
    assert "Outside Data" not in listed.out + listed.err
    assert listed.code == INVALID and "a symbolic link" in listed.err
    err = refused_cleanly(cli, store, INVALID, "show", case_id)
    assert "a symbolic link" in err and "Outside Data" not in err


def test_chronology_folder_that_is_a_link(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = refer(cli)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "police.yaml").write_text("agency: Police\nsecret: Outside Data\n")
    (store / "cases" / case_id / "chronology").mkdir()
    (store / "cases" / case_id / "chronology" / "police.yaml").symlink_to(outside / "police.yaml")
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, "chronology", "show", case_id)
    assert f"cases/{case_id}/chronology/police.yaml: a symbolic link" in err
    shutil.rmtree(store / "cases" / case_id / "chronology")
    (store / "cases" / case_id / "chronology").symlink_to(outside)
    commit_all(store)
    err = refused_cleanly(cli, store, INVALID, "chronology", "show", case_id)
    assert f"cases/{case_id}/chronology: a symbolic link" in err


# -- validate names links as problems, and template changes as notices ----------------

def validated(cli: Cli, store: Path, *args: str) -> dict[str, list[str]]:
    before = snapshot(store)
    result = cli("validate", "--format", "json", *args)
    assert snapshot(store) == before
    data = json.loads(result.out)
    assert result.code == (0 if data["ok"] else INVALID), result.err
    data["problems"] = [p["text"] for p in data["problems"]]
    return data  # type: ignore[no-any-return]


def test_validate_names_every_link_in_templates_and_cases(cli: Cli, store: Path, tmp_path: Path,
                                                          private_key: Path) -> None:
    linked, documents, deep = refer(cli), refer(cli), refer(cli)
    (store / "templates" / ACK).symlink_to(private_key)
    (store / "templates" / "inside.md.j2").symlink_to("README.md")
    outside_copy(store, tmp_path, linked, "")
    outside_copy(store, tmp_path, documents, "documents")
    (store / "cases" / deep / "documents" / "key.md").symlink_to(private_key)
    os.mkfifo(store / "templates" / "pipe.md.j2")
    found = validated(cli, store)["problems"]
    assert any(p.startswith(f"templates/{ACK}: a symbolic link") for p in found), found
    assert any(p.startswith("templates/inside.md.j2: a symbolic link") for p in found)
    assert any(p.startswith("templates/pipe.md.j2: not a regular file") for p in found)
    assert any(p.startswith(f"cases/{linked}: a symbolic link") for p in found)
    assert any(p.startswith(f"cases/{documents}/documents: a symbolic link") for p in found)
    assert any(p.startswith(f"cases/{deep}/documents/key.md: a symbolic link") for p in found)
    assert "fictional-not-a-key" not in json.dumps(found)


def test_validate_names_linked_templates_and_cases_folders(cli: Cli, store: Path, tmp_path: Path) -> None:
    refer(cli)
    shutil.move(store / "templates", tmp_path / "t")
    (store / "templates").symlink_to(tmp_path / "t")
    shutil.move(store / "cases", tmp_path / "c")
    (store / "cases").symlink_to(tmp_path / "c")
    found = validated(cli, store)["problems"]
    assert any(p.startswith("templates: the templates folder is a symbolic link") for p in found), found
    assert any(p.startswith("cases: a symbolic link") for p in found)


def test_validate_base_names_every_template_a_branch_changes(cli: Cli, store: Path) -> None:
    own_template(store, "Old letter {{ case.id }}\n", "old.md.j2")
    own_template(store, "Kept {{ case.id }}\n", "kept.md.j2")
    commit_all(store, "templates on main")
    git(store, "checkout", "-qb", "proposal")
    own_template(store, "New {{ case.id }}\n")
    own_template(store, "Kept, changed {{ case.id }}\n", "kept.md.j2")
    (store / "templates" / "old.md.j2").unlink()
    shutil.copy(Path(__file__).parent.parent / "reviewctl" / "workflows" / "default.yaml", store / "flow.yaml")
    (store / "reviewctl.yaml").write_text((store / "reviewctl.yaml").read_text() + "workflow: flow.yaml\n")
    commit_all(store, "letters changed")
    data = validated(cli, store, "--base", "main")
    assert data["ok"] and data["problems"] == []
    notes = data["notices"]
    assert any(n.startswith(f"templates/{ACK}: template added") for n in notes), notes
    assert any(n.startswith("templates/kept.md.j2: template changed") for n in notes)
    assert any(n.startswith("templates/old.md.j2: template deleted") for n in notes)
    assert any(n.startswith("flow.yaml: workflow added") for n in notes)
    assert any(n.startswith("reviewctl.yaml: settings changed") and "who may approve" in n for n in notes)
    assert len(notes) == 5
    result = cli("validate", "--base", "main")
    assert result.code == 0
    assert f"note: templates/{ACK}: template added on this branch" in result.out


@pytest.mark.parametrize("name", ["../outside.yaml", "/tmp/outside.yaml", "linked.yaml"])
def test_a_workflow_outside_the_store_is_refused(cli: Cli, store: Path, name: str) -> None:
    from reviewctl.core.store.folder import DEFAULT_WORKFLOW

    outside = store.parent / "outside.yaml"
    outside.write_text(DEFAULT_WORKFLOW.read_text())
    (store / "linked.yaml").symlink_to(outside)
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + f"workflow: {name.replace('/tmp', str(store.parent))}\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a workflow elsewhere")
    before = snapshot(store)
    result = cli("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R")
    assert result.code == 3 and "is a link or lies outside the store" in result.err
    assert snapshot(store) == before
