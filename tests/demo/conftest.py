"""The small demo district loaded once for a whole module (`small_demo`).

Loading it takes seconds, and most demo tests only read it. The module's tests run
inside one outer transaction that holds the demo and is rolled back after the last of
them; each test's own changes are rolled back by its savepoint (pytest-django's `db`),
so a test may still reload, reset or delete the demo. A module using it must request
it from every test that reads the database (one that does not would still see the
demo). `make test` gives each pytest-xdist worker a contiguous run of tests (`--dist
worksteal`), so the demo is loaded once a module, twice when the two workers split it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from pytest_django import DjangoDbBlocker

from pushin.demo.district import DemoSummary, demo_district_load
from tests.conftest import NOW


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """An outer transaction around a module's tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def at_the_tests_clock() -> time_machine.travel:
    """The frozen clock of tests/conftest.py, for what a module fixture writes."""
    return time_machine.travel(NOW, tick=False)


@pytest.fixture(scope="module")
def small_demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoSummary]:
    with kept_for_the_module(django_db_blocker):
        with at_the_tests_clock():
            summary = demo_district_load(size="small")
        yield summary
