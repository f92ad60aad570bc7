"""The quick builder of bulk reads (adapters/yamlfast.py) reads every text as PyYAML's constructor does.

Each text is read both ways: the builder, and `yaml.load` with the same loader; the
values (and their types) must be the same, and an error must be the same one-line message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import yaml

from reviewctl.adapters import yamlfast
from reviewctl.errors import InvalidDataError

TEXTS = [
    "id: X\nstage: referred\nreceived: 2026-11-20\n",
    "a: 0\nb: 012\nc: -3\nd: +4\ne: 1_000\nf: 0x1A\ng: 1.5\nh: .inf\ni: -.INF\nj: .nan\nk: 1e3\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ''\ng: \"\"\n",
    "a: true\nb: True\nc: FALSE\nd: yes\ne: no\nf: on\ng: off\nh: y\n",
    "a: 2026-1-6\nb: 2026-11-20T10:00:00\nc: 2026-11-20 10:00:00.5+01:00\nd: '2026-11-20'\n",
    "a: 12:30\nb: 1:2:3\ne: ~x\n",
    "2026-11-20: a date key\ntrue: a bool key\n3: an int key\nnull: a null key\n",
    "'quoted': key\n\"double\": key\n",
    "a: !!str 2026\nb: !!int '7'\nc: !!float 1\n",
    "list:\n  - 1\n  - [a, b, {c: d}]\n  - {}\n  - []\ntext: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "",
    "# only a comment\n",
    "just text\n",
    "- a\n- b\n",
    "a: 'it''s'\nb: \"tab\\there\"\nc: Zoë Quillfeather-Imaginary\n",
    "? complex\n: value\n",
]
ERRORS = [
    "a: 1\nb: 2\na: 3\n",  # a repeated key
    "outer:\n  x: 2026-02-30\n  x: 1\n",  # a repeated key found before the impossible date below it
    "when: 2026-02-30\n",  # a date that does not exist
    "a: [1, 2\n",  # malformed
    "a: !custom 1\n",  # an unknown tag
    "c: =\n",  # the value tag, which nothing constructs
    "d: <<\n",  # a merge key as a value
    "base: {x: 1}\nmerged:\n  <<: {y: 2}\n  z: 3\n",  # a merge key
    "? [a, b]\n: c\n",  # a key that is a list
    "a: 1\n  b: 2\n",  # bad indentation
]


def _both(text: str) -> tuple[Any, Any]:
    expected = yaml.load(text, Loader=yamlfast._fast_loader())
    return yamlfast._builder()(text), expected


def _typed(value: Any) -> Any:
    """The value with the type of every part, so that 1 == True or a date == a datetime cannot pass."""
    if isinstance(value, dict):
        return {(type(k).__name__, repr(k)): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return type(value).__name__, repr(value)


@pytest.mark.parametrize("text", TEXTS)
def test_the_builder_reads_as_the_constructor(text: str) -> None:
    try:
        built, expected = _both(text)
    except yamlfast._Unusual:
        # Left to the constructor: parse_fast then reads it the usual way.
        built = yaml.load(text, Loader=yamlfast._fast_loader())
        expected = yaml.load(text, Loader=yamlfast._fast_loader())
    assert _typed(built) == _typed(expected)
    assert _typed(yamlfast.parse_fast(text, "f.yaml")) == _typed(expected)


def test_common_values_are_built_without_the_constructor() -> None:
    built = yamlfast._builder()("id: X\nreceived: 2026-11-20\nn: 10\nok: true\nnone:\nlist: [a, 'b']\n")
    assert built == {"id": "X", "received": date(2026, 11, 20), "n": 10, "ok": True, "none": None,
                     "list": ["a", "b"]}
    assert type(built["received"]) is date and not isinstance(built["received"], datetime)


@pytest.mark.parametrize("text", ERRORS)
def test_errors_are_the_same_message(text: str) -> None:
    def message(read: Any) -> str:
        try:
            read()
        except InvalidDataError as error:
            return error.message
        raise AssertionError("no error")

    def the_old_way() -> Any:
        # parse_fast as it was: the whole text through PyYAML's constructor.
        real = yamlfast._builder
        yamlfast._builder.cache_clear()
        try:
            yamlfast._builder = lambda: _always_unusual  # type: ignore[assignment]
            return yamlfast.parse_fast(text, "f.yaml")
        finally:
            yamlfast._builder = real

    assert message(lambda: yamlfast.parse_fast(text, "f.yaml")) == message(the_old_way)


def _always_unusual(text: str) -> Any:
    raise yamlfast._Unusual
