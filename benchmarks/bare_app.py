"""Write a bare typer app with reviewctl's commands and options, each doing nothing.

It is the floor that the framework sets: the benchmark compares reviewctl's start-up
against it.  The app is generated from reviewctl's own command tree, so the two stay
alike as commands are added.  `generate(path, only=["triage"])` writes the app of one
command (with the global options), as reviewctl builds only the command that runs: the
floor for a step is that app, not the whole tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def _param(i: int, param: Any) -> str:
    help_text = repr(getattr(param, "help", None) or "")
    if param.param_type_name == "argument":
        return f"p{i}: Annotated[str | None, typer.Argument()] = None"
    names = ", ".join(repr(o) for o in [*param.opts, *param.secondary_opts])
    if getattr(param, "is_flag", False) and not param.secondary_opts:
        return f"p{i}: Annotated[bool, typer.Option({names}, help={help_text})] = False"
    kind = "list[str] | None" if param.multiple else "str | None"
    return f"p{i}: Annotated[{kind}, typer.Option({names}, help={help_text})] = None"


def _command(lines: list[str], owner: str, name: str, command: Any, counter: list[int]) -> None:
    params = [p for p in command.params if p.name != "help"]
    counter[0] += 1
    lines.append(f"@{owner}.command({name!r}, help={(command.help or '')!r})")
    args = ", ".join(_param(i, p) for i, p in enumerate(params))
    lines.append(f"def cmd_{counter[0]}({args}) -> None:\n    pass\n")


def generate(path: Path, only: list[str] | None = None) -> None:
    """The app at `path`; `only`: just these commands (and sub-apps), as reviewctl builds one command."""
    from reviewctl.cli.app import COMMANDS, app

    root = typer.main.get_command(app(COMMANDS if only is None else only))
    lines = [
        "from typing import Annotated", "", "import typer", "",
        "app = typer.Typer(name='reviewctl', help=" + repr(root.help or "") + ", no_args_is_help=True,",
        "                  add_completion=False, pretty_exceptions_enable=False,",
        "                  context_settings={'help_option_names': ['-h', '--help']})", "",
    ]
    params = [p for p in root.params if p.name != "help"]
    lines.append("@app.callback()")
    lines.append(f"def root({', '.join(_param(i, p) for i, p in enumerate(params))}) -> None:\n    pass\n")
    counter = [0]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub is None:
            _command(lines, "app", name, command, counter)
            continue
        var = f"group_{name.replace('-', '_')}"
        lines.append(f"{var} = typer.Typer(help={(command.help or '')!r}, no_args_is_help=True)")
        lines.append(f"app.add_typer({var}, name={name!r})")
        for sub_name, sub_command in sub.items():
            _command(lines, var, sub_name, sub_command, counter)
    lines += ["", "if __name__ == '__main__':", "    app()"]
    path.write_text("\n".join(lines) + "\n")
