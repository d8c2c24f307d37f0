"""Signing in: the right home page per role, lockout after repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_sign_in_with_the_right_password(world: World, client: Client) -> None:
    response = client.post("/login/", {"username": "provider", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    world: World, client: Client
) -> None:
    for _ in range(5):
        response = client.post("/login/", {"username": "provider", "password": "wrong"})
    response = client.post("/login/", {"username": "provider", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    other = client.post("/login/", {"username": "teacher", "password": PASSWORD})
    assert other.status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
