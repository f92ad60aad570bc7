"""The workflow as data: stages, transitions per review type, requirements, clocks.

The defaults ship in `reviewctl/workflows/default.yaml`; a store may name its own file
in reviewctl.yaml.  Whatever the source, it is checked here when loaded, and every
problem is reported with the file, line and key.  The model the file is read into is
in workflow/model.py and the actions' names in acts.py; the names the rest of the code
uses are importable from here.
"""

from __future__ import annotations

from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.adapters.yamlio import line_of
from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.problems import Problem
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.workflow.acts import ACTIONS, APPROVE_STEP, Act
from reviewctl.core.workflow.model import ClockDef, Limit, Transition, Workflow
from reviewctl.core.workflow.statute import STANDINGS
from reviewctl.errors import InvalidDataError

# The names the rest of the code imports from here.
__all__ = ["APPROVE_STEP", "Act", "ClockDef", "Limit", "Transition", "Workflow", "apply_limits", "check_workflow",
           "load_workflow"]

DOCUMENTS = tuple(DOCUMENT_FILES)


def _check_field(path: str) -> str | None:
    doc = path.split(".", 1)[0]
    if "." not in path or doc not in DOCUMENTS:
        return f"'{path}' must be <document>.<key> with document one of {', '.join(DOCUMENTS)}"
    return None


def _cross_checks(flow: Workflow, raw: object, shown: str) -> list[Problem]:
    problems: list[Problem] = []

    def at(loc: tuple[str | int, ...], key: str, message: str) -> None:
        problems.append(Problem(shown, message, line_of(raw, loc), key))

    stage_ids = [s.id for s in flow.stages]
    if not stage_ids:
        at(("stages",), "stages", "no stages; list at least one")
    for i, sid in enumerate(stage_ids):
        if sid in stage_ids[:i]:
            at(("stages", i), f"stages[{i}].id", f"stage '{sid}' is listed twice")
    if "unknown" not in flow.types:
        at(("types",), "types", "the type 'unknown' is required (a referral's type may be unsettled)")

    def check_types(loc: tuple[str | int, ...], key: str, types: list[str] | None) -> None:
        for ty in types or []:
            if ty not in flow.types:
                at(loc, key, f"'{ty}' is not a type (known: {', '.join(flow.types)})")

    for i, t in enumerate(flow.transitions):
        base: tuple[str | int, ...] = ("transitions", i)
        for end, value in (("from", t.from_), ("to", t.to)):
            if value not in stage_ids:
                at((*base, end), f"transitions[{i}].{end}", f"'{value}' is not a stage")
        check_types((*base, "types"), f"transitions[{i}].types", t.types)
        if t.action is not None and t.action not in ACTIONS:
            at((*base, "action"), f"transitions[{i}].action",
               f"'{t.action}' is not an action of reviewctl (known: {', '.join(sorted(ACTIONS))})")
        for j, path in enumerate(t.afresh):
            problem = None if path in DOCUMENTS and path != "case" else _check_field(path)
            if problem:
                at((*base, "afresh", j), f"transitions[{i}].afresh[{j}]", problem)
        if t.afresh and t.does != Act.REOPEN:
            at((*base, "afresh"), f"transitions[{i}].afresh", "only a reopening makes records afresh; remove it")
        for j, req in enumerate(t.requires):
            problem = _check_field(req.field)
            if problem:
                at((*base, "requires", j), f"transitions[{i}].requires[{j}].field", problem)
            check_types((*base, "requires", j), f"transitions[{i}].requires[{j}].types", req.types)
            problem = _check_field(req.when.field) if req.when else None
            if problem:
                at((*base, "requires", j, "when"), f"transitions[{i}].requires[{j}].when.field", problem)
    for step, stages in flow.records.items():
        for stage in stages:
            if stage not in stage_ids:
                at(("records", step), f"records.{step}", f"'{stage}' is not a stage")
    for step, types in flow.record_types.items():
        if step not in flow.records:
            at(("record_types", step), f"record_types.{step}", "is not a step of `records`")
        check_types(("record_types", step), f"record_types.{step}", types)
    for type_name in flow.approvals:
        check_types(("approvals",), f"approvals.{type_name}", [type_name])
    approved = {t.to for t in flow.transitions if t.does == Act.APPROVE}
    for stage in flow.imports.to if flow.imports else []:
        if stage not in stage_ids:
            at(("imports", "to"), "imports.to", f"'{stage}' is not a stage")
        elif stage in approved:
            at(("imports", "to"), "imports.to", f"'{stage}' is where an approval takes a case, which an import "
               "cannot give: approvals are signed here; import such cases at the stage before it")
    for type_name in (*flow.statute.deciders, *flow.statute.publication_routes):
        check_types(("statute",), f"statute.{type_name}", [type_name])
    for type_name, routes in flow.statute.publication_routes.items():
        for i, route in enumerate(routes):
            ends = {t.to for t in flow.transitions if t.does == Act.PUBLISH and t.applies(type_name)}
            if route.stage is not None and route.stage not in ends:
                at(("statute", "publication_routes", type_name, i, "stage"),
                   f"statute.publication_routes.{type_name}[{i}].stage",
                   f"'{route.stage}' is not a stage a '{type_name}' publication leads to (known: "
                   f"{', '.join(sorted(ends)) or 'none'}); add a publish transition to it")
    seen: set[str] = set()
    for i, c in enumerate(flow.clocks):
        base = ("clocks", i)
        if c.id in seen:
            at(base, f"clocks[{i}].id", f"clock '{c.id}' is defined twice")
        seen.add(c.id)
        check_types((*base, "types"), f"clocks[{i}].types", c.types)
        if c.standing not in STANDINGS:
            at((*base, "standing"), f"clocks[{i}].standing",
               f"{c.standing!r} is not a standing (known: {', '.join(STANDINGS)}); say how binding the limit is, "
               "and name where it comes from under `source:`")
        for stage in c.while_in or []:
            if stage not in stage_ids:
                at((*base, "while_in"), f"clocks[{i}].while_in", f"'{stage}' is not a stage")
        paths = [("met", c.met)] + ([("start", c.start)] if c.start else [])
        paths += [("start_else", c.start_else)] if c.start_else else []
        paths += [("start_choices", choice) for choice in c.start_choices]
        if c.each is not None:
            paths = [("each", c.each)]
        elif c.due is not None:
            paths.append(("due", c.due))
        paths += [("when", c.when.field)] if c.when else []
        for key, value in paths:
            problem = _check_field(value)
            if problem:
                at((*base, key), f"clocks[{i}].{key}", problem)
    return problems


def check_workflow(raw: object, shown: str) -> tuple[Workflow | None, list[Problem]]:
    """Every problem of a workflow mapping (empty when it is good), and the workflow."""
    flow, problems = errors_of(Workflow, raw, shown)
    if flow is None:
        return None, problems
    problems = _cross_checks(flow, raw, shown)
    return (flow if not problems else None), problems


def apply_limits(flow: Workflow, limits: dict[str, Limit], settings: object, shown: str) -> list[Problem]:
    """Put a store's clock limits into the workflow; a problem for each unknown clock."""
    problems = []
    for clock_id, limit in limits.items():
        clock = flow.clock_for(clock_id)
        if clock is None:
            problems.append(Problem(
                shown, f"not a clock of the workflow (known: {', '.join(c.id for c in flow.clocks)})",
                line_of(settings, ("clocks", clock_id)), f"clocks.{clock_id}",
            ))
        else:
            clock.limit = limit
    return problems


def load_workflow(path: Path, shown: str,
                  cache: yamlio.SettingsCache | None = None) -> tuple[Workflow | None, list[Problem]]:
    try:
        return yamlio.read_checked(path, shown, lambda raw: check_workflow(raw, shown), cache)
    except InvalidDataError as error:
        return None, [Problem.of(error)]
