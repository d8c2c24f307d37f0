"""Two-factor sign-in (pushin/accounts/two_factor.py): anyone turns it on with a code from
an authenticator app; a sign-in of such an account opens nothing until it gives a current
code; turning it off takes a code too."""

from __future__ import annotations

import base64
import datetime as dt
import re
from urllib.parse import parse_qs, unquote, urlparse

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pushin.accounts.models import AuditEntry, TwoFactorPolicy, User
from pushin.accounts.two_factor import PENDING, SETUP_REQUIRED
from tests.factories import PASSWORD, World
from tests.page_text import page_text
from tests.signing_in import authenticator_for, current_code

HOME = reverse("two_factor:home")
VERIFY = reverse("two_factor:verify")


def _code(key_hex: str, *, steps_ago: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex), step=30, digits=6)
    totp.time -= 30 * steps_ago
    return f"{totp.token():06d}"


def _setup_key(client: Client) -> str:
    """The secret the setup page offers, read from its otpauth:// address."""
    html = client.get(HOME).content.decode().replace("<wbr>", "")
    uri = re.search(r"otpauth://totp/[^<\s]+", html)
    assert uri, html
    query = parse_qs(urlparse(unquote(uri.group(0)).replace("&amp;", "&")).query)
    secret = query["secret"][0]  # base32 without padding
    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


def _enable(client: Client) -> str:
    key = _setup_key(client)
    response = client.post(HOME, {"action": "enable", "code": _code(key)}, follow=True)
    assert "Two-factor sign-in is on" in page_text(response.content.decode())
    return key


def _sign_in(username: str) -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def test_setup_page_shows_a_qr_code_and_the_address_and_writes_nothing(world: World, login) -> None:
    client = login(world.provider.user)
    response = client.get(HOME)
    html = response.content.decode().replace("<wbr>", "")
    assert response.status_code == 200
    assert "<svg" in html
    assert "otpauth://totp/Push-In%3Aprovider" in html or "otpauth://totp/Push-In:" in html
    assert "issuer=Push-In" in html
    assert not TOTPDevice.objects.exists()
    # The same secret on the next visit: the app and the page agree.
    assert _setup_key(client) == _setup_key(client)


def test_a_wrong_code_does_not_turn_it_on(world: World, login) -> None:
    client = login(world.provider.user)
    key = _setup_key(client)
    wrong = f"{(int(_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(HOME, {"action": "enable", "code": wrong})
    assert "That code is not right" in page_text(response.content.decode())
    assert not TOTPDevice.objects.exists()


def test_turning_it_on_is_audited(world: World, login) -> None:
    _enable(login(world.teacher))
    device = TOTPDevice.objects.get(user=world.teacher)
    assert device.confirmed
    entry = AuditEntry.objects.get(object_id=str(world.teacher.pk))
    assert entry.detail == {"two_factor": "on"}


def test_a_sign_in_with_two_factor_opens_nothing_before_the_code(
    world: World, login, time_machine
) -> None:
    key = _enable(login(world.teacher))
    time_machine.shift(dt.timedelta(minutes=2))  # a later sign-in, a new code
    client, location = _sign_in("teacher")
    page = client.get(location)
    assert page.status_code == 302
    assert page["Location"].startswith(VERIFY)
    portal = reverse("collaboration:portal_home")
    blocked = client.get(portal)
    assert blocked["Location"] == f"{VERIFY}?next={portal}"
    htmx = client.get(portal, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(VERIFY)
    assert client.post(reverse("password:change"), {}).status_code == 302
    wrong = client.post(VERIFY, {"code": "000000", "next": portal})
    if _code(key) != "000000":
        assert "That code is not right" in page_text(wrong.content.decode())
    old = client.post(VERIFY, {"code": _code(key, steps_ago=4), "next": portal})
    assert "That code is not right" in page_text(old.content.decode())
    time_machine.shift(dt.timedelta(seconds=10))  # django-otp slows down repeated failures
    good = client.post(VERIFY, {"code": _code(key), "next": portal})
    assert good["Location"] == portal
    assert client.get(reverse("password:change")).status_code == 200
    assert PENDING not in client.session


def test_the_code_page_refuses_a_foreign_next(world: World, login, time_machine) -> None:
    key = _enable(login(world.teacher))
    time_machine.shift(dt.timedelta(minutes=2))
    client, _ = _sign_in("teacher")
    good = client.post(VERIFY, {"code": _code(key), "next": "https://evil.example/"})
    assert good["Location"] == reverse("home")


def test_a_sign_in_without_two_factor_asks_no_code(world: World) -> None:
    client, location = _sign_in("teacher")
    assert not location.startswith(VERIFY)
    assert client.get(reverse("password:change")).status_code == 200
    assert client.get(VERIFY)["Location"] == reverse("home")


def test_signing_out_works_while_the_code_is_owed(world: World, login, time_machine) -> None:
    _enable(login(world.teacher))
    time_machine.shift(dt.timedelta(minutes=2))
    client, _ = _sign_in("teacher")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.session.get("_auth_user_id")


def test_turning_it_off_takes_a_current_code(world: World, login, time_machine) -> None:
    client = login(world.teacher)
    key = _enable(client)
    time_machine.shift(dt.timedelta(minutes=2))
    refused = client.post(HOME, {"action": "disable", "code": _code(key, steps_ago=4)})
    assert "That code is not right" in page_text(refused.content.decode())
    assert TOTPDevice.objects.filter(user=world.teacher).exists()
    time_machine.shift(dt.timedelta(seconds=10))  # django-otp slows down repeated failures
    done = client.post(HOME, {"action": "disable", "code": _code(key)}, follow=True)
    assert "Two-factor sign-in is off" in page_text(done.content.decode())
    assert not TOTPDevice.objects.filter(user=world.teacher).exists()
    time_machine.shift(dt.timedelta(minutes=2))
    _, location = _sign_in("teacher")
    assert not location.startswith(VERIFY)


def test_each_account_has_its_own(world: World, login, time_machine) -> None:
    _enable(login(world.teacher))
    assert not TOTPDevice.objects.filter(user=world.provider.user).exists()
    assert User.objects.get(pk=world.provider.user.pk).is_active
    _, location = _sign_in("provider")
    assert not location.startswith(VERIFY)


def test_the_django_admin_does_not_show_anyones_secret(world: World, login) -> None:
    from pushin.accounts.models import Role
    from tests.factories import make_user

    _enable(login(world.teacher))
    root = make_user("root", Role.ADMIN, is_superuser=True, is_staff=True)
    client = login(root)
    device = TOTPDevice.objects.get(user=world.teacher)
    assert client.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 404
    assert client.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 404
    assert device.key not in client.get(reverse("admin:index")).content.decode()


# The district chooses the roles that must use it.

POLICY = reverse("two_factor:policy")


def _checked(html: str) -> list[str]:
    """The roles ticked on the district's page."""
    return re.findall(r'<input type="checkbox" name="roles" value="(\w+)"[^>]*checked', html)


def test_by_default_administrators_are_required(world: World) -> None:
    from pushin.accounts.two_factor import required_roles

    assert not TwoFactorPolicy.objects.exists()
    assert required_roles(world.district) == ["admin"]


def test_the_district_administrator_chooses_the_roles(world: World, login) -> None:
    from pushin.accounts.two_factor import required_roles

    client = login(world.admin)
    page = client.get(POLICY)
    assert page.status_code == 200
    assert _checked(page.content.decode()) == ["admin"]  # the default, before any choice
    response = client.post(POLICY, {"roles": ["admin", "provider"]}, follow=True)
    assert "Saved" in page_text(response.content.decode())
    assert required_roles(world.district) == ["provider", "admin"]
    entry = AuditEntry.objects.get(object_type="district.district")
    assert entry.detail == {"two_factor_roles": ["provider", "admin"]}
    bad = client.post(POLICY, {"roles": ["wizard"]})
    assert "Select a valid choice" in page_text(bad.content.decode())
    assert required_roles(world.district) == ["provider", "admin"]
    assert login(world.teacher).get(POLICY).status_code == 404


def test_the_district_may_require_it_of_nobody(world: World, login) -> None:
    from pushin.accounts.two_factor import required_roles

    client = login(world.admin)
    response = client.post(POLICY, {}, follow=True)  # no box ticked: no field at all
    assert "Saved" in page_text(response.content.decode())
    assert TwoFactorPolicy.objects.get(district=world.district).roles == []
    assert required_roles(world.district) == []
    assert _checked(client.get(POLICY).content.decode()) == []


def test_a_fresh_districts_administrator_sets_one_up_before_any_other_page(
    world: World, time_machine
) -> None:
    # No choice made by the district: the default requires it of administrators.
    assert not TOTPDevice.objects.filter(user=world.admin).exists()
    client, location = _sign_in("admin")
    page = client.get(location)
    assert page["Location"] == HOME
    dashboard = reverse("district:dashboard")
    assert client.get(dashboard)["Location"] == HOME
    assert client.get(dashboard, headers={"HX-Request": "true"})["HX-Redirect"] == HOME
    setup = client.get(HOME)
    assert "Your district requires two-factor sign-in for your role" in page_text(
        setup.content.decode()
    )
    key = _setup_key(client)
    client.post(HOME, {"action": "enable", "code": _code(key)})
    assert client.get(dashboard).status_code == 200
    # It stays on: the district requires it.
    time_machine.shift(dt.timedelta(minutes=2))
    refused = client.post(HOME, {"action": "disable", "code": _code(key)})
    assert "stays on" in page_text(refused.content.decode())
    assert TOTPDevice.objects.filter(user=world.admin).exists()
    # The next sign-in asks for the code.
    time_machine.shift(dt.timedelta(minutes=2))
    again, location = _sign_in("admin")
    assert again.get(location)["Location"].startswith(VERIFY)


def test_an_administrator_with_an_authenticator_is_asked_for_the_code_by_default(
    world: World, time_machine
) -> None:
    device = authenticator_for(world.admin)
    client, location = _sign_in("admin")
    dashboard = reverse("district:dashboard")
    assert client.get(location)["Location"].startswith(VERIFY)
    assert client.get(dashboard)["Location"] == f"{VERIFY}?next={dashboard}"
    assert client.get(POLICY)["Location"].startswith(VERIFY)
    given = client.post(VERIFY, {"code": current_code(device), "next": dashboard})
    assert given["Location"] == dashboard
    assert client.get(dashboard).status_code == 200


def test_a_provider_is_not_asked_by_default(world: World) -> None:
    client, location = _sign_in("provider")
    assert not location.startswith(VERIFY)
    assert client.get(reverse("sessions:today")).status_code == 200
    assert PENDING not in client.session
    assert SETUP_REQUIRED not in client.session


def test_a_district_that_unticks_administrators_no_longer_requires_it(
    world: World, login, time_machine
) -> None:
    admin = login(world.admin)
    admin.post(POLICY, {"roles": ["provider"]})
    # An administrator without an authenticator signs in with the password alone.
    TOTPDevice.objects.filter(user=world.admin).delete()
    client, _ = _sign_in("admin")
    assert SETUP_REQUIRED not in client.session
    assert client.get(reverse("district:dashboard")).status_code == 200
    # One who has an authenticator may now turn it off (with a code).
    key = _enable(client)
    time_machine.shift(dt.timedelta(minutes=2))
    done = client.post(HOME, {"action": "disable", "code": _code(key)}, follow=True)
    assert "Two-factor sign-in is off" in page_text(done.content.decode())
    # The ticked role is now the one asked.
    client, location = _sign_in("provider")
    assert client.get(location)["Location"] == HOME


def test_a_role_not_required_signs_in_as_before(world: World, login) -> None:
    login(world.admin).post(POLICY, {"roles": ["admin"]})
    client, _ = _sign_in("teacher")
    assert client.get(reverse("password:change")).status_code == 200


def test_an_administrator_clears_a_lost_authenticator(world: World, login, time_machine) -> None:
    _enable(login(world.teacher))
    admin = login(world.admin)
    page = admin.get(reverse("accounts:user_edit", args=[world.teacher.pk]))
    assert 'value="two_factor_clear"' in page.content.decode()
    response = admin.post(
        reverse("accounts:user_edit", args=[world.teacher.pk]),
        {"action": "two_factor_clear"},
        follow=True,
    )
    assert "teacher's authenticator was cleared" in page_text(response.content.decode())
    assert not TOTPDevice.objects.filter(user=world.teacher).exists()
    entry = AuditEntry.objects.filter(actor=world.admin).get()
    assert entry.detail == {"two_factor": "cleared"}
    time_machine.shift(dt.timedelta(minutes=2))
    _, location = _sign_in("teacher")
    assert not location.startswith(VERIFY)
