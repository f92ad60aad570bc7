"""The only user of jinja2.

Templates are files a partnership edits, and every later step runs them: they are code.
So they run in a sandbox (no reaching into Python internals) with StrictUndefined (a
missing variable is an error, never a blank in a letter); they are read only as regular
files inside their folders (never through a symbolic link, never from a path out of the
folder, so a committed link to a private key cannot copy it into a letter); and they run
under limits (numbers, texts and output of bounded size, and a time limit).  A store's
own `templates/` folder is searched before the defaults.
"""

from __future__ import annotations

import functools
import math
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reviewctl.errors import InvalidDataError, UsageError

MAX_DIGITS = 4000  # Python itself will not print an integer of more than 4300 digits
MAX_LENGTH = 10_000_000  # characters of output, or of any text or list a template builds
MAX_MEMORY = 1024 * 2**20  # bytes of address space a rendering may add
DEFAULT_SECONDS = 5.0
SECONDS_VARIABLE = "REVIEWCTL_TEMPLATE_SECONDS"
_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))


def default_templates_dir() -> Path:
    # In the wheel the top-level templates/ is packaged as reviewctl/templates; in a
    # source checkout (and an editable install) it sits beside the package.
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "templates"


class TemplateRefused(InvalidDataError):
    """A template that is not a regular file inside its folder."""


class _Limit(Exception):
    """A template went over a limit; the message says which."""


class _TimeUp(Exception):
    pass


def _shown(path: str | Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _link_refusal(path: Path) -> TemplateRefused:
    return TemplateRefused(
        f"{_shown(path)}: the template is a symbolic link, and templates are read only as regular "
        "files inside the templates folder; replace the link with a file holding the template's "
        "own text (or `git rm` it)"
    )


def _open_folder(folder: Path) -> int | None:
    if folder.is_symlink():
        raise TemplateRefused(
            f"{_shown(folder)}: the templates folder is a symbolic link; make it a real folder "
            "inside the store, holding the templates themselves"
        )
    try:  # O_NOFOLLOW: a link swapped in since the look above fails rather than being followed
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _read_confined(folder: Path, parts: list[str]) -> str | None:
    """The text of folder/parts, opened one component at a time with no link followed."""
    fd = _open_folder(folder)
    if fd is None:
        return None
    try:
        for i, part in enumerate(parts):
            path, last = folder.joinpath(*parts[:i + 1]), i == len(parts) - 1
            try:
                mode = os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode
            except (FileNotFoundError, NotADirectoryError):
                return None
            if stat.S_ISLNK(mode):
                raise _link_refusal(path)
            if not last and not stat.S_ISDIR(mode):
                return None
            if last and not stat.S_ISREG(mode):
                raise TemplateRefused(f"{_shown(path)}: not a regular file; a template must be a plain "
                                      "text file in the templates folder")
            # O_NOFOLLOW: a link swapped in since the look above fails rather than being followed.
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | (0 if last else os.O_DIRECTORY)
            try:
                inner = os.open(part, flags, dir_fd=fd)
            except OSError:
                raise _link_refusal(path) from None
            os.close(fd)
            fd = inner
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise TemplateRefused(f"{_shown(folder.joinpath(*parts))}: not a regular file; a template "
                                  "must be a plain text file in the templates folder")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read()
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateRefused(f"{_shown(folder.joinpath(*parts))}: not UTF-8 text; save it as UTF-8") from None


def read_template(name: str, search: list[Path]) -> tuple[str, Path] | None:
    """The text and path of template `name` from the first folder that has it, else None."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise TemplateRefused(
            f"template name {name!r} reaches outside the templates folder; include, extend or "
            "import templates by their name inside templates/ (no '..', no leading '/')"
        )
    for folder in search:
        text = _read_confined(folder, parts)
        if text is not None:
            return text, folder.joinpath(*parts)
    return None


class _ConfinedLoader(BaseLoader):
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


def _check_operands(operator: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and ints and right > 0 and abs(left) > 1 and right * math.log2(abs(left)) > _MAX_BITS:
        raise _Limit(f"computes a number of more than {MAX_DIGITS} digits; templates fill in letters: "
                     "simplify the expression")
    if operator == "*" and ints and left.bit_length() + right.bit_length() > _MAX_BITS + 1:
        raise _Limit(f"computes a number of more than {MAX_DIGITS} digits; templates fill in letters: "
                     "simplify the expression")
    sequences = (str, list, tuple)
    if operator == "*" and isinstance(left, int) != isinstance(right, int):
        sequence, times = (right, left) if isinstance(left, int) else (left, right)
        if isinstance(sequence, sequences) and isinstance(times, int) and len(sequence) * times > MAX_LENGTH:
            raise _Limit(f"builds a text or list longer than {MAX_LENGTH:,}; make it shorter")
    if (operator == "+" and isinstance(left, sequences) and isinstance(right, sequences)
            and len(left) + len(right) > MAX_LENGTH):
        raise _Limit(f"builds a text or list longer than {MAX_LENGTH:,}; make it shorter")


# A width or count in a format (`{:>1000000000}`, `%1000000000d`) builds a text that long.
_HUGE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{8,}[^{}]*\}|%[-#0 +]*(?:\d{8,}|\*)")


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A function or filter given a huge number (`center(10**9)`) builds a huge text or list."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_LENGTH:
            raise _Limit(f"passes a number larger than {MAX_LENGTH:,} to a function or filter; make it smaller")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _HUGE_WIDTH.search(text):
        raise _Limit(f"formats with a width of more than {MAX_LENGTH:,} characters (or one given by `*`); "
                     "give a smaller width")


def _limited_filter(function: Callable[..., Any], checks_format: bool) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps jinja's pass_context / pass_environment marks
    def limited(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        if checks_format:
            _check_format(next((a for a in args if isinstance(a, str)), None))
        return function(*args, **kwargs)

    return limited


class _LimitedEnvironment(ImmutableSandboxedEnvironment):
    # These operators can build huge numbers or texts from a few characters of template.
    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _limited_filter(f, name == "format") for name, f in self.filters.items()}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_operands(operator, left, right)
        if operator == "%":
            _check_format(left)
            _check_arguments(right if isinstance(right, tuple) else (right,), {})
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # `'...'.format` is looked up here before it is called: check the format's widths.
        if getattr(value, "__name__", None) in ("format", "format_map") and isinstance(
                getattr(value, "__self__", None), str):
            _check_format(value.__self__)
        return super().wrap_str_format(value)


def _seconds() -> float:
    value = os.environ.get(SECONDS_VARIABLE)
    if value is None:
        return DEFAULT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e6:
        raise UsageError(f"{SECONDS_VARIABLE} {value!r} is not a number of seconds; unset it or give e.g. 5")
    return seconds


def _alarmed() -> bool:
    """Whether _time_limit's alarm can stop a rendering here (the main thread, on POSIX)."""
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimeUp in the rendering once `seconds` have passed (main thread, POSIX)."""
    if not _alarmed():
        yield  # the output loop still checks the clock
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # It fires again every 0.1 s: a template cannot swallow the first one and run on.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


@contextmanager
def _memory_limit(extra: int) -> Iterator[None]:
    """Let the rendering take at most `extra` bytes more address space (POSIX with /proc).

    The operator and argument checks stop the obvious ways to build a huge value; a
    filter such as `replace` or a chain of `~` can still multiply a text, and this
    turns that into a MemoryError instead of a machine that swaps or an OOM kill.
    """
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield  # already as tight
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _where(error: BaseException, loader: _ConfinedLoader, shown: str) -> str:
    """`file:line` of the innermost template the error passed through, else `shown`."""
    tb, where = error.__traceback__, shown
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in loader.loaded:
            where = f"{_shown(filename)}:{tb.tb_lineno}"
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
    env = _LimitedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=autoescape,
                              keep_trailing_newline=True)
    seconds = _seconds()
    # One memory limit for the batch: reading /proc for each of 10,000 pages costs more than the page.
    with _memory_limit(MAX_MEMORY):
        for context in contexts:
            yield _render_one(env, loader, name, seconds, context)


def _render_one(env: _LimitedEnvironment, loader: _ConfinedLoader, name: str, seconds: float,
                context: dict[str, Any]) -> str:
    deadline = time.monotonic() + seconds
    shown = name
    try:
        with _time_limit(seconds):
            template = loader.compiled
            if template is None:
                try:
                    template = env.get_template(name)
                except TemplateNotFound:
                    raise UsageError(
                        f"template {name!r} not found; searched: {', '.join(str(p) for p in loader.search)}"
                    ) from None
                loader.compiled, loader.shown = template, _shown(template.filename or name)
            shown = loader.shown
            if _alarmed():
                # The alarm stops a rendering that runs too long, and the memory limit one that
                # grows too big: the text is built in one go, and its length checked after.
                text: str = template.render(**context)
                if len(text) > MAX_LENGTH:
                    raise _Limit(f"writes more than {MAX_LENGTH:,} characters; make the document shorter")
                return text
            chunks: list[str] = []
            size = 0
            for count, chunk in enumerate(template.generate(**context)):
                size += len(chunk)
                if size > MAX_LENGTH:
                    raise _Limit(f"writes more than {MAX_LENGTH:,} characters; make the document shorter")
                if not count & 63 and time.monotonic() > deadline:  # a clock read per 64 chunks is enough
                    raise _TimeUp
                chunks.append(chunk)
            return "".join(chunks)
    except (UsageError, TemplateRefused) as error:
        where = _where(error, loader, "")
        raise type(error)(f"{where}: {error.message}" if where else error.message) from None
    except TemplateSyntaxError as error:
        raise InvalidDataError(
            f"{_shown(error.filename) if error.filename else name}:{error.lineno}: "
            f"template syntax error ({error.message})"
        ) from None
    except UndefinedError as error:
        raise InvalidDataError(
            f"{_where(error, loader, shown)}: {error.message}; use one of the variables the template is "
            f"given: {', '.join(sorted(context))}"
        ) from None
    except SecurityError as error:
        raise InvalidDataError(f"{_where(error, loader, shown)}: refused by the template sandbox ({error})") from None
    except _Limit as error:
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
    except _TimeUp as error:
        raise InvalidDataError(
            f"{_where(error, loader, shown)}: the template ran for more than {seconds:g} s and was stopped; "
            f"look for loops that run too long (or raise {SECONDS_VARIABLE})"
        ) from None
    except TemplateError as error:
        raise InvalidDataError(f"{_where(error, loader, shown)}: template error ({error})") from None
    except Exception as error:  # noqa: BLE001 - a user's template may fail in any way
        where = _where(error, loader, shown)
        raise InvalidDataError(f"{where}: the template failed ({type(error).__name__})") from None
