"""Computed ledgers kept in this process, under everything they were computed from.

A student's ledger is a pure function (`ledger.student_ledger`) of their rows (session
records, sessions, IEPs, services, mandate versions: summed up by their ledger stamp,
`ledger_stamps.py`) and of district-wide inputs that `load_ledgers` reads on every call
anyway (the school calendar with its closures, the owed reasons of the makeup policy,
the records starts of the student's service lines, the disciplines of the district's
providers), of today and of `through`. The key
holds all of them, so an entry is never stale: a write gives the student a new stamp and
the old entry is simply never asked for again (it ages out of the LRU).

Entries are shared by the requests of one worker process and must not be changed by
their readers (nothing in the app changes a computed ledger).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping

from django.conf import settings

from pushin.sessions.ledger import StudentLedger

# (student pk, their ledger stamp, the district-wide inputs, their records starts)
Key = tuple[Hashable, ...]

_lock = threading.Lock()
_entries: OrderedDict[Key, StudentLedger] = OrderedDict()


def capacity() -> int:
    return int(settings.PUSHIN_LEDGER_CACHE_ENTRIES)


def stamps(student_ids: Iterable[int]) -> dict[int, int]:
    """Student pk -> the token of their ledger inputs (students without a stamp absent)."""
    from pushin.sessions.models import LedgerStamp

    return dict(
        LedgerStamp.objects.filter(student_id__in=list(student_ids)).values_list(
            "student_id", "token"
        )
    )


def get_many(keys: Mapping[int, Key]) -> dict[int, StudentLedger]:
    found: dict[int, StudentLedger] = {}
    with _lock:
        for pk, key in keys.items():
            ledger = _entries.get(key)
            if ledger is not None:
                _entries.move_to_end(key)
                found[pk] = ledger
    return found


def put_many(items: Iterable[tuple[Key, StudentLedger]]) -> None:
    limit = capacity()
    with _lock:
        for key, ledger in items:
            _entries[key] = ledger
            _entries.move_to_end(key)
        while len(_entries) > limit:
            _entries.popitem(last=False)


def size() -> int:
    return len(_entries)
