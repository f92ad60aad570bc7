"""The sandbox a template runs in, and its limits.

Templates are code that every later step runs, so they run in jinja2's immutable
sandbox (no reaching into Python internals, no changing what they are given) and under
limits: numbers, texts and lists of bounded size (checked at the operators, functions
and filters that could build them from a few characters), and bounded time and memory.
render.py renders in this environment and turns what it raises into one message.
"""

from __future__ import annotations

import functools
import math
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reviewctl.errors import UsageError

MAX_DIGITS = 4000  # Python itself will not print an integer of more than 4300 digits
MAX_LENGTH = 10_000_000  # characters of output, or of any text or list a template builds
MAX_MEMORY = 1024 * 2**20  # bytes of address space a rendering may add
DEFAULT_SECONDS = 5.0
SECONDS_VARIABLE = "REVIEWCTL_TEMPLATE_SECONDS"
_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))


class LimitExceeded(Exception):
    """A template went over a limit; the message says which."""


class TimeUp(Exception):
    """A rendering ran past its time limit."""


def _check_operands(operator: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if ints and ((operator == "**" and right > 0 and abs(left) > 1 and right * math.log2(abs(left)) > _MAX_BITS)
                 or (operator == "*" and left.bit_length() + right.bit_length() > _MAX_BITS + 1)):
        raise LimitExceeded(f"computes a number of more than {MAX_DIGITS} digits; templates fill in letters: "
                            "simplify the expression")
    sequences = (str, list, tuple)
    if operator == "*" and isinstance(left, int) != isinstance(right, int):
        sequence, times = (right, left) if isinstance(left, int) else (left, right)
        longer = isinstance(sequence, sequences) and isinstance(times, int) and len(sequence) * times > MAX_LENGTH
    else:
        longer = (operator == "+" and isinstance(left, sequences) and isinstance(right, sequences)
                  and len(left) + len(right) > MAX_LENGTH)
    if longer:
        raise LimitExceeded(f"builds a text or list longer than {MAX_LENGTH:,}; make it shorter")


# A width or count in a format (`{:>1000000000}`, `%1000000000d`) builds a text that long.
_HUGE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{8,}[^{}]*\}|%[-#0 +]*(?:\d{8,}|\*)")


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A function or filter given a huge number (`center(10**9)`) builds a huge text or list."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_LENGTH:
            raise LimitExceeded(f"passes a number larger than {MAX_LENGTH:,} to a function or filter; make it smaller")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _HUGE_WIDTH.search(text):
        raise LimitExceeded(f"formats with a width of more than {MAX_LENGTH:,} characters (or one given by `*`); "
                            "give a smaller width")


def _limited_filter(function: Callable[..., Any], checks_format: bool) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps jinja's pass_context / pass_environment marks
    def limited(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        if checks_format:
            _check_format(next((a for a in args if isinstance(a, str)), None))
        return function(*args, **kwargs)

    return limited


class LimitedEnvironment(ImmutableSandboxedEnvironment):
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


def time_allowed() -> float:
    """The seconds one rendering may take: REVIEWCTL_TEMPLATE_SECONDS, else DEFAULT_SECONDS."""
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


def alarmed() -> bool:
    """Whether time_limit's alarm can stop a rendering here (the main thread, on POSIX)."""
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeUp in the rendering once `seconds` have passed (main thread, POSIX)."""
    if not alarmed():
        yield  # the output loop still checks the clock
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise TimeUp

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
def memory_limit(extra: int) -> Iterator[None]:
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
