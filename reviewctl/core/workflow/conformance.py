"""Checks of one case's documents against the models and the workflow, and what a change of
review type needs (the case must stand as if it had been that type all along: every transition
it has taken is looked up again for the new type).

They return every problem as a record (core/case/problems.py), so that `validate`
can collect them all and a command can refuse with the first.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from reviewctl.adapters.calendar import FIRST_YEAR, LAST_YEAR
from reviewctl.adapters.yamlio import line_of
from reviewctl.core.case.documents import DOCUMENT_FILES, model_for
from reviewctl.core.case.models import Case
from reviewctl.core.case.paths import Documents, condition_holds, is_present, lookup
from reviewctl.core.case.problems import Problem
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.workflow.history import DERIVED_FROM, clock_start_on, cycles, deadlines_began, derived, entries
from reviewctl.core.workflow.load import Act, Transition, Workflow

if TYPE_CHECKING:
    from pydantic import BaseModel

Loc = tuple[str | int, ...]


def _any_far_date(data: object) -> bool:
    """Whether `data` holds a date outside the calendar's years: one walk with no paths kept,
    since nearly every document has none (then `_far_dates` finds where)."""
    stack: list[object] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            return True
    return False


def _far_dates(data: object, loc: Loc = ()) -> list[tuple[Loc, date]]:
    """Every date in `data` outside the years the calendar counts in (a slip such as 0001 or 9999)."""
    if not loc and not _any_far_date(data):
        return []
    if isinstance(data, date):
        return [] if FIRST_YEAR <= data.year <= LAST_YEAR else [(loc, data)]
    if isinstance(data, dict):
        return [f for key, value in data.items() for f in _far_dates(value, (*loc, key))]
    if isinstance(data, list):
        return [f for i, value in enumerate(data) for f in _far_dates(value, (*loc, i))]
    return []


def case_problems(workflow: Workflow, folder: str, case_id: str, docs: Documents,
                  copies: bool = False, checked: dict[str, BaseModel] | None = None) -> list[Problem]:
    """Every problem of one case's documents.  `copies`: also each value kept in a file for
    people to read that differs from what the history gives (validate; a step writes them again).
    `checked`: given, it gets each document as its validation gave it (for a reader of the case)."""
    problems: list[Problem] = []
    case: Case | None = None
    for name, data in docs.items():
        filename = DOCUMENT_FILES[name]
        model, found = errors_of(model_for(name), data, f"{folder}/{filename}")
        problems += found
        if checked is not None and model is not None:
            checked[name] = model
        for loc, day in _far_dates(data):
            problems.append(Problem(f"{folder}/{filename}", f"{day} is outside the years {FIRST_YEAR} to "
                                    f"{LAST_YEAR}; correct the date", line_of(data, loc), ".".join(map(str, loc))))
        if isinstance(model, Case):
            case = model
    if case is None:
        return problems
    raw = docs["case"]
    shown = f"{folder}/case.yaml"

    def at(loc: Loc, key: str, message: str) -> None:
        problems.append(Problem(shown, message, line_of(raw, loc), key))

    if case.id != case_id:
        at(("id",), "id", f"'{case.id}' does not match the folder name '{case_id}'; "
           "a case's id is its folder's name")
    if case.type not in workflow.types:
        at(("type",), "type", f"'{case.type}' is not a review type (known: {', '.join(workflow.types)})")
    if workflow.stage(case.stage) is None:
        from difflib import get_close_matches  # lazy: only where it is needed

        close = get_close_matches(case.stage, [s.id for s in workflow.stages], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        at(("stage",), "stage", f"'{case.stage}' is not a stage{hint}")
    _check_history(workflow, case, docs, at)
    problems += _basis_problems(workflow, f"{folder}/decision.yaml", case.type, docs.get("decision"))
    if copies and not problems:
        problems += copy_problems(workflow, folder, docs)
    if "clocks" in docs:
        problems += clock_record_problems(workflow, folder, docs)
    return problems


def copy_problems(workflow: Workflow, folder: str, docs: Documents) -> list[Problem]:
    """Each value a file keeps for people to read (decision.conducted_from) that is not what the
    history and the records give: a hand edit, or a store from before it was worked out."""
    problems = []
    for path, value in derived(workflow, docs).items():
        name, key = path.split(".", 1)
        stored = lookup(docs, path)
        if stored is None or stored == value:
            continue
        fix = f"put back {value}" if value is not None else "remove it"
        problems.append(Problem(f"{folder}/{DOCUMENT_FILES[name]}",
                                f"{stored} is not what the history gives ({value or 'no decision to conduct'}): "
                                f"it is worked out from {' or '.join(DERIVED_FROM[path])}, not typed; {fix}, or "
                                f"correct those with `reviewctl amend`", line_of(docs[name], (key,)), key))
    return problems


def _basis_problems(workflow: Workflow, shown: str, case_type: str, decision: object) -> list[Problem]:
    """A review's basis (decide --basis) is one of the workflow's bases for its type."""
    if not isinstance(decision, dict):
        return []
    known = [b.id for b in workflow.statute.bases.get(case_type, [])]
    found = []
    for loc in (("basis",), ("chair", "basis")):
        value = decision.get(loc[0]) if len(loc) == 1 else (decision.get("chair") or {}).get("basis")
        if value is not None and value not in known:
            allowed = f"one of: {', '.join(known)}" if known else f"none for a '{case_type}' review"
            found.append(Problem(shown, f"'{value}' is not a basis of the workflow ({allowed}); correct it",
                                 line_of(decision, loc), ".".join(loc)))
    return found


def missing_requirements(transition: Transition, docs: Documents, case_type: str,
                         conditional: bool = True) -> list[str]:
    """The fields a transition needs for this type that the case's documents lack.

    `conditional=False`: leave out the requirements that apply only `when` something holds
    (the history's check: the condition may have been recorded after the step was taken).
    """
    return [
        r.field for r in transition.requires
        if (r.types is None or case_type in r.types) and not is_present(lookup(docs, r.field))
        and (condition_holds(r.when, docs) if conditional else r.when is None)
    ]


def _check_history(workflow: Workflow, case: Case, docs: Documents,
                   at: Callable[[Loc, str, str], None]) -> None:
    def bad(i: int, key: str, message: str) -> None:
        at(("history", i, key), f"history[{i}].{key}", message)

    history = case.history
    first = history[0]
    if first.step != workflow.referral_step or first.from_ is not None or first.to != workflow.initial:
        bad(0, "step", f"the history must start with the step '{workflow.referral_step}' into '{workflow.initial}'")
    case_type = first.type or case.type
    previous_date = case.received
    # A reopened case made some records afresh: an earlier step's needs are checked against the
    # records as they stood in its own cycle.
    as_then = {i: cycle.docs for cycle in cycles(workflow, docs) for i in range(cycle.first, cycle.end)}
    for i, entry in enumerate(history):
        # A correction, a change of type or of the identifiers is dated when it was made: it
        # moves nothing, so the steps recorded after it keep their own, earlier dates.
        in_place = i > 0 and entry.step in Act.IN_PLACE
        if entry.date < (case.received if in_place else previous_date):
            bad(i, "date", f"{entry.date} is before the step before it ({previous_date}); "
                "history is in the order things happened" if not in_place else
                f"{entry.date} is before the referral was received ({case.received})")
        if not in_place:
            previous_date = max(previous_date, entry.date)
        if i == 0:
            continue
        prior = history[i - 1]
        if entry.from_ != prior.to:
            bad(i, "from", f"'{entry.from_}' does not follow on from '{prior.to}'; "
                "entries may only be appended by reviewctl commands")
        step_type = entry.type or case_type
        if step_type != case_type:  # a change of type: the case must stand as if it had been that type
            for problem in type_problems(workflow, docs, step_type, upto=i)[:1]:
                bad(i, "type", f"'{step_type}' cannot stand here: {problem}")
        imports = workflow.imports
        if imports is not None and entry.step == imports.step:  # brought in from an earlier tracker
            # The imported entries follow the referral, one after another, each into a stage an
            # import may reach; they never stand for an approval (signing/imported.py).
            if any(h.step != imports.step for h in history[1:i]) or entry.to not in imports.to:
                bad(i, "step", f"'{entry.step}' (an import) may only follow '{workflow.referral_step}', "
                    f"into one of the stages the workflow lets an import reach ({', '.join(imports.to)})")
            case_type = step_type
            continue
        if entry.step in Act.IN_PLACE:  # a correction or a change of type: the case stays where it is
            if entry.to != entry.from_:
                bad(i, "to", f"'{entry.step}' does not move a case: put back '{entry.from_}'")
            case_type = step_type
            continue
        transition = workflow.find(entry.step, str(entry.from_), step_type, entry.to)
        if transition is None or transition.to != entry.to:
            bad(i, "step", f"'{entry.step}' from '{entry.from_}' to '{entry.to}' is not a "
                f"transition of the workflow for type '{step_type}'")
        else:
            for field in missing_requirements(transition, as_then.get(i, docs), step_type, conditional=False):
                bad(i, "step", f"'{entry.step}' needs {field}, which the case does not have; "
                    "put back what was removed")
        case_type = step_type
    last = history[-1]
    if last.to != case.stage:
        at(("stage",), "stage", f"'{case.stage}' does not match the history, which ends in "
           f"'{last.to}'; the stage is changed by reviewctl commands, not by hand: put back "
           f"'{last.to}'")
    if case_type != case.type:
        at(("type",), "type", f"'{case.type}' does not match the history, which settled "
           f"'{case_type}'; change the type with `reviewctl triage` or `reviewctl decide --type`")


def clock_record_problems(workflow: Workflow, folder: str, docs: Documents) -> list[Problem]:
    """What the models cannot see in clocks.yaml: each record names a clock of the
    workflow (and, for a clock run per entry, one of its entries), and nothing is
    recorded before the clock started."""
    raw = docs.get("clocks")
    if not isinstance(raw, dict):
        return []
    shown = f"{folder}/clocks.yaml"
    problems: list[Problem] = []
    seen: set[tuple[str, str | None]] = set()
    for i, record in enumerate(raw.get("clocks") or []):
        if not isinstance(record, dict):
            continue

        def at(key: str, message: str, i: int = i) -> None:
            problems.append(Problem(shown, message, line_of(raw, ("clocks", i, key)), f"clocks[{i}].{key}"))

        clock = workflow.clock_for(str(record.get("clock")))
        if clock is None:
            at("clock", f"not a clock of the workflow (known: {', '.join(c.id for c in workflow.clocks)})")
            continue
        item = record.get("item")
        key = (clock.id, None if item is None else str(item))
        if key in seen:
            at("clock", "this clock has a record already; keep one record per clock")
        seen.add(key)
        if clock.each is None and item is not None:
            at("item", "this clock runs once per case; remove item")
        if clock.each is not None:
            entries = lookup(docs, clock.each) or []
            if not any(isinstance(e, dict) and str(e.get(clock.item)) == str(item) for e in entries):
                at("item", f"names no entry of {clock.each}; name the {clock.item} the clock runs for")
                continue
        for j in extensions_out_of_order(workflow, docs, record, key[1])[:1]:
            problems.append(Problem(shown, "each extension must be to a later date than the one before it "
                                    "(of the same deadline); correct the date or remove the extension",
                                    line_of(raw, ("clocks", i, "extensions", j, "to")),
                                    f"clocks[{i}].extensions[{j}].to"))
        for day, _, start in changes_before_start(workflow, docs, record, key[1])[:1]:
            if start is None:
                at("clock", f"a pause or extension on {day}, when the clock had not started; it cannot be paused "
                            "or extended before it starts: remove it")
            else:
                at("clock", f"a pause or extension on {day} is before the clock started ({start}); "
                            "correct the date")
    return problems


def extensions_out_of_order(workflow: Workflow, docs: Documents, record: Mapping[str, object],
                            item: str | None) -> list[int]:
    """The extensions of one clocks.yaml record (by their place in it) not to a later date than
    the extension before them of the same deadline: one made after a reopening that started the
    clock again belongs to the new deadline, and is compared with its extensions only."""
    clock = workflow.clock_for(str(record.get("clock")))
    extensions = record.get("extensions")
    if clock is None or not isinstance(extensions, list):
        return []
    made: list[tuple[date, int, date]] = sorted(
        (e["date"], j, e["to"]) for j, e in enumerate(extensions)
        if isinstance(e, dict) and isinstance(e.get("date"), date) and isinstance(e.get("to"), date))
    began = [d for d in deadlines_began(workflow, docs, clock, item) if d is not None]
    found: list[int] = []
    last: dict[int, date] = {}
    for day, j, to in made:
        deadline = bisect_right(began, day)  # the reopenings up to its day
        if deadline in last and to <= last[deadline]:
            found.append(j)
        last[deadline] = to
    return found


def changes_before_start(workflow: Workflow, docs: Documents, record: Mapping[str, object],
                         item: str | None) -> list[tuple[date, str, date | None]]:
    """The pauses and extensions of one clocks.yaml record made before the clock started, each
    as (its date, pause or extension, the clock's start then: None where it had not started),
    judged in the cycle it was made in. A clock given a fixed due date may be paused before it."""
    clock = workflow.clock_for(str(record.get("clock")))
    if clock is None:
        return []
    pauses, extensions = record.get("pauses"), record.get("extensions")
    made = [(p.get("paused"), "pause") for p in pauses if isinstance(p, dict)] if isinstance(pauses, list) else []
    made += [(e.get("date"), "extension") for e in extensions
             if isinstance(e, dict)] if isinstance(extensions, list) else []
    found = []
    for day, kind in sorted((d, k) for d, k in made if isinstance(d, date)):
        start = clock_start_on(workflow, docs, clock, item, day)
        if start is None or (clock.limit is not None and day < start):
            found.append((day, kind, start))
    return found


def type_problems(workflow: Workflow, docs: Documents, new_type: str, upto: int | None = None) -> list[str]:
    """Why the case cannot become `new_type` where it stands (empty when it can).

    `upto`: only the history before that entry (validate checks a change of type where it was made).
    """
    problems: list[str] = []
    # A reopened case made some records afresh: each step's needs as they stood in its own cycle.
    as_then = {i: cycle.docs for cycle in cycles(workflow, docs) for i in range(cycle.first, cycle.end)}
    for i, entry in enumerate(entries(docs)[1:upto], start=1):
        step, source, target = entry.step, entry.source, entry.to
        if step in Act.IN_PLACE:
            continue
        if workflow.imports is not None and step == workflow.imports.step:
            # Brought in straight to a stage, by no transition: the new type must stand there.
            if target != workflow.initial and not any(t.to == target and t.applies(new_type)
                                                      for t in workflow.transitions):
                problems.append(f"a '{new_type}' case never stands in '{target}', where this case was imported")
            continue
        transition = workflow.find(str(step), str(source), new_type, str(target))
        if transition is None or transition.to != target:
            problems.append(f"a '{new_type}' case cannot take the step '{step}' from '{source}' to '{target}', "
                            "which this case took; reopen or withdraw it instead")
            continue
        lacking = set(missing_requirements(transition, as_then.get(i, docs), new_type))
        problems += [r.hint for r in transition.requires if r.field in lacking and r.hint not in problems]
    return problems
