"""Sign-in limits: on top of the lockout of one (username, address) pair, one address is
locked after PUSHIN_SIGNIN_ADDRESS_LIMIT failures across usernames (spraying a password
over the staff list); behind a proxy, PUSHIN_PROXY_COUNT says which X-Forwarded-For entry
is the client's address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import NOW
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ATTACKER = "198.51.100.7"
COLLEAGUE = "198.51.100.8"
PROXY = "10.0.0.2"


def _try(client: Client, username: str, password: str, **extra: Any):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _spray(client: Client, count: int, **extra: Any) -> list[int]:
    return [_try(client, f"staff{n:02d}", "Summer2026!", **extra).status_code for n in range(count)]


def test_spraying_usernames_from_one_address_locks_that_address(world: World) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    codes = _spray(client, 25)

    assert codes[:19] == [200] * 19  # the form again, "wrong username or password"
    assert set(codes[20:]) == {429}
    # Locked: even the right password of a real account is refused from that address.
    response = _try(client, "provider", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content


def test_another_address_still_signs_in(world: World) -> None:
    _spray(Client(REMOTE_ADDR=ATTACKER), 25)
    response = _try(Client(REMOTE_ADDR=COLLEAGUE), "provider", PASSWORD)
    assert response.status_code == 302


def test_below_the_address_limit_a_real_sign_in_still_works(world: World) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    assert set(_spray(client, 19)) == {200}
    assert _try(client, "provider", PASSWORD).status_code == 302


def test_the_address_lock_ends_after_the_cool_off(world: World, time_machine) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    _spray(client, 25)
    assert _try(client, "provider", PASSWORD).status_code == 429
    time_machine.move_to(NOW + dt.timedelta(hours=1, minutes=5), tick=False)
    assert _try(client, "provider", PASSWORD).status_code == 302


@override_settings(PUSHIN_SIGNIN_ADDRESS_LIMIT=8)
def test_the_address_limit_is_a_setting(world: World) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    codes = _spray(client, 9)
    assert codes[:7] == [200] * 7
    assert codes[8] == 429


def test_one_account_is_still_locked_after_five_failures_from_one_address(world: World) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        _try(client, "provider", "wrong")
    assert _try(client, "provider", PASSWORD).status_code == 429
    assert _try(client, "teacher", PASSWORD).status_code == 302


# --- Behind a proxy -------------------------------------------------------------------------


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(world: World) -> None:
    """A client cannot escape the address limit by sending its own X-Forwarded-For."""
    client = Client(REMOTE_ADDR=ATTACKER)
    for n in range(25):
        _try(client, f"staff{n:02d}", "Summer2026!", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = _try(client, "provider", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


@override_settings(PUSHIN_PROXY_COUNT=1)
def test_with_the_proxy_setting_x_forwarded_for_decides_the_address(world: World) -> None:
    # Every request arrives from the proxy; the proxy appends the client's address.
    client = Client(REMOTE_ADDR=PROXY)
    codes = _spray(client, 25, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert set(codes[20:]) == {429}
    assert _try(client, "provider", PASSWORD, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    # Another client behind the same proxy is not locked out with the attacker.
    assert _try(client, "provider", PASSWORD, HTTP_X_FORWARDED_FOR=COLLEAGUE).status_code == 302


@override_settings(PUSHIN_PROXY_COUNT=1)
def test_behind_one_proxy_a_forged_left_entry_changes_nothing(world: World) -> None:
    """The client may send its own X-Forwarded-For; the proxy appends the real address,
    and with one proxy only the right-most entry counts."""
    client = Client(REMOTE_ADDR=PROXY)
    for n in range(25):
        forged = f"203.0.113.{n}, {ATTACKER}"
        _try(client, f"staff{n:02d}", "Summer2026!", HTTP_X_FORWARDED_FOR=forged)
    response = _try(client, "provider", PASSWORD, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")
    assert response.status_code == 429


@override_settings(PUSHIN_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(world: World) -> None:
    client = Client(REMOTE_ADDR=PROXY)
    for n in range(25):
        chain = f"203.0.113.{n}, {ATTACKER}, 10.0.0.1"
        _try(client, f"staff{n:02d}", "Summer2026!", HTTP_X_FORWARDED_FOR=chain)
    locked = _try(client, "provider", PASSWORD, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, 10.0.0.1")
    assert locked.status_code == 429
    other = _try(client, "provider", PASSWORD, HTTP_X_FORWARDED_FOR=f"{COLLEAGUE}, 10.0.0.1")
    assert other.status_code == 302


@override_settings(PUSHIN_PROXY_COUNT=1)
def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_connection(
    world: World,
) -> None:
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR=PROXY)
    _try(client, "provider", "wrong")
    _try(client, "provider", "wrong", HTTP_X_FORWARDED_FOR="not-an-address")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
