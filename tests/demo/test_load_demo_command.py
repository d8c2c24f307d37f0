"""`manage.py load_demo`: prints working logins, twice is harmless, --reset reloads."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoDbBlocker

from pushin.accounts.models import User
from pushin.demo.district import DEMO_PASSWORD, demo_district_delete
from pushin.district.models import District
from tests.demo.conftest import at_the_tests_clock, kept_for_the_module
from tests.demo.dump import row_counts

pytestmark = pytest.mark.django_db

# What each printed login lands on after signing in.
HOME = {
    "provider": "sessions:today",
    "teacher": "collaboration:portal_home",
    "para": "collaboration:carryover",
    "admin": "district:dashboard",
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def printed(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """What `load_demo` printed, run once for the module (tests/demo/conftest.py)."""
    with kept_for_the_module(django_db_blocker):
        with at_the_tests_clock():
            output = run()
        yield output


def printed_logins(output: str) -> dict[str, tuple[str, str]]:
    """role -> (username, password) from the command's table."""
    lines = output.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.split()[:3] == ["role", "username", "password"]
    )
    logins = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        role, username, password = line.split()[:3]
        logins[role] = (username, password)
    return logins


def test_prints_one_login_per_role_and_the_url(printed: str) -> None:
    output = printed
    assert "79 students, 9 schools, 1 provider " in output
    assert "http://127.0.0.1:8000/" in output
    assert printed_logins(output) == {
        "provider": ("ot.rivera", DEMO_PASSWORD),
        "teacher": ("teacher.park", DEMO_PASSWORD),
        "para": ("para.santos", DEMO_PASSWORD),
        "admin": ("admin.ellis", DEMO_PASSWORD),
    }
    assert "caseload of 79 students at 9 schools" in output


def printed_secret(output: str) -> str:
    """The authenticator secret printed for the administrator (base32)."""
    found = re.search(r"add the secret ([A-Z2-7]+)", output)
    assert found, output
    return found[1]


def code_of(secret: str) -> str:
    """What an authenticator app given `secret` shows now."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, step=30, digits=6).token():06d}"


@pytest.mark.parametrize("role", list(HOME))
def test_printed_logins_sign_in_and_land_on_their_home_page(
    printed: str, client: Client, role: str
) -> None:
    output = printed
    username, password = printed_logins(output)[role]
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    if role == "admin":  # two-factor, the default for administrators: the printed secret
        verify = reverse("two_factor:verify")
        assert client.get(reverse("home"))["Location"].startswith(verify)
        given = client.post(verify, {"code": code_of(printed_secret(output))})
        assert given["Location"] == reverse("home")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(HOME[role])
    page = client.get(response["Location"], follow=True)  # a one-room teacher goes on to it
    assert page.status_code == 200
    assert page.wsgi_request.user.username == username


def test_only_the_administrator_has_an_authenticator_and_demo_code_shows_its_code(
    printed: str,
) -> None:
    output = printed
    assert "Administrators must use two-factor sign-in" in output
    assert [device.user.username for device in TOTPDevice.objects.all()] == ["admin.ellis"]
    out = StringIO()
    call_command("demo_code", stdout=out)
    assert out.getvalue().split()[0] == code_of(printed_secret(output))
    assert "(admin.ellis;" in out.getvalue()
    # The same secret after --reset: an app set up once keeps working.
    assert printed_secret(run("--reset")) == printed_secret(output)


def test_demo_code_refuses_without_the_demo(printed: str) -> None:
    assert demo_district_delete(size="small")
    with pytest.raises(CommandError, match="no administrator with an authenticator"):
        call_command("demo_code", stdout=StringIO())


def test_passwords_are_hashed_with_argon2(printed: str) -> None:
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1, "one make_password hash reused for every demo user"
    assert next(iter(hashes)).startswith("argon2$")


def test_second_run_changes_nothing_and_says_so(printed: str) -> None:
    before = row_counts()
    district = District.objects.get()
    output = run()
    assert "loaded already; nothing changed" in output
    assert printed_logins(output)["provider"] == ("ot.rivera", DEMO_PASSWORD)
    assert row_counts() == before
    assert District.objects.get() == district


def test_reset_deletes_and_reloads(printed: str) -> None:
    before = row_counts()
    old = District.objects.get().pk
    output = run("--reset")
    assert "Loaded" in output
    assert District.objects.get().pk != old
    assert row_counts() == before


def test_url_can_be_given(printed: str) -> None:
    assert "Open http://127.0.0.1:8765/" in run("--url", "http://127.0.0.1:8765/")


def test_bad_size_is_a_usage_error() -> None:
    with pytest.raises(CommandError):
        run("--size", "medium")
