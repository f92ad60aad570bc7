"""`reviewctl schema` (issue 20): a case's stage, type and id are pinned to the store's
workflow and prefix, and an agency's chronology has a schema too.

The documents are checked against the written schemas by the JSON Schema keywords that
pydantic writes and an editor's validator applies (type, properties, required,
additionalProperties, enum, pattern, minLength, anyOf, items, $ref), as a hand edit
would be in VS Code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from helpers import Cli, load, refer, to_in_review

_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict, "null": type(None)}


def problems(schema: dict[str, Any], value: Any, root: dict[str, Any] | None = None, at: str = "") -> list[str]:
    """Where `value` breaks `schema`: the keywords listed above, as the draft 2020-12 defines them."""
    root = root or schema
    if "$ref" in schema:
        return problems(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], value, root, at)
    if "anyOf" in schema:
        branches = [problems(s, value, root, at) for s in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{at}: none of anyOf: {branches}"]
    if isinstance(value, dt.date):
        value = value.isoformat()  # a YAML date is a string with format: date to an editor
    found: list[str] = []
    kind = schema.get("type")
    bool_as_int = kind == "integer" and isinstance(value, bool)
    if kind is not None and not (isinstance(value, _TYPES[kind]) and not bool_as_int):
        return [f"{at}: not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in enum")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        found.append(f"{at}: too short")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        found += [f"{at}/{k}: required" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in props:
                found += problems(props[key], item, root, f"{at}/{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}/{key}: not allowed")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(schema["items"], item, root, f"{at}/{i}")
    return found


def test_a_stage_type_or_id_the_store_does_not_know_fails_the_schema(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "sar")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    cli.ok("schema")
    schema = json.loads((store / ".reviewctl/schema/case.schema.json").read_text())
    case = load(store / "cases" / case_id / "case.yaml")
    assert problems(schema, case) == []
    assert problems(schema, {**case, "stage": "hamster"}) == ["/stage: 'hamster' not in enum"]
    assert problems(schema, {**case, "type": "SAR"}) == ["/type: 'SAR' not in enum"]
    assert problems(schema, {**case, "id": "TST-2026-12345"})[0].startswith("/id: 'TST-2026-12345' does not match")
    moved = {**case, "history": [*case["history"][:-1], {**case["history"][-1], "to": "scopng"}]}
    assert problems(schema, moved) == ["/history/1/to: 'scopng' not in enum"]
    assert set(schema["properties"]["stage"]["enum"]) >= {"referred", "scoping", "in-review", "closed"}


def test_a_store_of_its_own_workflow_gets_its_stages(cli: Cli, store: Path) -> None:
    import shutil

    from reviewctl.core.store.folder import DEFAULT_WORKFLOW

    text = DEFAULT_WORKFLOW.read_text().replace("  - id: referred\n", "  - id: received-by-the-unit\n", 1)
    text = text.replace(" referred", " received-by-the-unit").replace("[referred", "[received-by-the-unit")
    (store / "workflow.yaml").write_text(text)
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "workflow: workflow.yaml\n")
    assert cli("validate").code == 0, cli("validate").err
    cli.ok("schema")
    stages = json.loads((store / ".reviewctl/schema/case.schema.json").read_text())["properties"]["stage"]["enum"]
    assert "received-by-the-unit" in stages and "referred" not in stages
    shutil.rmtree(store / ".reviewctl" / "schema")


def test_an_agency_chronology_has_its_schema(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "sar", tmp_path)
    returned = tmp_path / "police.csv"
    returned.write_text("date,time,event,source,significance\n2026-10-01,09:00,Fictional visit,Log,Seen\n")
    cli.ok("chronology", "import", case_id, str(returned), "--agency", "Police")
    cli.ok("schema")
    schema = json.loads((store / ".reviewctl/schema/chronology.schema.json").read_text())
    settings = json.loads((store / ".vscode/settings.json").read_text())
    assert settings["yaml.schemas"]["./.reviewctl/schema/chronology.schema.json"] == "cases/*/chronology/*.yaml"
    chronology = load(store / "cases" / case_id / "chronology" / "police.yaml")
    assert problems(schema, chronology) == []
    bad = {**chronology, "events": [{**chronology["events"][0], "time": 9, "colour": "red"}]}
    assert problems(schema, bad) == ["/events/0/time: none of anyOf: [['/events/0/time: not string'], "
                                     "['/events/0/time: not null']]", "/events/0/colour: not allowed"]


def test_schemas_outside_a_store_take_the_default_workflow(cli: Cli, tmp_path: Path,
                                                            monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    cli.ok("schema", "--output", str(tmp_path / "out"))
    schema = json.loads((tmp_path / "out" / "case.schema.json").read_text())
    assert "in-review" in schema["properties"]["stage"]["enum"]
    assert re.search(schema["properties"]["id"]["pattern"], "ABC-2026-7KQ4MX")
    assert (tmp_path / "out" / "chronology.schema.json").is_file()
    result = cli("--store", str(tmp_path), "schema", "--output", str(tmp_path / "again"))
    assert result.code != 0 and "not a reviewctl store" in result.err
