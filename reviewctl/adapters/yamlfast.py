"""Fast reads of YAML into plain dicts and lists, for bulk reports and first checks.

PyYAML's loader on libyaml is about three times as fast as ruamel's safe loader, whose
C parser still builds every value in Python, so reading 100,000 cases goes through
here; editing, and finding the line of a problem, go through yamlio.py's round trip.
The loader reads plain values as YAML 1.2 does, so a case reads the same either way.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from reviewctl.adapters.yamlcheck import check_text, impossible_date, parser_error
from reviewctl.errors import InvalidDataError, located


@cache
def _fast_loader() -> Any:
    """PyYAML's safe loader, reading plain values as YAML 1.2 does (as ruamel does).

    YAML 1.1 would read `no` and `on` as booleans and `12:30` as a number, so a case
    would read differently here than in `show`; only true/false are booleans here.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        # A repeated key is an error here as in ruamel, not "the last one wins".
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f'found duplicate key "{key}"', key_node.start_mark)
            seen.add(key)
        return base.construct_mapping(self, node, deep)

    loader: Any = type("Yaml12Loader", (base,), {"construct_mapping": construct_mapping})
    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in dropped]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    return loader


def parse_fast(text: str, shown: str) -> Any:
    """Parse `text` into plain dicts and lists as fast as can be.  `shown` is the path used in error messages."""
    import yaml

    check_text(text, shown)
    try:
        return yaml.load(text, Loader=_fast_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise parser_error(shown, line, error.problem or error.context or "malformed YAML") from None
    except yaml.YAMLError:
        raise InvalidDataError(located(shown, None, None, "malformed YAML; fix the syntax")) from None
    except ValueError:
        raise impossible_date(text, shown) from None
