"""Signing a test in past two-factor sign-in (pushin/accounts/two_factor.py).

The districts of the test worlds keep the production default: administrators must use
two-factor sign-in. A test that signs an administrator in either gives the code, as a
person would (`current_code`, computed from their authenticator like their app does), or
uses `force_login`, which, like Django's `Client.force_login` skips the password, records
the second factor as given the way django-otp does after a right code (the device's id in
the session) and clears the marks of a sign-in still owing it. The middleware is the
production one: a session without that record is sent to the code or setup page.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pushin.accounts import two_factor
from pushin.accounts.models import User

BACKEND = "django.contrib.auth.backends.ModelBackend"
# RFC 6238's test secret ("12345678901234567890"): test worlds only.
TEST_KEY = "3132333435363738393031323334353637383930"


def authenticator_for(user: User) -> TOTPDevice:
    """`user`'s confirmed authenticator; one with the test secret if they have none (as
    the person would have set up at their first sign-in)."""
    device = two_factor.confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=TEST_KEY, confirmed=True
        )
    return device


def authenticator_if_needed(user: User) -> TOTPDevice | None:
    """The authenticator a sign-in of `user` will ask a code of: theirs, or a new one
    when their role requires it; None when their sign-in asks no code."""
    if two_factor.is_required(user):
        return authenticator_for(user)
    return two_factor.confirmed_device(user)


def current_code(device: TOTPDevice) -> str:
    """The code the person's app shows now; the next one if this one was used already
    (django-otp refuses a code twice, and accepts the next step's)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    if device.last_t is not None and device.last_t >= now:
        totp.time += device.step * (device.last_t + 1 - now)
    return f"{totp.token():0{device.digits}d}"


def force_login(client: Client, user: User) -> Client:
    """`client.force_login(user)` with the second factor given, when the sign-in owes one."""
    client.force_login(user, backend=BACKEND)
    session = client.session
    if session.get(two_factor.PENDING) or session.get(two_factor.SETUP_REQUIRED):
        device = authenticator_for(user)
        session.pop(two_factor.PENDING, None)
        session.pop(two_factor.SETUP_REQUIRED, None)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def code_if_owed(client: Client) -> bool:
    """After the sign-in form (or single sign-on): the code the sign-in owes, given on the
    code page as the person would. Returns whether one was owed."""
    if not client.session.get(two_factor.PENDING):
        return False
    user = User.objects.get(pk=client.session[SESSION_KEY])
    device = two_factor.confirmed_device(user)
    assert device is not None
    response = client.post(reverse("two_factor:verify"), {"code": current_code(device)})
    assert response.status_code == 302, response
    assert not client.session.get(two_factor.PENDING)
    return True
