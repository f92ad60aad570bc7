"""Rendering templates: the only user of jinja2.

A template is read through templatefiles.py (regular files inside their folders, the
store's own before the defaults), compiled once per command in the sandbox of
templatelimits.py with StrictUndefined (a missing variable is an error, never a blank
in a letter), and rendered under its limits.  Whatever a template does wrong comes out
as one InvalidDataError naming the template's file and line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, BytecodeCache, Environment, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from reviewctl.adapters.templatefiles import TemplateRefused, default_templates_dir, read_template, shown_path
from reviewctl.adapters.templatelimits import (
    MAX_LENGTH,
    MAX_MEMORY,
    SECONDS_VARIABLE,
    LimitedEnvironment,
    LimitExceeded,
    TimeUp,
    alarmed,
    memory_limit,
    time_allowed,
    time_limit,
)
from reviewctl.errors import InvalidDataError, UsageError

__all__ = ["default_templates_dir", "read_template", "render", "render_each"]


class _ConfinedLoader(BaseLoader):
    """jinja2's way to templatefiles.py: it notes each file it loaded, so an error can name the template's line."""

    def __init__(self, search: list[Path]) -> None:
        self.search = search
        self.loaded: set[str] = set()
        self.compiled: Any = None  # the template render_each compiled
        self.shown = ""  # its file name, as messages show it

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        found = read_template(template, self.search)
        if found is None:
            raise TemplateNotFound(template)
        text, path = found
        self.loaded.add(str(path))
        return text, str(path), lambda: True  # one environment per rendering: never reloaded


class _CompiledHere(BytecodeCache):
    """Each template's compiled code, kept in memory for the rest of the process: a process
    that runs many commands (the test suite, `serve`) compiles a letter's template once, not
    once per step.  jinja2 keys the code by the template's name and file and checks it against
    a hash of the source, so a template edited meanwhile is compiled again; the source itself
    is still read, through templatefiles.py's checks, at every rendering."""

    LIMIT = 256  # entries; far more templates than a store has

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # dropped again if its source hash differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        if len(self.kept) >= self.LIMIT:
            self.kept.clear()
        self.kept[bucket.key] = bucket.bytecode_to_string()


_COMPILED = {False: _CompiledHere(), True: _CompiledHere()}  # by autoescape, which the compiled code holds


def _where(error: BaseException, loader: _ConfinedLoader, shown: str) -> str:
    """`file:line` of the innermost template the error passed through, else `shown`."""
    tb, where = error.__traceback__, shown
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in loader.loaded:
            where = f"{shown_path(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def render(name: str, context: dict[str, Any], search: list[Path], autoescape: bool = False) -> str:
    """Render template `name`, looking in each folder of `search` in turn.

    `autoescape`: for HTML, every value is escaped unless a template marks it safe.
    """
    return next(render_each(name, [context], search, autoescape))


def render_each(name: str, contexts: Iterable[dict[str, Any]], search: list[Path],
                autoescape: bool = False) -> Iterator[str]:
    """Render template `name` once per context, compiling it once (a site's 10,000 case
    pages); each rendering runs under the same limits as one letter."""
    loader = _ConfinedLoader(search)
    env = LimitedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=autoescape,
                             keep_trailing_newline=True, bytecode_cache=_COMPILED[bool(autoescape)])
    seconds = time_allowed()
    # One memory limit for the batch: reading /proc for each of 10,000 pages costs more than the page.
    with memory_limit(MAX_MEMORY):
        for context in contexts:
            yield _render_one(env, loader, name, seconds, context)


def _too_long() -> LimitExceeded:
    return LimitExceeded(f"writes more than {MAX_LENGTH:,} characters; make the document shorter")


def _render_one(env: LimitedEnvironment, loader: _ConfinedLoader, name: str, seconds: float,
                context: dict[str, Any]) -> str:
    deadline = time.monotonic() + seconds
    shown = name
    try:
        with time_limit(seconds):
            template = loader.compiled
            if template is None:
                try:
                    template = env.get_template(name)
                except TemplateNotFound:
                    raise UsageError(
                        f"template {name!r} not found; searched: {', '.join(str(p) for p in loader.search)}"
                    ) from None
                loader.compiled, loader.shown = template, shown_path(template.filename or name)
            shown = loader.shown
            if alarmed():
                # The alarm stops a rendering that runs too long, and the memory limit one that
                # grows too big: the text is built in one go, and its length checked after.
                text: str = template.render(**context)
                if len(text) > MAX_LENGTH:
                    raise _too_long()
                return text
            chunks: list[str] = []
            size = 0
            for count, chunk in enumerate(template.generate(**context)):
                size += len(chunk)
                if size > MAX_LENGTH:
                    raise _too_long()
                if not count & 63 and time.monotonic() > deadline:  # a clock read per 64 chunks is enough
                    raise TimeUp
                chunks.append(chunk)
            return "".join(chunks)
    except (UsageError, TemplateRefused) as error:
        where = _where(error, loader, "")
        raise type(error)(f"{where}: {error.message}" if where else error.message) from None
    except TemplateSyntaxError as error:
        raise InvalidDataError(
            f"{shown_path(error.filename) if error.filename else name}:{error.lineno}: "
            f"template syntax error ({error.message})"
        ) from None
    except UndefinedError as error:
        raise InvalidDataError(
            f"{_where(error, loader, shown)}: {error.message}; use one of the variables the template is "
            f"given: {', '.join(sorted(context))}"
        ) from None
    except SecurityError as error:
        raise InvalidDataError(f"{_where(error, loader, shown)}: refused by the template sandbox ({error})") from None
    except LimitExceeded as error:
        raise InvalidDataError(f"{_where(error, loader, shown)}: the template {error}") from None
    except OverflowError as error:  # range(10**20), or a number too large for a float
        # Its text is the sandbox's or Python's own ("Range too big ..."), never the case's data.
        raise InvalidDataError(f"{_where(error, loader, shown)}: the template asks for a range or number too "
                               f"large ({error}); templates fill in letters: make it smaller") from None
    except MemoryError as error:
        raise InvalidDataError(
            f"{_where(error, loader, shown)}: the template needed more than {MAX_MEMORY // 2**20} MB of memory "
            "and was stopped; look for filters or joins that build very long texts"
        ) from None
    except TimeUp as error:
        raise InvalidDataError(
            f"{_where(error, loader, shown)}: the template ran for more than {seconds:g} s and was stopped; "
            f"look for loops that run too long (or raise {SECONDS_VARIABLE})"
        ) from None
    except TemplateError as error:
        raise InvalidDataError(f"{_where(error, loader, shown)}: template error ({error})") from None
    except Exception as error:  # noqa: BLE001 - a user's template may fail in any way
        where = _where(error, loader, shown)
        raise InvalidDataError(f"{where}: the template failed ({type(error).__name__})") from None
