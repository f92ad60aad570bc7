"""JSON as reviewctl gives it out (`--format json`, the site's and `serve`'s values): the values
`json.dumps` writes as they are, with no converter (a date is already its ISO text).

A record with known keys is a TypedDict beside the code that makes it; `JsonValue` is for
what mirrors a case's files key for key (`show`), whose keys are the files' own.
"""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"
