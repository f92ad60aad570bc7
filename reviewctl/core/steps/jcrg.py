"""The Joint Case Review Group: final report, improvement actions, communications plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import Jcrg
from reviewctl.core.steps.review import read_markdown
from reviewctl.core.steps.write import render_document, run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_planned, require
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError

COMMS_PLAN = "communications-plan.md"


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: str
    due: date
    measure: str


def zip_actions(texts: list[str], owners: list[str], dues: list[date], measures: list[str]) -> list[ActionInput]:
    counts = {len(texts), len(owners), len(dues), len(measures)}
    if len(counts) != 1:
        raise UsageError(
            "give each action its --owner, --due and --measure: "
            f"{len(texts)} --action, {len(owners)} --owner, {len(dues)} --due, {len(measures)} --measure"
        )
    actions = [ActionInput(t.strip(), o.strip(), d, m.strip())
               for t, o, d, m in zip(texts, owners, dues, measures, strict=True)]
    for a in actions:
        if not (a.text and a.owner and a.measure):
            raise UsageError("an action, its owner and its measure may not be blank")
    return actions


def actions_file(path: Path) -> list[ActionInput]:
    data = yamlio.parse_roundtrip(read_markdown(path, "--actions"), str(path))
    items = data.get("actions") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise UsageError(f"--actions {path}: expected a list of actions (text, owner, due, measure)")
    out = []
    for i, item in enumerate(items):
        line = yamlio.line_of(items, (i,))
        if not isinstance(item, dict) or {"text", "owner", "due", "measure"} - set(item):
            raise UsageError(f"{path}:{line}: each action needs text, owner, due and measure")
        if not isinstance(item["due"], date):
            raise UsageError(f"{path}:{line}: due: write the date as YYYY-MM-DD, unquoted")
        out.append(ActionInput(str(item["text"]), str(item["owner"]), item["due"], str(item["measure"])))
    return zip_actions([a.text for a in out], [a.owner for a in out], [a.due for a in out],
                       [a.measure for a in out])


def agree_final(store: Store, case_id: str, *, final_report: int, actions: list[ActionInput],
                comms_plan: Path, options: StepOptions) -> Outcome:
    if not actions:
        raise UsageError("give the improvement actions: --action TEXT --owner AGENCY --due DATE "
                         "--measure TEXT (repeat), or --actions FILE.yaml")
    plan = read_markdown(comms_plan, "--comms-plan")

    def change(edit: Edit, when: date) -> str:
        require(edit, Act.JCRG)  # the report agreed and presented, before anything else
        report = edit.files.report
        versions = report.versions if report is not None else []
        agreed = report.agreed if report is not None else None
        latest = versions[-1].version if versions else None
        if agreed is None or agreed.version != latest:  # an agreement from before a revision is not of this text
            raise RefusedError(f"{case_id}: the latest report, version {latest}, is not agreed yet; agree it with "
                               f"`reviewctl report {case_id} --agreed`, then present it")
        if final_report != agreed.version:
            raise RefusedError(f"{case_id}: version {final_report} is not the agreed report "
                               f"(version {agreed.version} is)")
        version = versions[-1]  # the agreed version is the latest, and it is this one
        for a in actions:
            check_planned(a.due, options.today, "--due")
            if a.due <= when:
                raise UsageError(f"--due {a.due} for '{a.owner}' is not after the JCRG meeting ({when})")
        rows = [yamlio.new_map({"id": f"A{i}", "text": a.text, "owner": a.owner, "due": a.due,
                                "measure": a.measure, "status": "open"})
                for i, a in enumerate(actions, start=1)]
        edit.extra[store.case_dir(case_id) / COMMS_PLAN] = plan
        jcrg = edit.write(Jcrg)
        jcrg["date"] = when
        jcrg["final_report"] = yamlio.new_map({"version": final_report, "sha256": version.sha256})
        jcrg["comms_plan"] = COMMS_PLAN
        jcrg["actions"] = yamlio.new_seq(rows)
        jcrg["action_plan"] = render_document(
            edit, "action-plan.md.j2", "improvement-action-plan", when,
            actions=[dict(r) for r in rows], recommendations=list(version.recommendations))
        return Act.JCRG

    return run_record(store, case_id, Act.JCRG, options, change)
