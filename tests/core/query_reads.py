"""Which query-string parameters a page reads: noted during the walk
(tests/core/test_get_never_writes.py) so that the crafted dates of
tests/core/test_crafted_dates.py are sent only to pages that look at a date parameter.

The app reads its query strings only through `request.GET` (no view or template reads
`QUERY_STRING` or the full path). Reading one key (`get`, `[]`, `getlist`, `in`) notes
that key; any other use (its length, as in `request.GET or None` or `{% if request.GET %}`;
its keys, items or values; a copy; `urlencode`) notes that the page may read every key.
So a page noted as not reading `date` gives the same answer with or without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any
from unittest import mock

from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.utils.functional import cached_property

EVERY_KEY = "*"


class Reads:
    """The keys read since the last `clear` (EVERY_KEY: possibly any)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def clear(self) -> None:
        self.keys = set()

    def any_of(self, names: Iterable[str]) -> bool:
        return may_read(self.keys, names)


def may_read(keys: AbstractSet[str], names: Iterable[str]) -> bool:
    """Whether a page that read `keys` may have read one of `names`."""
    return EVERY_KEY in keys or not keys.isdisjoint(names)


class _NotingQueryDict(QueryDict):
    _reads: Reads

    def _note(self, key: object) -> None:
        self._reads.keys.add(key if isinstance(key, str) else EVERY_KEY)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)


def _reads_every_key(name: str) -> Any:
    def method(self: _NotingQueryDict, *args: Any, **kwargs: Any) -> Any:
        self._reads.keys.add(EVERY_KEY)
        return getattr(QueryDict, name)(self, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "__len__",
    "__iter__",
    "keys",
    "values",
    "items",
    "lists",
    "dict",
    "copy",
    "__copy__",
    "__deepcopy__",
    "urlencode",
):
    setattr(_NotingQueryDict, _name, _reads_every_key(_name))


@contextlib.contextmanager
def noting_query_reads() -> Iterator[Reads]:
    """While open, every request's `request.GET` notes what it is asked into the Reads."""
    reads = Reads()
    original = WSGIRequest.__dict__["GET"]
    # Its copies (`request.GET.copy()`) are of the same class, so they note too.
    noting_class = type("_NotingQueryDict", (_NotingQueryDict,), {"_reads": reads})

    def noting_get(request: WSGIRequest) -> QueryDict:
        query: QueryDict = original.func(request)
        query.__class__ = noting_class
        return query

    noting = cached_property(noting_get)
    noting.__set_name__(WSGIRequest, "GET")
    with mock.patch.object(WSGIRequest, "GET", noting):
        yield reads
