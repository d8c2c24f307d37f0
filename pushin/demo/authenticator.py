"""The demo administrator's authenticator app.

Administrators must use two-factor sign-in unless their district chooses otherwise
(`TwoFactorPolicy.DEFAULT_ROLES`), and the demo district keeps that default, so an
evaluator sees what a district gets. Its administrator login comes with a confirmed
authenticator whose secret `manage.py load_demo` prints beside the logins: add it to any
authenticator app, or let `manage.py demo_code` print the current code.

The secret follows from the size and seed like everything else in the demo (so an app set
up once keeps working after `load_demo --reset`), and is the same on every machine: it
guards synthetic data only. A real district's secrets are made by the setup page
(`pushin.accounts.two_factor`), one per person, and never printed.
"""

from __future__ import annotations

import base64
import hashlib

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pushin.accounts.models import User
from pushin.accounts.two_factor import confirmed_device


def demo_authenticator_key(*, size: str, seed: int) -> str:
    """The demo's authenticator secret (hex, 20 bytes) for this size and seed."""
    return hashlib.sha256(f"pushin-demo-authenticator-{size}-{seed}".encode()).digest()[:20].hex()


def demo_authenticator_create(*, user: User, size: str, seed: int) -> TOTPDevice:
    """Give the demo's `user` a confirmed authenticator with the demo's secret."""
    return TOTPDevice.objects.create(
        user=user,
        name="Authenticator app",
        key=demo_authenticator_key(size=size, seed=seed),
        confirmed=True,
    )


def demo_authenticator_secret(user: User) -> str:
    """The secret of `user`'s authenticator as an app takes it (base32, no padding); ""
    when they have none."""
    device = confirmed_device(user)
    if device is None:
        return ""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def demo_authenticator_code(user: User) -> str:
    """The code `user`'s authenticator app shows now ("" when they have none)."""
    device = confirmed_device(user)
    if device is None:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
