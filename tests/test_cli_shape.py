"""The thin command line (issue 9): one --format choice, `actions` as a sub-app, the
options every step shares declared once, and each command built only when it runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from helpers import USAGE, Cli, refer, refused_cleanly, to_closed

from reviewctl.cli.app import COMMANDS, app, command_name
from reviewctl.cli.common import STEP_OPTIONS, Format

CLI = Path(__file__).resolve().parent.parent / "reviewctl" / "cli"


def _commands() -> dict[str, typer.core.TyperCommand]:
    """Every command of the whole tree by its path ("show", "actions update")."""
    found = {}
    for name, command in typer.main.get_command(app()).commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        found.update({f"{name} {s}": c for s, c in subs.items()} if subs is not None else {name: command})
    return found


def _options(command: typer.core.TyperCommand) -> set[str]:
    return {o for p in command.params for o in p.opts}


@pytest.mark.parametrize("args", [("show", "{id}"), ("list",), ("validate",), ("actions", "list", "{id}"),
                                  ("chronology", "show", "{id}")])
def test_a_value_that_is_no_format_is_a_usage_error_naming_the_choices(cli: Cli, store: Path,
                                                                        args: tuple[str, ...]) -> None:
    case_id = refer(cli)
    given = [a.replace("{id}", case_id) for a in args]
    for bad in ("xml", "JSON", ""):
        err = refused_cleanly(cli, store, USAGE, *given, "--format", bad)
        assert len(err.strip().splitlines()) == 1, err
        # It names the formats this command writes, and only those.
        written = re.search(r"this command writes (.*), not '(.*)'", err)
        assert written is not None and written.group(2) == bad, err
        assert "sarif" not in written.group(1) or args == ("validate",), err


@pytest.mark.parametrize(("args", "fmt", "written"), [
    (("show", "{id}"), "csv", "table, json or md"),
    (("log", "{id}"), "sarif", "table, json or md"),
    (("validate",), "md", "table, json or sarif"),
    (("list",), "ics", "table, json, csv, md or xlsx"),
    (("due",), "xlsx", "table, json, csv, md or ics"),
    (("next", "{id}"), "csv", "table, json or md"),
    (("chronology", "show", "{id}"), "table", "md, csv or json"),
    (("actions", "list", "{id}"), "sarif", "table, json, csv or md"),
])
def test_a_format_the_command_does_not_write_is_refused_in_one_line(cli: Cli, store: Path, args: tuple[str, ...],
                                                                   fmt: str, written: str) -> None:
    case_id = refer(cli)
    given = [a.replace("{id}", case_id) for a in args]
    err = refused_cleanly(cli, store, USAGE, *given, "--format", fmt)
    assert len(err.strip().splitlines()) == 1, err
    assert f"this command writes {written}, not '{fmt}'" in err


def test_every_format_option_is_the_one_choice_type() -> None:
    for path, command in _commands().items():
        for param in command.params:
            if "--format" in param.opts:
                assert param.type_descriptor.annotation is Format, path  # type: ignore[attr-defined]
                assert param.opts == ["--format", "-f"] and param.metavar == "FORMAT", path


def test_actions_is_a_sub_app(cli: Cli, store: Path, tmp_path: Path) -> None:
    help_text = cli.ok("actions", "--help").out
    assert all(re.search(rf"\b{name}\b", help_text) for name in ("list", "update", "sign-off"))
    case_id = to_closed(cli, store, "lcspr", tmp_path)
    rows = json.loads(cli.ok("actions", "list", case_id, "--format", "json").out)
    assert {r["id"]: r["status"] for r in rows} == {"A1": "complete", "A2": "open"}
    assert rows[0]["signed_off"]
    # The spelling before the sub-app still lists, with its options.
    assert json.loads(cli.ok("actions", case_id, "--format", "json").out) == rows
    assert json.loads(cli.ok("actions", "--format", "json", case_id).out) == rows  # options first, too
    assert json.loads(cli.ok("actions", "-f", "json", case_id).out) == rows
    assert cli.ok("actions", case_id).out == cli.ok("actions", "list", case_id).out
    refused_cleanly(cli, store, USAGE, "actions", "frobnicate", case_id)
    refused_cleanly(cli, store, USAGE, "actions", "update", case_id)  # no ACTION


def test_the_shared_step_options_are_declared_once() -> None:
    """Only cli/common.py declares --date, --dry-run, --message and --propose; every command
    that takes one of them takes it from `step` (or the alias beside it)."""
    for path in CLI.glob("*.py"):
        if path.name != "common.py":
            text = path.read_text(encoding="utf-8")
            assert not any(f'"{option}"' in text for option in STEP_OPTIONS), path.name
            assert not re.search(r"\b(when|message|propose): (DateOpt|MessageOpt|ProposeOpt)", text), path.name
    declared: dict[str, str | None] = {}
    for path, command in _commands().items():
        taken = getattr(command.callback, "shared_options", None)
        for option in set(STEP_OPTIONS) & _options(command):
            if option != "--dry-run" or path != "codeowners":  # codeowners writes a file, not a step
                assert taken is not None and option in taken, (path, option)
            help_text = next(p.help for p in command.params if option in p.opts)
            assert declared.setdefault(option, help_text) == help_text, (path, option)


@pytest.mark.parametrize("path", ["refer", "triage", "scope", "decide", "notify", "commission", "tor", "milestone",
                                  "engage", "checklist", "report", "present", "jcrg", "approve", "publish",
                                  "impact", "monitor", "close", "link", "amend", "withdraw", "reopen", "retype",
                                  "themes", "subject", "actions update", "actions sign-off", "chronology request",
                                  "chronology import", "panel add", "panel remove", "home-office submit",
                                  "home-office qa", "parallel add", "parallel event"])
def test_every_step_takes_the_shared_options(path: str) -> None:
    command = _commands()[path]
    assert set(STEP_OPTIONS) <= _options(command)
    assert command.callback.shared_options == STEP_OPTIONS  # type: ignore[union-attr]


def test_the_clock_commands_take_the_shared_options_but_the_message() -> None:
    for path in ("clock pause", "clock resume", "clock extend"):
        assert _options(_commands()[path]) & set(STEP_OPTIONS) == {"--date", "--dry-run", "--propose", "--allow",
                                                                   "--allow-reason"}


def test_a_step_gets_the_shared_options(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    before = (store / "cases" / case_id / "case.yaml").read_text()
    result = cli.ok("triage", case_id, "--accept", "--reason", "r", "--dry-run", "--date", "2026-11-03")
    assert "[dry run: nothing changed]" in result.err and "2026-11-03" in result.out
    assert (store / "cases" / case_id / "case.yaml").read_text() == before
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03", "-m", "A fictional note")
    shown = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert shown["triage"]["date"] == "2026-11-03"
    assert any(h.get("note") == "A fictional note" for h in shown["history"])
    refused_cleanly(cli, store, USAGE, "scope", case_id, "--done", "--date", "2026-02-30")


@pytest.mark.parametrize(("argv", "name"), [
    (["show", "X"], "show"), (["--store", "s", "--as-of", "2026-01-01", "show", "X"], "show"),
    (["--store=s", "clock", "list", "X"], "clock"), (["--help"], None), (["--help", "show"], None),
    (["-V"], None), (["shwo", "X"], None), (["--bogus", "show"], None), ([], None),
])
def test_the_command_that_runs_is_found_before_any_is_built(argv: list[str], name: str | None) -> None:
    assert command_name(argv) == name


def test_each_command_built_alone_is_the_command_of_the_whole_tree() -> None:
    def shape(command: typer.core.TyperCommand) -> object:
        subs = getattr(command, "commands", None)
        if subs is not None:
            return {name: shape(sub) for name, sub in subs.items()}
        return [(p.opts, p.help, p.required) for p in command.params], command.help

    whole = typer.main.get_command(app()).commands  # type: ignore[attr-defined]
    assert set(whole) == set(COMMANDS)
    for name in COMMANDS:
        alone = typer.main.get_command(app([name])).commands  # type: ignore[attr-defined]
        assert list(alone) == [name] and shape(alone[name]) == shape(whole[name]), name


def test_a_global_option_before_the_command(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    result = cli.ok("--as-of", "2026-11-25", "show", case_id, "--format", "json")
    assert "clocks as of 2026-11-25" in result.err
    root_help = cli.ok("--help", "show").out  # the root's help, listing every command
    assert "Usage: reviewctl [OPTIONS] COMMAND" in root_help and "validate" in root_help
    assert "Did you mean 'show'?" in cli("shwo", case_id).err  # a typo: the whole tree, for the suggestion


@pytest.mark.parametrize("group", ["actions", "panel", "clock", "chronology"])
def test_a_sub_app_without_a_subcommand_shows_its_help(cli: Cli, group: str) -> None:
    result = cli(group)
    assert result.code == 0 and result.err == "", result.err
    assert "Usage: reviewctl " + group in result.out and result.out.count("Usage:") == 1
