"""The only user of jinja2.

Templates are files a partnership edits, so they run in a sandbox (no reaching into
Python internals) with StrictUndefined (a missing variable is an error, never a blank
in a letter).  A store's own `templates/` folder is searched before the defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reviewctl.errors import InvalidDataError, UsageError


def default_templates_dir() -> Path:
    # In the wheel the top-level templates/ is packaged as reviewctl/templates; in a
    # source checkout (and an editable install) it sits beside the package.
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "templates"


def _template_line(error: BaseException, name: str) -> int | None:
    tb = error.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(name: str, context: dict[str, Any], search: list[Path]) -> str:
    """Render template `name`, looking in each folder of `search` in turn."""
    folders = [str(p) for p in search]
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    try:
        template = env.get_template(name)
    except TemplateNotFound:
        raise UsageError(
            f"template {name!r} not found; searched: {', '.join(folders)}"
        ) from None
    except TemplateSyntaxError as error:
        raise InvalidDataError(
            f"{error.filename or name}:{error.lineno}: template syntax error ({error.message})"
        ) from None
    shown = template.filename or name
    try:
        return template.render(**context)
    except UndefinedError as error:
        line = _template_line(error, name)
        where = f"{shown}:{line}" if line else shown
        raise InvalidDataError(
            f"{where}: {error.message}; use one of the variables the template is given: "
            f"{', '.join(sorted(context))}"
        ) from None
    except SecurityError as error:
        line = _template_line(error, name)
        where = f"{shown}:{line}" if line else shown
        raise InvalidDataError(f"{where}: refused by the template sandbox ({error})") from None
    except TemplateError as error:
        raise InvalidDataError(f"{shown}: template error ({error})") from None
    except Exception as error:  # noqa: BLE001 - a user's template may fail in any way
        line = _template_line(error, name)
        where = f"{shown}:{line}" if line else shown
        raise InvalidDataError(f"{where}: the template failed ({type(error).__name__})") from None
