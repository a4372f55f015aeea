"""Type checks of configuration values, read from the annotations of the config dataclasses.

A JSON or TOML file can put any value under any key ("300" for a number, a list for a
table); the config classes' ``__post_init__`` checks assume the right types. The checks
here come from the field annotations themselves, so a field added to a config class is
checked without further code.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any

from .errors import BadInputError

__all__ = ["field_types", "describe_type", "checked_value", "wrong_type"]


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """The resolved annotation of each field of a dataclass."""
    hints = typing.get_type_hints(cls)
    return {item.name: hints[item.name] for item in dataclasses.fields(cls)}


def _members(annotation: Any) -> tuple[Any, ...] | None:
    """The members of ``X | Y`` or ``Optional[X]``; None for other annotations."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return None


_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a text",
          type(None): "nothing"}
_PLURALS = {bool: "true/false values", int: "whole numbers", float: "numbers", str: "texts"}


def describe_type(annotation: Any) -> str:
    """How a message names what a field takes, e.g. "a list of numbers"."""
    members = _members(annotation)
    if members is not None:
        return " or ".join(describe_type(m) for m in members)
    if dataclasses.is_dataclass(annotation):
        keys = ", ".join(f.name for f in dataclasses.fields(annotation))
        return f"a table (of {keys})"
    if typing.get_origin(annotation) is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_PLURALS.get(args[0], 'values')}"
        if args and len(set(args)) == 1:
            return f"a list of {len(args)} {_PLURALS.get(args[0], 'values')}"
        return f"a list of {len(args)} values"
    return _NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def wrong_type(key: str, value: Any, annotation: Any) -> BadInputError:
    """The error of a value of the wrong type: key, value and the type expected."""
    return BadInputError(f"configuration key {key} = {value!r} has the wrong type: it takes "
                         f"{describe_type(annotation)}")


class _MismatchError(Exception):
    """A value that does not fit an annotation (turned into :func:`wrong_type`)."""


def _convert(value: Any, annotation: Any) -> Any:
    """``value`` as ``annotation`` takes it (int -> float, list -> tuple); _MismatchError if not."""
    members = _members(annotation)
    if members is not None:
        for member in members:
            try:
                return _convert(value, member)
            except _MismatchError:
                continue
        raise _MismatchError
    if annotation is type(None):
        if value is None:
            return None
        raise _MismatchError
    if annotation is bool:
        if isinstance(value, bool):
            return value
        raise _MismatchError
    if annotation in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _MismatchError
        if annotation is int and not isinstance(value, int):
            raise _MismatchError
        return annotation(value)
    if annotation is str:
        if isinstance(value, str):
            return value
        raise _MismatchError
    if typing.get_origin(annotation) is tuple:
        return _convert_tuple(value, typing.get_args(annotation))
    return value  # a kind these checks do not know (Any, dict, ...): left to the class


def _convert_tuple(value: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise _MismatchError
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_convert(item, args[0]) for item in value)
    if len(value) != len(args):
        raise _MismatchError
    return tuple(_convert(item, arg) for item, arg in zip(value, args, strict=True))


def checked_value(value: Any, annotation: Any, key: str) -> Any:
    """Check a value against a field's annotation and return it as the field takes it.

    Whole numbers are taken where numbers go (as float), lists where tuples go (as
    tuples); ``True`` is not a number. Nested config tables are the caller's to build.

    Parameters
    ----------
    value : any
        From a JSON/TOML file or a dict of overrides.
    annotation : type
        The field's resolved annotation (see :func:`field_types`).
    key : str
        The dotted key, for the message.

    Raises
    ------
    BadInputError
        Naming the key, the value and the type expected.
    """
    try:
        return _convert(value, annotation)
    except _MismatchError:
        raise wrong_type(key, value, annotation) from None
