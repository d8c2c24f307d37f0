from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase

from tests.conftest import NOW
from tests.core.rich_world import RichWorld, rich_world
from tests.core.test_crafted_dates import crafted_walk
from tests.core.test_get_never_writes import Walk, walk_every_persona


@pytest.fixture
def rich(db: None, django_capture_on_commit_callbacks: Any) -> RichWorld:
    """A world with something on every page (tests/core/rich_world.py)."""
    return rich_world(django_capture_on_commit_callbacks)


@pytest.fixture(scope="session")
def walked(django_db_setup: None, django_db_blocker: Any) -> Walk:
    """The walk of every GET route as every persona (tests/core/test_get_never_writes.py),
    made once per test process and read by several checks: no GET writes, every read is
    audited (test_read_audit_walk.py), no link carries a bare id (test_public_ids.py), and,
    requested after it in the same world, no crafted date crashes a page it opened
    (test_crafted_dates.py).
    Each walk is four thousand requests: walking once for all of them saves minutes of
    every test run. Its world is rolled back once the walk is done: the checks read the
    walk's record, not the database."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=True),
        transaction.atomic(),
    ):
        rich = rich_world(TestCase.captureOnCommitCallbacks)
        result = walk_every_persona(rich)
        result.crafted = crafted_walk(rich, result)
        transaction.set_rollback(True)
    return result
