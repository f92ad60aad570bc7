"""A friendlier command line (issue 12): bare help, -V, plain metavars and examples,
any capitals for types and stages, did-you-mean, and the new spellings beside the old."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import REFUSED, TICK_ALL, USAGE, Cli, refer, refused_cleanly, run_subprocess, to_in_review

from reviewctl import __version__


def test_bare_reviewctl_prints_the_help_and_succeeds(cli: Cli) -> None:
    result = cli()
    assert result.code == 0 and "Usage: reviewctl" in result.out and "Commands" in result.out
    assert result.err == ""


def test_dash_v_prints_the_version(cli: Cli) -> None:
    assert cli("-V").out.strip() == f"reviewctl {__version__}"


COMMANDS = ["init", "refer", "triage", "scope", "decide", "notify", "commission", "tor", "milestone", "engage",
            "checklist", "report", "present", "jcrg", "approve", "publish", "redaction-check", "actions list",
            "actions update", "actions sign-off", "impact", "monitor", "close", "link", "show", "next", "list",
            "tracker", "due", "stats", "log", "validate",
            "template", "verify", "sync", "codeowners", "doctor", "confidential", "retention", "purge", "import",
            "search", "schema", "amend", "withdraw", "reopen", "retype", "chronology request", "chronology import",
            "chronology show", "panel add", "panel remove", "clock pause", "clock resume", "clock extend",
            "clock list", "approvers add", "approvers remove", "approvers list", "recipients add",
            "recipients remove", "recipients list", "home-office submit", "home-office qa", "parallel add",
            "parallel event", "themes", "subject"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_plain_metavars_and_ends_with_examples(cli: Cli, command: str) -> None:
    result = cli(*command.split(), "--help")
    assert result.code == 0, result.err
    assert not re.search(r"<[a-z\[\], ]+>", result.out), result.out
    examples = result.out[result.out.index("Examples:"):]
    assert f"reviewctl {command}" in examples


def test_help_examples_are_typed_as_people_type_them() -> None:
    """A business manager copies an example from --help: a case id as `list` shows one, dates
    day first, no shell variable (`"$ID"`) or `$(...)` to decode; and the command takes it."""
    import shlex

    from reviewctl.cli.app import command
    from reviewctl.cli.helptext import EXAMPLES

    for example in (e for examples in EXAMPLES.values() for e in examples):
        assert "$" not in example and not re.search(r"\d{4}-\d\d-\d\d", example), example
        words = shlex.split(example)
        words = words[:words.index(">")] if ">" in words else words
        assert words[0] == "reviewctl", example
        found, rest = command(words[1]), words[1:]
        while getattr(found, "commands", None) and rest and rest[0] in found.commands:
            found, rest = found.commands[rest[0]], rest[1:]
        found.make_context(words[1], rest)  # click refuses an option the command does not have


def test_metavars_say_what_to_type(cli: Cli) -> None:
    help_text = cli("refer", "--help").out
    assert re.search(r"--received\s+DATE", help_text) and re.search(r"--subject\s+TEXT", help_text)
    assert re.search(r"--type\s+TYPE", help_text)
    assert "Usage: reviewctl show [OPTIONS] ID" in cli("show", "--help").out
    assert re.search(r"--output\s+-o\s+PATH", cli("list", "--help").out)


def test_types_and_stages_in_any_capitals(cli: Cli, store: Path) -> None:
    case_id = cli.ok("refer", "--type", "LCSPR", "--subject", "Child Z", "--referrer", "DSL",
                     "--received", "2026-11-02", "--summary", "s", "--agency", "Police").out.strip()
    shown = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert shown["type"] == "lcspr"
    assert [r["id"] for r in json.loads(cli.ok("list", "--type", "Lcspr", "--stage", "REFERRED",
                                               "--format", "json").out)] == [case_id]


def test_did_you_mean(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    err = refused_cleanly(cli, store, USAGE, "refer", "--type", "lcsrp", "--subject", "Child Z", "--referrer", "R")
    assert "is not a review type (did you mean 'lcspr'?)" in err
    result = cli("list", "--stage", "scopng")
    assert result.code == USAGE and "(did you mean 'scoping'?)" in result.err
    err = refused_cleanly(cli, store, USAGE, "show", case_id.lower())
    assert f"(did you mean '{case_id}'?)" in err
    err = refused_cleanly(cli, store, USAGE, "show", case_id[:-1] + ("A" if case_id[-1] != "A" else "B"))
    assert f"(did you mean '{case_id}'?)" in err
    result = cli.ok("list", "--agency", "Polcie")
    assert "note: no case names the agency 'Polcie' (did you mean 'Police'?)" in result.err
    assert "note: no case" not in cli.ok("list", "--agency", "police").err
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("scope", case_id, "--request", "Health")
    err = refused_cleanly(cli, store, REFUSED, "scope", case_id, "--returned", "Helth")
    assert "(did you mean 'Health'?)" in err


def test_new_spellings_and_the_old_ones_still_work(cli: Cli, store: Path) -> None:
    refer(cli)
    assert len(json.loads(cli.ok("list", "--from", "2026-11-02", "--to", "2026-11-02", "--format", "json").out)) == 1
    assert json.loads(cli.ok("list", "--received-from", "2026-11-03", "--format", "json").out) == []
    err = refused_cleanly(cli, store, USAGE, "list", "--from", "2026-11-02", "--received-from", "2026-11-02")
    assert "--received-from is the old spelling of --from" in err
    assert "--received-from" not in cli("list", "--help").out  # hidden, kept for scripts
    sar = refer(cli, "sar")
    cli.ok("triage", sar, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", sar, "--done", "--date", "2026-11-04")
    cli.ok("decide", sar, "--conduct", "--reason", "Recommend a SAR", "--basis", "mandatory", "--date", "2026-11-05")
    cli.ok("decide", sar, "--chair", "--conduct", "--rationale", "Agreed", "--date", "2026-11-06")
    assert "--rationale" not in cli("decide", "--help").out


def test_help_as_a_process_is_quick_to_start(store: Path) -> None:
    done = run_subprocess("--help", cwd=store)
    assert done.returncode == 0 and "Examples" not in done.stdout  # the root help lists the commands


def test_search_by_pseudonym_summary_agency_and_report(cli: Cli, store: Path, tmp_path: Path) -> None:

    child = cli.ok("refer", "--type", "lcspr", "--subject", "Child Zoë", "--referrer", "DSL", "--received",
                   "2026-11-02", "--summary", "Neglect at a fictional nursery", "--agency", "Early Years").out.strip()
    adult = to_in_review(cli, store, "sar", tmp_path)
    cli.ok("checklist", adult, *TICK_ALL)
    report = tmp_path / "r.md"
    report.write_text("# Report\n\nThe escalation policy was not followed.\n\n## Recommendations\n\n1. Review it.\n")
    cli.ok("report", adult, "--file", str(report))

    def found(*words: str) -> list[str]:
        return [r["id"] for r in json.loads(cli.ok("search", *words, "--format", "json").out)]

    assert found("zoe") == [child]  # any capitals, no accent needed
    assert found("NURSERY") == [child]
    assert found("early years") == [child]
    assert found("escalation") == [adult]
    hits = json.loads(cli.ok("search", "escalation policy", "--format", "json").out)
    assert hits[0]["matched"] == ["report"]
    assert found("police") == [adult]  # an agency of the case (and words of its report)
    assert found("nothing-like-this") == []
    table = cli.ok("search", "nursery")
    assert child in table.out and "1 case(s) found" in table.err
    refused_cleanly(cli, store, USAGE, "search", " ")


def test_schema_from_the_models_and_init_wires_them_for_editors(cli: Cli, store: Path, tmp_path: Path) -> None:
    import yaml

    settings = json.loads((store / ".vscode" / "settings.json").read_text())
    mapping = settings["yaml.schemas"]
    assert mapping["./.reviewctl/schema/case.schema.json"] == "cases/*/case.yaml"
    assert mapping["./.reviewctl/schema/reviewctl.schema.json"] == "reviewctl.yaml"
    committed = __import__("conftest").git(store, "ls-files")
    assert ".reviewctl/schema/case.schema.json" in committed and ".vscode/settings.json" in committed
    case_schema = json.loads((store / ".reviewctl" / "schema" / "case.schema.json").read_text())
    assert {"id", "type", "stage", "subject", "history"} <= set(case_schema["properties"])
    assert case_schema["additionalProperties"] is False
    history = case_schema["$defs"]["HistoryEntry"]
    assert "from" in history["properties"] and "from_" not in history["properties"]
    config = json.loads((store / ".reviewctl" / "schema" / "reviewctl.schema.json").read_text())
    assert "documents" in config["properties"] and "prefix" in config["required"]
    # The schema accepts a real case file and rejects a misspelt key, as the models do.
    case_id = refer(cli)
    data = yaml.safe_load((store / "cases" / case_id / "case.yaml").read_text())
    assert set(data) <= set(case_schema["properties"])
    # Written again on demand; other VS Code settings are kept.
    (store / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}')
    result = cli.ok("schema")
    assert "wrote .reviewctl/schema/case.schema.json" in result.err
    again = json.loads((store / ".vscode" / "settings.json").read_text())
    assert again["editor.tabSize"] == 2 and "./.reviewctl/schema/jcrg.schema.json" in again["yaml.schemas"]
    out = tmp_path / "schemas"
    cli.ok("schema", "--output", str(out))
    assert (out / "jcrg.schema.json").is_file() and (out / "reviewctl.schema.json").is_file()
    (store / ".vscode" / "settings.json").write_text("// a comment\n{}")
    refused_cleanly(cli, store, USAGE, "schema")


def test_shell_completion_of_ids_types_stages_and_agencies(cli: Cli, store: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import os

    from reviewctl.cli.app import main

    case_id = refer(cli, "sar")

    def asked(words: str) -> dict[str, str]:
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
        return {"COMP_WORDS": words, "COMP_CWORD": str(cword), "_REVIEWCTL_COMPLETE": "complete_bash"}

    # The shell runs the program with these variables: once as a real process...
    done = run_subprocess(cwd=store, env=asked("reviewctl show "))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.split("\n")[:-1] == [case_id]

    def complete(words: str) -> list[str]:  # ...and the rest through the same main(), in this process
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as patch:
            for key, value in asked(words).items():
                patch.setenv(key, value)
            with pytest.raises(SystemExit) as stopped:
                main([])
        assert stopped.value.code == 0
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return out.split("\n")[:-1] if out else []

    assert complete(f"reviewctl triage {case_id[:6].lower()}") == [case_id]
    assert complete("reviewctl list --type s") == ["sar"]
    assert complete("reviewctl list --stage re") == ["referred", "report"]
    assert complete("reviewctl list --agency pol") == ["Police"]
    # --format completes to what the command writes, not every format of every command.
    assert complete(f"reviewctl show {case_id} --format ") == ["table", "json", "md"]
    assert complete("reviewctl validate -f s") == ["sarif"]
    assert "--install-completion" in cli("--help").out
    assert os.environ.get("_REVIEWCTL_COMPLETE") is None


def test_an_overridden_today_is_said_once_on_stderr(cli: Cli, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = refer(cli)
    for args in (["show", case_id], ["list"], ["due"], ["clock", "list", case_id], ["stats", "--year", "2026"]):
        result = cli.ok(*args)
        assert result.err == "note: clocks as of 2026-11-20 (REVIEWCTL_TODAY), not today's date\n", args
    assert cli.ok("--as-of", "2026-11-25", "list").err == (
        "note: clocks as of 2026-11-25 (--as-of), not today's date\n")
    assert cli.ok("template").err == ""  # no clocks, nothing to say
    monkeypatch.delenv("REVIEWCTL_TODAY")
    assert cli.ok("list").err == ""


def test_search_by_learning_theme(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    other = refer(cli, "sar")
    cli.ok("themes", case_id, "--add", "Neglect")
    assert [r["id"] for r in json.loads(cli.ok("search", "neglect", "--format", "json").out)] == [case_id]
    assert json.loads(cli.ok("search", "neglect", "--format", "json").out)[0]["matched"] == ["theme"]
    assert other not in cli.ok("search", "neglect").out


def test_a_completed_value_with_spaces_is_inserted_quoted(cli: Cli, store: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    import subprocess
    import sys

    from reviewctl.cli.app import main

    refer(cli, "sar", "--agency", "Fictional Shire Police")
    refer(cli, "sar", "--agency", "St Mary's Fictional School")

    def complete(shell: str, words: list[str]) -> str:
        env = {"_REVIEWCTL_COMPLETE": f"complete_{shell}"}
        if shell == "bash":  # as typer's bash script passes them: the words as typed, the one to complete
            env |= {"COMP_WORDS": "\n".join(words), "COMP_CWORD": str(len(words) - 1)}
        else:
            env["_TYPER_COMPLETE_ARGS"] = " ".join(words)
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            with pytest.raises(SystemExit) as stopped:
                main([])
        assert stopped.value.code == 0
        return capsys.readouterr().out.rstrip("\n")

    # bash inserts what it is given: the value comes quoted, however the word was begun.
    for typed in (r"Fictional\ Shire\ P", "'Fictional Sh", "fict"):
        assert complete("bash", ["reviewctl", "list", "--agency", typed]).split("\n") == ["'Fictional Shire Police'"]
    assert complete("bash", ["reviewctl", "list", "--agency", "St"]) == "'St Mary'\"'\"'s Fictional School'"
    assert complete("bash", ["reviewctl", "list", "--agency", "pol"]) == "Police"  # nothing to quote
    # zsh quotes what it inserts itself: typer hands it the value whole, in quotes.
    assert complete("zsh", ["reviewctl", "list", "--agency", r"Fictional\ Sh"]) == (
        "_arguments '*: :((\"Fictional Shire Police\"))'")

    # The real shell: typer's completion function, run by bash with the line as it was typed.
    script = run_subprocess("--show-completion", "bash", cwd=store).stdout
    program = tmp_path / "bin" / "reviewctl"
    program.parent.mkdir()
    program.write_text(f"#!/bin/sh\nexec {sys.executable} -m reviewctl \"$@\"\n")
    program.chmod(0o755)
    line = f"{script}\nCOMP_WORDS=(reviewctl list --agency 'Fictional\\ Sh'); COMP_CWORD=3\n" \
           f"_reviewctl_completion {program}\neval \"set -- ${{COMPREPLY[0]}}\"\necho \"$#:$1\""
    done = subprocess.run([shutil.which("bash") or "bash", "--norc", "-c", line], cwd=store,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "1:Fictional Shire Police", done.stderr
    if shutil.which("zsh"):  # typer's zsh script evals the output; _arguments reads a ((...)) list so
        said = tmp_path / "said"
        said.write_text(complete("zsh", ["reviewctl", "list", "--agency", "Fict"]))
        run = ("_arguments() { local action=${1#'*: :'}; eval ws\\=\\( \"${action[3,-3]}\" \\); print -l $ws }; "
               f"eval $(cat {said})")
        shown = subprocess.run(["zsh", "-fc", run], capture_output=True, text=True, timeout=60)
        assert shown.stdout == "Fictional Shire Police\n", shown.stderr
