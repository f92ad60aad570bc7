"""JSON Schemas of a case's files and of reviewctl.yaml, from the models that check them,
so an editor (VS Code with the YAML extension, or any yaml-language-server client)
checks a hand edit as it is typed. The models stay the one source: these are generated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewctl.core.documents import DOCUMENT_FILES, model_for
from reviewctl.core.store import CONFIG_FILE

SCHEMA_DIR = ".reviewctl/schema"
SETTINGS_FILE = ".vscode/settings.json"


def schemas() -> dict[str, dict[str, Any]]:
    """Each schema by its file name: `case.schema.json` for cases/*/case.yaml, and so on."""
    from reviewctl.core.settings import Config

    out: dict[str, dict[str, Any]] = {}
    for name, filename in [*DOCUMENT_FILES.items(), ("reviewctl", CONFIG_FILE)]:
        model = Config if name == "reviewctl" else model_for(name)
        schema = model.model_json_schema(by_alias=True, mode="validation")
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": f"reviewctl {filename}", **schema}
        out[f"{name}.schema.json"] = schema
    return out


def globs() -> dict[str, str]:
    """Each schema file by the store files it describes (paths from the store's root)."""
    out = {f"{name}.schema.json": f"cases/*/{filename}" for name, filename in DOCUMENT_FILES.items()}
    out["reviewctl.schema.json"] = CONFIG_FILE
    return out


def schema_texts(folder: str = SCHEMA_DIR) -> dict[str, str]:
    """The files `reviewctl schema` writes, by their path in the store."""
    return {f"{folder}/{name}": json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
            for name, schema in schemas().items()}


def editor_settings(existing: str | None, folder: str = SCHEMA_DIR) -> str:
    """.vscode/settings.json with `yaml.schemas` naming each schema for its files; other settings kept."""
    try:
        settings = json.loads(existing) if existing else {}
    except ValueError:
        settings = None
    if not isinstance(settings, dict):
        from reviewctl.errors import UsageError

        raise UsageError(f"{SETTINGS_FILE} is not a JSON object (comments are not read); add "
                         f"\"yaml.schemas\" by hand, naming the files in {folder}")
    mapping = settings.setdefault("yaml.schemas", {})
    if not isinstance(mapping, dict):
        mapping = settings["yaml.schemas"] = {}
    for name, pattern in globs().items():
        mapping[f"./{folder}/{name}"] = pattern
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def store_files(root: Path) -> dict[Path, str]:
    """Everything `schema` (and `init`) writes into the store at `root`."""
    settings = root / SETTINGS_FILE
    files = {root / rel: text for rel, text in schema_texts().items()}
    files[settings] = editor_settings(settings.read_text(encoding="utf-8") if settings.is_file() else None)
    return files
