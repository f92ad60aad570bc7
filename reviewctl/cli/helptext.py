"""What `--help` shows beyond the commands' own text: plain metavars and examples.

Applied once to the click command tree that typer builds, so every command gets them
without each declaring them (and a new command gets the plain metavars for free).
"""

from __future__ import annotations

import os
import shlex
from typing import Any

# Options and arguments by parameter name: what a person types there.
_DATES = {"when", "received", "incident_date", "meeting_date", "notified", "notified_on", "embargo_until",
          "rapid_review_sent", "received_from", "received_to", "start", "end", "as_of", "due", "dob",
          "range_from", "range_to"}
_NAMED = {"case_id": "ID", "other": "ID", "case_type": "TYPE", "stage": "STAGE", "to": "STAGE", "fmt": "FORMAT",
          "agency": "AGENCY", "request": "AGENCY", "returned": "AGENCY", "owner": "AGENCY", "role": "ROLE",
          "base": "REF", "kind": "KIND", "status": "STATUS", "key": "KEY"}

# Each command's examples in its --help, as a person types them: a case id as `list` shows
# one (the README's first case), dates day first; no shell variable or `$(...)` to decode.
# tests/test_office_cli.py checks that each example is one its command takes.
EXAMPLES: dict[str, list[str]] = {
    "init": ["reviewctl init my-store --partnership \"Fictional Shire Safeguarding Partnership\" --prefix FSSP"],
    "refer": ["reviewctl refer --type lcspr --subject \"Child A\" --referrer \"Fictional Academy DSL\" "
              "--received 2/11/2026 --summary \"Pseudonyms only\" --agency Police"],
    "triage": ["reviewctl triage FSSP-2026-7KQ4MX --accept --reason \"Meets the criteria for scoping\" --date 3/11/2026",
               "reviewctl triage FSSP-2026-7KQ4MX --no-further-action --reason \"Single agency matter\""],
    "scope": ["reviewctl scope FSSP-2026-7KQ4MX --request Police --request Health --date 4/11/2026",
              "reviewctl scope FSSP-2026-7KQ4MX --done --date 19/11/2026"],
    "decide": ["reviewctl decide FSSP-2026-B2SAR0 --conduct --basis mandatory --reason \"Recommend a SAR\" "
               "--attendee \"Adult Social Care\"",
               "reviewctl decide FSSP-2026-B2SAR0 --chair --conduct --reason \"Agreed\""],
    "notify": ["reviewctl notify FSSP-2026-7KQ4MX --family --date 21/11/2026", "reviewctl notify FSSP-2026-7KQ4MX --national"],
    "commission": ["reviewctl commission FSSP-2026-7KQ4MX --lead-reviewer \"Fictional Reviewer\" "
                   "--organisation \"Fictional Reviews Ltd\" --declare-independent"],
    "tor": ["reviewctl tor FSSP-2026-7KQ4MX --file tor.md --milestone \"Panel 1=1/12/2026\""],
    "milestone": ["reviewctl milestone FSSP-2026-7KQ4MX \"Panel 1\""],
    "engage": ["reviewctl engage FSSP-2026-7KQ4MX --with mother --note \"Met at home\""],
    "checklist": ["reviewctl checklist FSSP-2026-7KQ4MX", "reviewctl checklist FSSP-2026-7KQ4MX --tick methodology"],
    "report": ["reviewctl report FSSP-2026-7KQ4MX --file report.docx", "reviewctl report FSSP-2026-7KQ4MX --agreed"],
    "present": ["reviewctl present FSSP-2026-7KQ4MX"],
    "jcrg": ["reviewctl jcrg FSSP-2026-7KQ4MX --final-report 1 --comms-plan comms.md --actions actions.yaml"],
    "approve": ["reviewctl approve FSSP-2026-7KQ4MX --role sscp --propose", "reviewctl approve FSSP-2026-7KQ4MX"],
    "publish": ["reviewctl publish FSSP-2026-7KQ4MX --where https://example.invalid/reviews --embargo-until 10/1/2027"],
    "redaction-check": ["reviewctl redaction-check FSSP-2026-7KQ4MX"],
    "actions list": ["reviewctl actions list FSSP-2026-7KQ4MX", "reviewctl actions list FSSP-2026-7KQ4MX --format csv"],
    "actions update": ["reviewctl actions update FSSP-2026-7KQ4MX A1 --progress \"Drafted\" --status on-track"],
    "actions sign-off": ["reviewctl actions sign-off FSSP-2026-7KQ4MX A1 --date 28/6/2027"],
    "impact": ["reviewctl impact FSSP-2026-7KQ4MX --note \"Audit shows earlier referrals\""],
    "monitor": ["reviewctl monitor FSSP-2026-7KQ4MX"],
    "close": ["reviewctl close FSSP-2026-7KQ4MX", "reviewctl close FSSP-2026-7KQ4MX --reason \"Actions closed by the JCRG\""],
    "link": ["reviewctl link FSSP-2026-7KQ4MX FSSP-2026-B2SAR0 --kind parallel"],
    "show": ["reviewctl show FSSP-2026-7KQ4MX", "reviewctl show FSSP-2026-7KQ4MX --format json"],
    "next": ["reviewctl next FSSP-2026-7KQ4MX"],
    "list": ["reviewctl list --open --type sar", "reviewctl list --format xlsx --output tracker.xlsx"],
    "tracker": ["reviewctl tracker --overdue", "reviewctl tracker --from 1/4/2026 --to 31/3/2027"],
    "due": ["reviewctl due --within 10", "reviewctl due --format ics --output deadlines.ics"],
    "stats": ["reviewctl stats --year 2026 --financial-year", "reviewctl stats --from 1/1/2026 --to 31/12/2026"],
    "serve": ["reviewctl serve", "reviewctl serve --port 8500"],
    "log": ["reviewctl log FSSP-2026-7KQ4MX"],
    "validate": ["reviewctl validate", "reviewctl validate --base origin/main"],
    "template": ["reviewctl template", "reviewctl template import-map.yaml > map.yaml"],
    "verify": ["reviewctl verify FSSP-2026-7KQ4MX --base main"],
    "sync": ["reviewctl sync"],
    "codeowners": ["reviewctl codeowners --dry-run"],
    "doctor": ["reviewctl doctor"],
    "confidential": ["reviewctl confidential FSSP-2026-7KQ4MX --set \"name=Zoë Fictional-Testperson\"",
                     "reviewctl confidential FSSP-2026-7KQ4MX --show"],
    "retention": ["reviewctl retention --format csv"],
    "purge": ["reviewctl purge FSSP-2026-7KQ4MX --reason \"Retention period ended\"",
              "reviewctl purge FSSP-2026-7KQ4MX --because retention-period"],
    "import": ["reviewctl template import-map.yaml > map.yaml",
               "reviewctl import tracker.xlsx --map map.yaml --dry-run",
               "reviewctl import tracker.xlsx --map map.yaml --sheet \"Cases 2026\" --header-row 4"],
    "search": ["reviewctl search \"escalation\"", "reviewctl search Police --format json"],
    "schema": ["reviewctl schema", "reviewctl schema --output .reviewctl/schema"],
    "amend": ["reviewctl amend FSSP-2026-7KQ4MX received 1/11/2026 --reason \"Typed the wrong day\""],
    "withdraw": ["reviewctl withdraw FSSP-2026-7KQ4MX --reason \"Referred in error\""],
    "reopen": ["reviewctl reopen FSSP-2026-7KQ4MX --to scoping --reason \"New information\""],
    "retype": ["reviewctl retype FSSP-2026-7KQ4MX --type sar --reason \"The adult is over 18\"",
               "reviewctl retype FSSP-2026-7KQ4MX --type dhr --aware 3/2/2027 --reason \"The police notified the CSP\""],
    "chronology request": ["reviewctl chronology request FSSP-2026-7KQ4MX --agency Police --agency Health"],
    "chronology import": ["reviewctl chronology import FSSP-2026-7KQ4MX police.csv --agency Police",
                          "reviewctl chronology import FSSP-2026-7KQ4MX \"Health chronology.xlsx\" --agency Health"],
    "chronology show": ["reviewctl chronology show FSSP-2026-7KQ4MX --format csv"],
    "panel add": ["reviewctl panel add FSSP-2026-7KQ4MX --name \"Panel Member\" --agency Police --role DI"],
    "panel remove": ["reviewctl panel remove FSSP-2026-7KQ4MX --name \"Panel Member\""],
    "clock pause": ["reviewctl clock pause FSSP-2026-7KQ4MX review-publication --reason \"Waits for the trial\" --for \"Crown Court trial\""],
    "clock resume": ["reviewctl clock resume FSSP-2026-7KQ4MX review-publication"],
    "clock extend": ["reviewctl clock extend FSSP-2026-7KQ4MX review-publication --to 1/9/2027 --reason \"Panel agreed\" "
                     "--agreed-by \"National Panel\""],
    "clock list": ["reviewctl clock list FSSP-2026-7KQ4MX"],
    "approvers add": ["reviewctl approvers add sscp sam.example@example.org --key ~/.ssh/reviewctl.pub"],
    "approvers remove": ["reviewctl approvers remove sscp someone@example.invalid"],
    "approvers list": ["reviewctl approvers list"],
    "recipients add": ["reviewctl recipients add alex --key ~/.ssh/id_ed25519.pub"],
    "recipients remove": ["reviewctl recipients remove alex"],
    "recipients list": ["reviewctl recipients list"],
    "recipients reconcile": ["reviewctl recipients reconcile"],
    "recipients migrate": ["reviewctl recipients migrate"],
    "home-office submit": ["reviewctl home-office submit FSSP-2026-C3DHR0"],
    "home-office qa": ["reviewctl home-office qa FSSP-2026-C3DHR0 --outcome approved --letter qa-letter.md"],
    "parallel add": ["reviewctl parallel add FSSP-2026-7KQ4MX --kind inquest --ref \"Fictional Coroner's Court\""],
    "parallel event": ["reviewctl parallel event FSSP-2026-7KQ4MX P1 --event \"Inquest listed\""],
    "themes": ["reviewctl themes --list", "reviewctl themes FSSP-2026-7KQ4MX --add Neglect"],
    "subject": ["reviewctl subject FSSP-2026-7KQ4MX --set age_band=1-4", "reviewctl subject FSSP-2026-7KQ4MX --set \"care=looked after\""],
    "national-review": ["reviewctl scope FSSP-2026-7KQ4MX --panel-response 18/1/2027 --panel-outcome national-review",
                        "reviewctl national-review FSSP-2026-7KQ4MX --date 1/2/2027"],
}


def _metavar(param: Any) -> str | None:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""  # a switch takes no value: nothing to show
    name = str(param.name)
    if name in _DATES or (name == "to" and "date" in str(param.help or "").lower()):
        return "DATE"
    if name in _NAMED:
        return _NAMED[name]
    bare = param.bare_type()
    if "Path" in bare:
        return "PATH"
    if "int" in bare:
        return "N"
    return "TEXT"


def _no_type(ctx: Any) -> None:
    return None


def _usage(param: Any) -> Any:
    def pieces(ctx: Any) -> list[str]:
        name = str(param.display_name_raw)
        return [name if param.required or name.startswith("[") else f"[{name}]"]

    return pieces


def polish(command: Any, path: str = "") -> None:
    """Set plain metavars on every parameter, and examples as every command's epilog."""
    for param in command.params:
        if param.metavar is None:
            param.metavar = _metavar(param)
        completes(param)
        if param.param_type_name == "argument":
            # The name column already says what to type (ID, PATH): no `<str>` beside it, and
            # the usage line as man pages write it (ID, [NAME]).
            param.display_type_rich = _no_type
            param.get_usage_pieces = _usage(param)
    original = command.get_help_option

    def help_option(ctx: Any) -> Any:  # click makes --help itself, per command, when asked
        option = original(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option
    subcommands = getattr(command, "commands", {})
    for name, sub in subcommands.items():
        polish(sub, f"{path} {name}".strip())
    examples = EXAMPLES.get(path)
    if examples and not subcommands:
        command.epilog = "Examples:\n\n" + "\n\n".join(f"  {e}" for e in examples)


# -- shell completion: case ids, types, stages and agencies, read from the store ----------

def _store(ctx: Any) -> Any:
    from pathlib import Path  # lazy: loaded when the command runs

    from reviewctl.core.store.folder import Store  # lazy: loaded when the command runs

    given = ctx.find_root().params.get("store")
    return Store.find(Path(given) if given else None)


def _complete(values: Any) -> Any:
    """A completion function: the values that start with what is typed (any capitals); never a crash."""
    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        try:
            found = sorted(set(values(_store(ctx))))
        except Exception:  # noqa: BLE001 - a shell's completion must never print a traceback
            return []
        typed = incomplete.casefold()
        return [_as_the_shell_reads(v) for v in found if v.casefold().startswith(typed)]

    return complete


def _as_the_shell_reads(value: str) -> str:
    """A value as it is to be inserted on the command line.

    bash inserts a completion exactly as it is given (typer's script asks for no quoting),
    so `Fictional Shire Police` would become three words: it is given quoted. zsh quotes
    what it inserts itself (typer hands it the value in quotes, and compadd escapes it), so
    there the value stays as it is, as in fish and PowerShell.
    """
    return shlex.quote(value) if os.environ.get("_REVIEWCTL_COMPLETE") == "complete_bash" else value


def _agencies(store: Any) -> list[str]:
    from reviewctl.core.reports.cache import load_index  # lazy: loads tempfile

    return [str(a) for s in load_index(store, details=False).summaries for a in s.agencies]


_COMPLETERS = {
    "case_id": _complete(lambda store: store.case_ids()),
    "other": _complete(lambda store: store.case_ids()),
    "case_type": _complete(lambda store: list(store.workflow.types)),
    "stage": _complete(lambda store: [s.id for s in store.workflow.stages]),
    "agency": _complete(_agencies),
    "request": _complete(_agencies),
    "returned": _complete(_agencies),
}


def completes(param: Any) -> None:
    """Give `param` the completion of what it names, where the store knows the values."""
    completer = _COMPLETERS.get(str(param.name))
    if str(param.name) == "to" and param.metavar == "STAGE":
        completer = _COMPLETERS["stage"]
    if completer is not None and getattr(param, "_custom_shell_complete", None) is None:
        param._custom_shell_complete = completer
