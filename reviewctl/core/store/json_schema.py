"""JSON Schemas of a case's files, of an agency's chronology and of reviewctl.yaml, from the
models that check them, so an editor (VS Code with the YAML extension, or any
yaml-language-server client) checks a hand edit as it is typed. The models stay the one
source: these are generated. A case's `stage`, `type` and `id` are pinned to the store's
workflow and prefix (the models take any text there: the workflow is checked later, by
`validate`), so a hand-written `stage: hamster` is marked in the editor too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl.core.case.chronology_records import AgencyChronology
from reviewctl.core.case.documents import DOCUMENT_FILES, model_for
from reviewctl.core.store.folder import CONFIG_FILE, DEFAULT_WORKFLOW
from reviewctl.core.store.settings import PREFIX_SHAPE, Config
from reviewctl.core.workflow.load import load_workflow
from reviewctl.json_types import JsonObject, JsonValue

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store
    from reviewctl.core.workflow.model import Workflow

SCHEMA_DIR = ".reviewctl/schema"
SETTINGS_FILE = ".vscode/settings.json"


CHRONOLOGY_GLOB = "cases/*/chronology/*.yaml"


@dataclass(frozen=True)
class Vocabulary:
    """What a case's `stage`, `type` and `id` may be in this store."""

    stages: list[str]
    types: list[str]
    id_pattern: str


def vocabulary(flow: Workflow, prefixes: Iterable[str] | None) -> Vocabulary:
    """The workflow's stages and types, and ids as `new_case_id` makes them with any of `prefixes`
    (the store's, and any an older case has, for a store whose prefix changed; None: any prefix)."""
    shape = PREFIX_SHAPE.pattern.strip("^$") if prefixes is None else \
        "|".join(re.escape(p) for p in sorted(set(prefixes)))
    return Vocabulary([s.id for s in flow.stages], list(flow.types),
                      rf"^(?:{shape})-[0-9]{{4}}-[0-9A-HJKMNP-TV-Z]{{6}}$")


def store_vocabulary(store: Store) -> Vocabulary:
    return vocabulary(store.workflow, [store.config.prefix, *(i.split("-", 1)[0] for i in store.case_ids())])


def default_vocabulary(prefix: str | None) -> Vocabulary:
    """For a store being made (`init`), or schemas written outside any store: the default workflow."""

    flow, problems = load_workflow(DEFAULT_WORKFLOW, str(DEFAULT_WORKFLOW))
    assert flow is not None, problems  # the workflow reviewctl ships is checked by its tests
    return vocabulary(flow, None if prefix is None else [prefix])


def _at(node: JsonValue, *path: str) -> JsonValue:
    """node[path[0]][path[1]]...; None where the schema has no such part."""
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _only(prop: JsonValue, **rule: JsonValue) -> None:
    """Give a string property (or the string branch of a `str | None`) the rule."""
    if not isinstance(prop, dict):
        return
    branches = prop.get("anyOf", [prop])
    for branch in branches if isinstance(branches, list) else []:
        if isinstance(branch, dict) and branch.get("type") == "string":
            branch.update(rule)


def _pin_case(schema: JsonObject, words: Vocabulary) -> None:
    props, history = _at(schema, "properties"), _at(schema, "$defs", "HistoryEntry", "properties")
    types: list[JsonValue] = [*words.types]
    stages: list[JsonValue] = [*words.stages]
    _only(_at(props, "id"), pattern=words.id_pattern)
    for prop in (_at(props, "type"), _at(history, "type")):
        _only(prop, enum=types)
    for prop in (_at(props, "stage"), _at(history, "from"), _at(history, "to")):
        _only(prop, enum=stages)


def schemas(words: Vocabulary) -> dict[str, JsonObject]:
    """Each schema by its file name: `case.schema.json` for cases/*/case.yaml, and so on."""

    out: dict[str, JsonObject] = {}
    for name, filename in [*DOCUMENT_FILES.items(), ("chronology", CHRONOLOGY_GLOB), ("reviewctl", CONFIG_FILE)]:
        model = Config if name == "reviewctl" else AgencyChronology if name == "chronology" else model_for(name)
        schema: JsonObject = model.model_json_schema(by_alias=True, mode="validation")
        if name == "case":
            _pin_case(schema, words)
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": f"reviewctl {filename}", **schema}
        out[f"{name}.schema.json"] = schema
    return out


def globs() -> dict[str, str]:
    """Each schema file by the store files it describes (paths from the store's root)."""
    out = {f"{name}.schema.json": f"cases/*/{filename}" for name, filename in DOCUMENT_FILES.items()}
    out["chronology.schema.json"] = CHRONOLOGY_GLOB
    out["reviewctl.schema.json"] = CONFIG_FILE
    return out


def schema_texts(words: Vocabulary, folder: str = SCHEMA_DIR) -> dict[str, str]:
    """The files `reviewctl schema` writes, by their path in the store."""
    return {f"{folder}/{name}": json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
            for name, schema in schemas(words).items()}


def editor_settings(existing: str | None, folder: str = SCHEMA_DIR) -> str:
    """.vscode/settings.json with `yaml.schemas` naming each schema for its files; other settings kept."""
    try:
        settings = json.loads(existing) if existing else {}
    except ValueError:
        settings = None
    if not isinstance(settings, dict):
        from reviewctl.errors import UsageError  # lazy: only where it is needed

        raise UsageError(f"{SETTINGS_FILE} is not a JSON object (comments are not read); add "
                         f"\"yaml.schemas\" by hand, naming the files in {folder}")
    mapping = settings.setdefault("yaml.schemas", {})
    if not isinstance(mapping, dict):
        mapping = settings["yaml.schemas"] = {}
    for name, pattern in globs().items():
        mapping[f"./{folder}/{name}"] = pattern
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def store_files(root: Path, words: Vocabulary) -> dict[Path, str]:
    """Everything `schema` (and `init`) writes into the store at `root`."""
    settings = root / SETTINGS_FILE
    files = {root / rel: text for rel, text in schema_texts(words).items()}
    files[settings] = editor_settings(settings.read_text(encoding="utf-8") if settings.is_file() else None)
    return files
