"""Reading untrusted JSON while collecting every problem with its JSON path.

Parsers call these helpers instead of raising on the first problem, so a user sees every
mistake in a scenario at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .timeutil import DAYS, parse_hhmm

_MISSING: Any = object()


@dataclass(frozen=True)
class ScenarioIssue:
    """One input problem: where (a JSON path such as `$.students[3].goals`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ScenarioError(Exception):
    """Every problem found in an input, reported together; nothing was solved."""

    def __init__(self, errors: list[ScenarioIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in errors))
        self.errors = errors


# A scenario of the largest district planned at once is a few megabytes.
MAX_INPUT_BYTES = 50 * 1024 * 1024
NESTED_TOO_DEEPLY = "nested too deeply to be a scenario or a plan"


def input_error(message: str) -> ScenarioError:
    """A problem with the input as a whole (it cannot be read at all): at `$`."""
    return ScenarioError([ScenarioIssue("$", message)])


def json_input(raw: object, *, source: str = "the input") -> object:
    """Decoded JSON text (a str, or bytes as UTF-8). Every way it can be unreadable (too
    large, not UTF-8, not text, not JSON, nested past Python's recursion limit) is a
    ScenarioError at `$` naming `source`, never a traceback: the planner, the makeups and
    the command line all read untrusted files through here."""
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw)
        _refuse_a_large(len(raw), source)
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise input_error(f"{source} is not UTF-8 text (byte {error.start})") from None
    if not isinstance(raw, str):
        raise input_error(f"expected JSON text (a string or bytes), got {_kind(raw)}")
    _refuse_a_large(len(raw), source)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise input_error(
            f"{source} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise input_error(f"{source} is {NESTED_TOO_DEEPLY}") from None


def _refuse_a_large(size: int, source: str) -> None:
    if size > MAX_INPUT_BYTES:
        raise input_error(f"{source} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")


class Reader:
    """Typed accessors that record an issue and return a harmless default on bad input."""

    def __init__(self) -> None:
        self.issues: list[ScenarioIssue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(ScenarioIssue(path, message))

    def obj(
        self, value: object, path: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> Mapping[str, Any] | None:
        """The value as a dict whose keys are all known, or None (with an issue)."""
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {_kind(value)}")
            return None
        required = tuple(required)
        known = set(required) | set(optional)
        for key in value:
            if key not in known:
                self.error(f"{path}.{key}", f"unknown key {key!r}")
        for key in required:
            if key not in value:
                self.error(path, f"missing key {key!r}")
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        """(path, element) for each element of a list-valued key; [] when absent or bad."""
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{key}", f"expected a list, got {_kind(value)}")
            return []
        return [(f"{path}.{key}[{index}]", item) for index, item in enumerate(value)]

    def string(
        self, data: Mapping[str, Any], key: str, path: str, default: str | None = None
    ) -> str:
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return default if default is not None else ""
        if not isinstance(value, str) or (default is None and value == ""):
            self.error(f"{path}.{key}", f"expected a non-empty string, got {value!r}")
            return default if default is not None else ""
        return value

    def optional_string(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        if key not in data:
            return None
        return self.string(data, key, path) or None

    def choice(
        self, data: Mapping[str, Any], key: str, path: str, allowed: Iterable[str], default: str
    ) -> str:
        allowed = tuple(allowed)
        value = data.get(key, default)
        if value not in allowed:
            self.error(f"{path}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
            return default
        return str(value)

    def optional_choice(
        self, data: Mapping[str, Any], key: str, path: str, allowed: Iterable[str]
    ) -> str | None:
        if key not in data:
            return None
        return self.choice(data, key, path, allowed, "") or None

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        default: int = 0,
        minimum: int | None = None,
    ) -> int:
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}.{key}", f"expected an integer, got {value!r}")
            return default
        if minimum is not None and value < minimum:
            self.error(f"{path}.{key}", f"{value} is below the minimum {minimum}")
            return default
        return int(value)

    def number(self, value: object, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(path, f"expected a number, got {value!r}")
            return 0.0
        return float(value)

    def day(self, data: Mapping[str, Any], path: str) -> str:
        return self.choice(data, "day", path, DAYS, "mon")

    def time(self, data: Mapping[str, Any], key: str, path: str) -> int | None:
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return None
        minutes = parse_hhmm(value) if isinstance(value, str) else None
        if minutes is None:
            self.error(f"{path}.{key}", f'expected a time "HH:MM", got {value!r}')
        return minutes

    def span(self, data: Mapping[str, Any], path: str) -> tuple[int, int]:
        """start and end, with an issue when end is not after start."""
        start = self.time(data, "start", path)
        end = self.time(data, "end", path)
        if start is not None and end is not None and end <= start:
            self.error(f"{path}.end", f"end {data['end']} is not after start {data['start']}")
        return start or 0, end or 0

    def unique_id(self, data: Mapping[str, Any], path: str, seen: dict[str, str]) -> str:
        """The object's id, with an issue if another object of its kind already has it."""
        ident = self.string(data, "id", path)
        if ident and ident in seen:
            self.error(f"{path}.id", f"duplicate id {ident!r} (also at {seen[ident]})")
        elif ident:
            seen[ident] = path
        return ident


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
