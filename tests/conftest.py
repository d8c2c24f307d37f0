from __future__ import annotations

import pytest
from django.test import Client

from pushin.accounts.models import User
from tests.factories import World, make_world

pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def login(client: Client):
    """`login(user)` signs the test client in as that person and returns the client."""

    def _login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
