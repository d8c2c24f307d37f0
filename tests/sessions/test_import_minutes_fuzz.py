"""Fuzzing the past-minutes import end to end (issue 10), beyond the service and upload
fuzzing of tests/district/test_import_fuzz.py: files shaped like the example, through the
page's preview and its confirmation, and with the database failing at a random write of
the confirmation. Never a 500, never a partial write: a confirmed import writes exactly
the sessions and minutes its preview promised, a failed one writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pushin.district.import_flow import DB_FAILED
from pushin.sessions.models import SessionStudent
from tests.district.fuzz_helpers import VIEW_FUZZ, row_counts
from tests.district.test_import_fuzz import MINUTES, _started
from tests.factories import World

URL = reverse("minutes:import")
WRITE = ("INSERT", "UPDATE", "DELETE")


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("m.csv", text.encode("utf-8"), content_type="text/csv")


def _imported_minutes() -> int:
    total = SessionStudent.objects.filter(session__is_imported=True).aggregate(
        total=Sum("minutes_delivered")
    )["total"]
    return int(total or 0)


def _without_audit(counts: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in counts.items() if name != "AuditEntry"}


@contextmanager
def _rolled_back() -> Iterator[None]:
    """One example in a savepoint that is rolled back: examples do not see each other."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def _failing_write(at: int) -> Iterator[list[int]]:
    """The `at`-th write statement (1-based) fails as a lost database would."""
    seen = [0]

    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(WRITE):
            seen[0] += 1
            if seen[0] == at:
                raise DatabaseError("injected: the database went away")
        return execute(sql, *args)

    with connection.execute_wrapper(wrapper):
        yield seen


def test_a_confirmed_preview_writes_what_it_promised(world: World, login) -> None:
    _started(world)
    client = login(world.admin)
    confirmed = []

    @VIEW_FUZZ
    @given(text=MINUTES)
    def fuzz(text: str) -> None:
        with _rolled_back():
            before, minutes_before = row_counts(), _imported_minutes()
            preview = client.post(URL, {"file": _upload(text)})
            assert preview.status_code == 200
            payload = preview.context.get("payload")
            if payload is None:  # problems listed, or the file refused: nothing to confirm
                assert _without_audit(row_counts()) == _without_audit(before)
                return
            promised = preview.context["result"].counts
            response = client.post(URL, {"payload": payload, "confirm": "1"})
            assert response.status_code == 302
            after = row_counts()
            assert after["DatedSession"] - before["DatedSession"] == promised["sessions_imported"]
            assert (
                after["SessionStudent"] - before["SessionStudent"] == promised["sessions_imported"]
            )
            assert _imported_minutes() - minutes_before == promised["minutes_imported"]
            confirmed.append(promised["sessions_imported"])

    fuzz()
    assert confirmed  # the files reached the confirmation


def test_a_confirmation_the_database_fails_midway_writes_nothing(world: World, login) -> None:
    _started(world)
    client = login(world.admin)
    failed = []

    @VIEW_FUZZ
    @given(text=MINUTES, at=st.integers(1, 12))
    def fuzz(text: str, at: int) -> None:
        with _rolled_back():
            preview = client.post(URL, {"file": _upload(text)})
            payload = preview.context.get("payload")
            if payload is None:
                return
            before = row_counts()
            with _failing_write(at) as seen:
                response = client.post(URL, {"payload": payload, "confirm": "1"}, follow=True)
            assert response.status_code == 200
            if seen[0] >= at:  # the failure struck: not a row of the import is left
                assert DB_FAILED in response.content.decode()
                assert row_counts() == before
                failed.append(at)
            else:
                assert DB_FAILED not in response.content.decode()

    fuzz()
    assert failed  # failures struck at some write of some import
