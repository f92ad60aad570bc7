"""A step's web form, made from the step command's own options, and the command line a posted form gives.

Nothing about a step is declared here: the fields are read from the click command that
the command line runs (cli/app.py builds it), so an option added to a command appears in
its form by itself.  Each field is named as its option without the dashes (`--reason` is
`reason`), labelled with the option's help, and typed by it: a DATE is a date field, a
choice a list of its choices, a switch a tick box, a `--x/--y` pair a choice of the two,
a path a file to upload, and an option that may be repeated several fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from reviewctl.cli.app import command

# Options no form has, and why; "*" for every command.  tests/test_serve_forms.py checks
# that each is still an option of a step command, so the list cannot go stale.
LEFT_OUT: dict[tuple[str, str], str] = {
    ("*", "--dry-run"): "a form does the step; see what it would change first with `--dry-run` at the shell",
    ("*", "--format"): "the page is the output",
    ("themes", "--list"): "it lists the themes, which the form's own field offers",
    ("refer", "--name"): "real identifiers are never typed into a browser: `reviewctl confidential ID --set`",
    ("refer", "--dob"): "real identifiers are never typed into a browser: `reviewctl confidential ID --set`",
    ("refer", "--address"): "real identifiers are never typed into a browser: `reviewctl confidential ID --set`",
}
CASE_ARGUMENT = "case_id"  # the case the page is about: in the address, not a field
# Text options whose values a vocabulary of the store lists (core/reports/live_pages.py's `vocabularies`):
# a list of its values in the form, in words where the store has words for them.  The
# command still checks the value; tests/test_serve_forms.py checks each is still an option.
CHOICES: dict[tuple[str, str], str] = {
    ("refer", "--type"): "type", ("triage", "--type"): "type", ("decide", "--type"): "type",
    ("parallel add", "--kind"): "proceeding", ("link", "--kind"): "link", ("approve", "--role"): "role",
    ("actions update", "--status"): "status", ("home-office qa", "--outcome"): "qa-outcome",
    ("themes", "--add"): "theme", ("checklist", "--tick"): "checklist",
}
# Switches of which a command takes exactly one (it refuses both, and neither): one choice in
# the form, named as the first (`accept=no-further-action`), under a legend of its own, so
# nobody ticks two boxes that the command then refuses.  tests/test_serve_forms.py checks that
# each is still a switch of its command.
ONE_OF: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {
    ("triage",): ("Outcome of the triage", ("--accept", "--no-further-action")),
    ("decide",): ("Decision (or recommendation)", ("--conduct", "--not-conduct")),
}


class FormError(Exception):
    """A post that no form of the page could have sent (a field it does not have)."""


@dataclass(frozen=True)
class Field:
    name: str  # the form field's name: the option without its dashes, or the argument's name
    label: str  # the option's help text
    kind: str  # text, date, number, flag, pair, choice or file
    flag: str = ""  # the option as the command line gives it ("--reason"); "" for an argument
    multiple: bool = False
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, shown) of a choice or a pair
    metavar: str = ""
    also: tuple[str, ...] = ()  # the other switches of a ONE_OF choice, also taken as fields of their own

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.choices)

    @property
    def positional(self) -> bool:
        return not self.flag


@dataclass(frozen=True)
class Form:
    path: tuple[str, ...]  # the command's words: ("chronology", "request")
    help: str  # the first line of the command's help
    fields: tuple[Field, ...]
    takes_case: bool  # its first argument is the case's id
    dropped: tuple[str, ...] = field(default=())  # the options this form leaves out

    @property
    def step(self) -> str:
        """The step's name in an address: the command's words joined, `chronology-request`."""
        return "-".join(self.path)

    @property
    def uploads(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def click_command(path: tuple[str, ...]) -> Any:
    """The click command that `reviewctl WORDS...` runs (the same object `main` runs)."""
    found = command(path[0])
    for word in path:
        found = found.commands[word]
    return found


def _kind(param: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    described = param.type_descriptor
    if getattr(param, "is_flag", False):
        if param.secondary_opts:  # --panel-agrees/--panel-disagrees: one of the two, or neither
            return "pair", tuple((o.lstrip("-"), o.lstrip("-").replace("-", " ")) for o in
                                 [*param.opts, *param.secondary_opts])
        return "flag", ()
    if described.is_choice:
        values = [c.value if isinstance(c, Enum) else str(c) for c in described.choices or ()]
        return "choice", tuple((str(v), str(v)) for v in values)
    if param.metavar == "DATE":
        return "date", ()
    if described.is_path:
        return "file", ()
    if "int" in str(param.bare_type()):
        return "number", ()
    return "text", ()


def _long(param: Any) -> str:
    return str(next((o for o in param.opts if o.startswith("--")), param.opts[0]))


def left_out(path: tuple[str, ...], flag: str) -> bool:
    return ("*", flag) in LEFT_OUT or (" ".join(path), flag) in LEFT_OUT


def form_for(path: tuple[str, ...], cmd: Any = None) -> Form:
    """The form of command `path` (or of the click command `cmd`, for a command made elsewhere)."""
    cmd = click_command(path) if cmd is None else cmd
    fields: list[Field] = []
    takes_case, dropped = False, []
    legend, grouped = ONE_OF.get(tuple(path), ("", ()))
    for param in cmd.params:
        if param.param_type_name == "option" and _long(param) in grouped:
            if _long(param) == grouped[0]:
                fields.append(_one_of(legend, [p for g in grouped for p in cmd.params if _long(p) == g]))
            continue
        label = str(param.help or param.name).strip()
        kind, choices = _kind(param)
        if param.param_type_name == "argument":
            if param.name == CASE_ARGUMENT and not fields:
                takes_case = True
                continue
            fields.append(Field(str(param.name).replace("_", "-"), label, kind, "", param.nargs != 1,
                                bool(param.required), choices, str(param.metavar or "")))
            continue
        flag = _long(param)
        if param.hidden or left_out(path, flag):
            dropped.append(flag)
            continue
        fields.append(Field(flag.lstrip("-"), label, kind, flag, bool(param.multiple), bool(param.required),
                            choices, str(param.metavar or "")))
    summary = (cmd.help or "").strip().split("\n", 1)[0]
    return Form(tuple(path), summary, tuple(fields), takes_case, tuple(dropped))


def _one_of(legend: str, params: list[Any]) -> Field:
    """One choice of the switches `params` (ONE_OF), each shown as its help."""
    names = [_long(p).lstrip("-") for p in params]
    return Field(names[0], legend, "pair", _long(params[0]), False, True,
                 tuple((n, str(p.help or n).strip()) for n, p in zip(names, params, strict=True)), "", tuple(names[1:]))


def argv_for(form: Form, case_id: str | None, posted: dict[str, list[str]],
             uploads: dict[str, list[Path]]) -> list[str]:
    """The command line that a posted form stands for: the command's words, its options as
    `--option=value` (so a value that starts with a dash is still a value), then `--` and
    the arguments.  An empty field is an option not given; what the values mean, and
    whether they are allowed, is for the command to say."""
    unknown = sorted(set(posted) - {n for f in form.fields for n in (f.name, *f.also)} - {"csrf"})
    if unknown:
        raise FormError(f"the form of {form.step} has no field {unknown[0]!r}")
    words, positional = list(form.path), [case_id] if form.takes_case and case_id is not None else []
    for f in form.fields:
        values = [str(p) for p in uploads.get(f.name, [])] if f.kind == "file" else \
            [v for v in posted.get(f.name, []) if v != ""]
        if f.positional:
            positional += values
        elif f.kind == "flag":
            words += [f.flag] if values else []
        elif f.kind == "pair":
            # A switch by its name, or ticked as a box of its own (`accept=yes`, `no-further-action=yes`).
            values += [name for name in f.also if [v for v in posted.get(name, []) if v != ""]]
            words += [f"--{v}" if v in f.values else f.flag if v in ("yes", "on") and f.also else f"{f.flag}={v}"
                      for v in values]
        else:
            words += [f"{f.flag}={v}" for v in values]
    return [*words, "--", *positional]
