"""Each step's web form is its command's options, written once (issue 20): the fields are
read from the click command the shell runs, so they cannot drift from it; a new option
appears in its form by itself; and the table of which command takes which step covers
the workflow."""

from __future__ import annotations

import copy
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer

from reviewctl.cli.common import step
from reviewctl.core.workflow.acts import Act
from reviewctl.core.workflow.load import load_workflow
from reviewctl.web.forms import CHOICES, LEFT_OUT, ONE_OF, Form, FormError, argv_for, click_command, form_for
from reviewctl.web.pages import form_view
from reviewctl.web.steps import BY_ACTION, BY_RECORD, REFER, STEP_COMMANDS
from reviewctl.web.words import MORE, PLAIN

WORKFLOW = Path(__file__).resolve().parent.parent / "reviewctl" / "workflows" / "default.yaml"
EVERY_FORM = sorted({*STEP_COMMANDS.values(), REFER})


def expected_fields(path: tuple[str, ...], command: Any) -> dict[str, str]:
    """What the form of `command` must have, read straight from click: each field's name and label
    (switches of which it takes one are one field, named as the first, under ONE_OF's legend)."""
    wanted = {}
    legend, grouped = ONE_OF.get(path, ("", ()))
    for param in command.params:
        if param.param_type_name == "argument":
            if param.name != "case_id":
                wanted[param.name.replace("_", "-")] = param.help
            continue
        flag = next(o for o in param.opts if o.startswith("--"))
        if param.hidden or ("*", flag) in LEFT_OUT or (" ".join(path), flag) in LEFT_OUT:
            continue
        if flag in grouped:
            if flag == grouped[0]:
                wanted[flag[2:]] = legend
            continue
        wanted[flag[2:]] = param.help
    return wanted


@pytest.mark.parametrize("path", EVERY_FORM, ids="-".join)
def test_each_form_has_exactly_its_commands_options(path: tuple[str, ...]) -> None:
    command = click_command(path)
    form = form_for(path)
    assert {f.name: f.label for f in form.fields} == expected_fields(path, command)
    by_name = {f.name: f for f in form.fields}
    for param in command.params:
        flag = next((o for o in param.opts if o.startswith("--")), None)
        f = by_name.get(flag[2:] if flag else param.name.replace("_", "-"))
        if f is None:
            continue
        if f.also:  # one choice of switches: each is a choice, shown as its help
            assert (flag[2:], param.help) in f.choices and f.kind == "pair" and f.required
            continue
        assert f.multiple == (bool(param.multiple) or param.nargs != 1)
        assert (f.kind == "date") == (param.metavar == "DATE"), f
        assert (f.kind in ("flag", "pair")) == bool(getattr(param, "is_flag", False)), f
    assert form.takes_case == (path != REFER)


def test_the_step_table_covers_the_workflow() -> None:
    workflow, problems = load_workflow(WORKFLOW, "default.yaml")
    assert workflow is not None and problems == []
    assert set(BY_RECORD) == set(workflow.records)  # a new record step needs its command named here
    actions = {t.does for t in workflow.transitions}
    assert actions <= set(BY_ACTION) | {Act.REFER}
    assert set(BY_ACTION) <= {v for k, v in vars(Act).items() if k.isupper() and isinstance(v, str)}
    for path in STEP_COMMANDS.values():
        assert click_command(path).callback is not None, path  # a real command of the tree
    assert not {"confidential", "purge", "show", "site", "serve"} & set(STEP_COMMANDS)
    # Each option left out, listed or grouped is still an option of a command with a form: the
    # tables cannot go stale.
    for (where, flag) in [*LEFT_OUT, *CHOICES, *MORE, *(("*", f) for f in PLAIN)]:
        paths = EVERY_FORM if where == "*" else [tuple(where.split())]
        assert any(flag in o.opts for p in paths for o in click_command(p).params), (where, flag)
    for path, (_, flags) in ONE_OF.items():
        switches = {o for p in click_command(path).params if getattr(p, "is_flag", False) for o in p.opts}
        assert set(flags) <= switches and len(flags) > 1, path


class Colour(StrEnum):
    RED = "red"
    AMBER = "amber"


def test_a_new_option_appears_in_its_form_by_itself() -> None:
    """The real `triage` with options it does not have (as a new one would be declared), made
    in the test only: each appears in the form, typed and labelled by its declaration."""
    @step()
    def extra(
        ctx: typer.Context,
        case_id: Annotated[str, typer.Argument()],
        rag: Annotated[Colour | None, typer.Option("--rag", help="A colour to record.")] = None,
        heard: Annotated[str | None, typer.Option("--heard-on", metavar="DATE", help="When it was heard.")] = None,
        witness: Annotated[list[str] | None, typer.Option("--witness", help="Who saw it (repeat).")] = None,
        agreed: Annotated[bool | None, typer.Option("--agreed/--disputed", help="Agreed or not.")] = None,
        *, options: Any,
    ) -> None:
        """Not a real command."""

    app = typer.Typer()
    app.command("extra")(extra)
    app.command("other")(lambda: None)
    new_params = typer.main.get_command(app).commands["extra"].params  # type: ignore[attr-defined]
    triage = copy.copy(click_command(("triage",)))
    triage.params = [*triage.params, *(p for p in new_params if p.name in ("rag", "heard", "witness", "agreed"))]
    form = form_for(("triage",), triage)
    fields = {f.name: f for f in form.fields}
    assert fields["rag"].kind == "choice" and fields["rag"].choices == (("red", "red"), ("amber", "amber"))
    assert fields["rag"].label == "A colour to record."
    assert fields["heard-on"].kind == "date" and fields["witness"].multiple
    assert fields["agreed"].kind == "pair" and [v for v, _ in fields["agreed"].choices] == ["agreed", "disputed"]
    assert set(fields) == {f.name for f in form_for(("triage",)).fields} | {"rag", "heard-on", "witness", "agreed"}
    # Rendered with them, and posted as the command line would be given them.
    shown = form_view(form, "/case/X/triage", "reviewctl triage X", [], None, "")
    assert [f["name"] for f in shown["fields"]][-4:] == ["rag", "heard-on", "witness", "agreed"]
    argv = argv_for(form, "TST-2026-AAAAAA", {"rag": ["amber"], "heard-on": ["2026-11-02"],
                                              "witness": ["A", "", "B"], "agreed": ["disputed"]}, {})
    assert argv == ["triage", "--rag=amber", "--heard-on=2026-11-02", "--witness=A", "--witness=B", "--disputed",
                    "--", "TST-2026-AAAAAA"]


def test_a_posted_form_is_the_command_line_it_stands_for() -> None:
    form: Form = form_for(("milestone",))
    argv = argv_for(form, "TST-2026-AAAAAA", {"name": ["-rf Panel 1"], "message": ["--propose"], "date": [""]}, {})
    # A value that looks like an option stays a value; an argument comes after `--`.
    assert argv == ["milestone", "--message=--propose", "--", "TST-2026-AAAAAA", "-rf Panel 1"]
    with pytest.raises(FormError, match="no field 'dry-run'"):
        argv_for(form, "TST-2026-AAAAAA", {"dry-run": ["yes"]}, {})
    triage = form_for(("triage",))
    assert argv_for(triage, "X", {"accept": ["yes"], "no-further-action": []}, {}) == ["triage", "--accept", "--", "X"]
    # The choice of --accept or --no-further-action, as the form's one field posts it, or as two boxes.
    assert argv_for(triage, "X", {"accept": ["no-further-action"]}, {}) == ["triage", "--no-further-action", "--", "X"]
    assert argv_for(triage, "X", {"accept": ["accept"]}, {}) == ["triage", "--accept", "--", "X"]
    assert argv_for(triage, "X", {"no-further-action": ["yes"]}, {}) == ["triage", "--no-further-action", "--", "X"]
    assert argv_for(triage, "X", {"accept": ["yes"], "no-further-action": ["yes"]}, {}) == \
        ["triage", "--accept", "--no-further-action", "--", "X"]  # both: the command refuses it
    assert argv_for(triage, "X", {"accept": ["--dry-run"]}, {}) == ["triage", "--accept=--dry-run", "--", "X"]
    scope = form_for(("scope",))
    assert argv_for(scope, "X", {"panel-agrees": ["maybe"]}, {}) == ["scope", "--panel-agrees=maybe", "--", "X"]
    tor = form_for(("tor",))
    assert argv_for(tor, "X", {}, {"file": [Path("/tmp/up/tor.md")]}) == ["tor", "--file=/tmp/up/tor.md", "--", "X"]


def test_the_web_face_is_a_face_beside_the_command_line() -> None:
    """The core and the adapters never import it; the command line only inside `serve` when it runs."""
    import ast

    package = Path(__file__).resolve().parent.parent / "reviewctl"
    for path in [*package.glob("core/*.py"), *package.glob("adapters/*.py"), *package.glob("cli/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        every = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = [a.name if isinstance(n, ast.Import) else f"{n.module}" for n in every
                 for a in (n.names if isinstance(n, ast.Import) else [n])]
        web = [name for name in names if name == "reviewctl.web" or name.startswith("reviewctl.web.")]
        if path.parent.name != "cli":
            assert web == [], path
        else:  # never at the top of a command-line module: only when `serve` runs
            assert not [n for n in top if getattr(n, "module", "") and n.module.startswith("reviewctl.web")], path
