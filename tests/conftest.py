from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import hypothesis
import pytest
from django.test import Client

from pushin.accounts.models import User
from tests.factories import World, make_world
from tests.signing_in import force_login

pytest_plugins = ["tests.browser.fixtures"]

# The suite's generated examples are the same on every run (derandomize): a failure comes
# back on the next run, and a check that some example reached an outcome (the import
# fuzzers' "some file applied") cannot fail by the luck of one run. A deeper search
# (PUSHIN_FUZZ_EXAMPLES, tests/district/fuzz_helpers.py) draws new examples each time.
hypothesis.settings.register_profile("suite", derandomize=True)
hypothesis.settings.register_profile("explore", derandomize=False)
hypothesis.settings.load_profile("explore" if os.environ.get("PUSHIN_FUZZ_EXAMPLES") else "suite")


# The fixtures through which a test reaches the configured database in this process.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="Run only the tests that use the database (make test's PostgreSQL pass): a "
        "test without one gives the same answer whichever database is configured.",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    # pytest-django refuses database access to a test without these, so the rest cannot
    # depend on the database, except through another process (marked `database`).
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        uses = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        marked = item.get_closest_marker("django_db") or item.get_closest_marker("database")
        (keep if uses or marked else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Same algorithm, cheaper parameters (tests/hashers.py); before any hasher is loaded.
    settings.PASSWORD_HASHERS = [
        "tests.hashers.CheapArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS[1:],
    ]


# Every test starts at this instant (a Wednesday noon of the test world's school year) and
# the clock ticks on from there. A test that needs another moment moves the clock with the
# `time_machine` fixture (`time_machine.move_to(...)`); nothing reads the real date.
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=True)
    return time_machine


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def login(client: Client):
    """`login(user)` signs the test client in as that person and returns the client (past
    two-factor sign-in where it asks a code: tests/signing_in.py)."""

    def _login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            force_login(client, user)
        return client

    return _login
