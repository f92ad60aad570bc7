"""Nothing reaches outside the store: templates, their includes, case folders and their files.

Each test commits what an attacker (or a careless colleague) would, with real symbolic
links and real git, and checks that the step refuses with one clear line and changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Cli, git, refer
from test_bad_input import INVALID, refused_cleanly

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
], ids=["power-tower", "power", "product", "text-repeat", "list-repeat", "doubling", "output"])
def test_templates_that_build_huge_values_are_stopped(cli: Cli, store: Path, text: str, says: str) -> None:
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
