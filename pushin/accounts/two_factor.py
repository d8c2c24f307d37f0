"""Two-factor sign-in with a time-based one-time code (TOTP, django-otp).

Anyone may turn it on for their own account (`/two-factor/`): the page shows a new secret
as a QR code and as an otpauth:// address for an authenticator app, and the first code the
app shows confirms it. From then on, every sign-in of that account asks for a current code
before any other page opens (`TwoFactorMiddleware`): the sign-in marks the session as
waiting for the code, and only the code page and signing out answer until it is given.

The secret being set up waits in the session (never in a table) until it is confirmed, so
opening the page writes nothing. Turning it off asks for a current code.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from urllib.parse import quote, urlencode

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, Role, TwoFactorPolicy, User
from pushin.district.models import District

Handler = Callable[[HttpRequest], HttpResponseBase]

PENDING = "pushin_2fa_pending"  # this sign-in still owes its code
SETUP_REQUIRED = "pushin_2fa_setup_required"  # the district requires it; none set up yet
SETUP_KEY = "pushin_2fa_setup_key"  # the secret being set up, until confirmed
ISSUER = "Push-In"


def required_roles(district: District) -> list[str]:
    """The roles `district` requires two-factor sign-in of (the default without a row)."""
    policy = TwoFactorPolicy.objects.filter(district=district).first()
    return list(policy.roles) if policy is not None else list(TwoFactorPolicy.DEFAULT_ROLES)


def two_factor_policy_set(*, actor: User, district: District, roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    chosen = [role for role in Role.values if role in roles]
    TwoFactorPolicy.objects.update_or_create(district=district, defaults={"roles": chosen})
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=district, detail={"two_factor_roles": chosen}
    )


def is_required(user: User) -> bool:
    district_id = user.district_id
    if district_id is None and hasattr(user, "provider"):
        district_id = user.provider.district_id
    district = District.objects.filter(pk=district_id).first() if district_id else None
    return district is not None and user.role in required_roles(district)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def setup_key(request: HttpRequest) -> str:
    """The secret (hex) being set up in this session; a new one if there is none."""
    key = request.session.get(SETUP_KEY)
    if not isinstance(key, str):
        key = secrets.token_hex(20)
        request.session[SETUP_KEY] = key
    return key


def otpauth_uri(*, user: User, key_hex: str) -> str:
    """The otpauth:// address an authenticator app reads (from the QR code or typed)."""
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    label = quote(f"{ISSUER}:{user.username}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": 6, "period": 30}
    )


def _code_matches(key_hex: str, code: str) -> bool:
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = TOTP(bytes.fromhex(key_hex), step=30, digits=6)
    return bool(totp.verify(int(code), tolerance=1))


@transaction.atomic
def two_factor_enable(*, request: HttpRequest, user: User, code: str) -> bool:
    """Confirm the secret being set up with its first code: the account now asks for a
    code at every sign-in, and this session counts as verified."""
    key = request.session.get(SETUP_KEY)
    if not isinstance(key, str) or not _code_matches(key, code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
    request.session.pop(SETUP_KEY, None)
    request.session.pop(SETUP_REQUIRED, None)
    otp_login(request, device)
    audit_record(actor=user, action=AuditAction.UPDATE, obj=user, detail={"two_factor": "on"})
    return True


@transaction.atomic
def two_factor_disable(*, user: User, code: str) -> bool:
    """Turn it off with a current code; never for a role the district requires it of."""
    if is_required(user):
        return False
    device = confirmed_device(user)
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=user, action=AuditAction.UPDATE, obj=user, detail={"two_factor": "off"})
    return True


@transaction.atomic
def two_factor_clear(*, actor: User, user: User) -> int:
    """An administrator clears a person's lost authenticator: they sign in with their
    password alone (or set a new one up, when their role requires it). Returns how many
    were removed."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=user, detail={"two_factor": "cleared"}
        )
    return int(removed)


def two_factor_verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """The code a sign-in owes: right, and the session may go on."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return False
    otp_login(request, device)
    request.session.pop(PENDING, None)
    return True


@receiver(user_logged_in)
def sign_in_owes_a_code(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """A sign-in of an account with two-factor on waits for its code."""
    if request is None or not hasattr(request, "session"):
        return
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        request.session[PENDING] = True
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
    elif is_required(user):
        request.session[SETUP_REQUIRED] = True


class TwoFactorMiddleware:
    """Until a sign-in that owes a code gives it, only the code page and signing out
    answer; everything else goes to the code page (htmx: the whole page goes there)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and request.session.get(PENDING):
            allowed = {reverse("two_factor:verify"), reverse("logout")}
            if request.path not in allowed:
                target = reverse("two_factor:verify")
                if request.method == "GET":
                    target += "?" + urlencode({"next": request.get_full_path()}, safe="/")
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=200)
                    response["HX-Redirect"] = target
                    return response
                return HttpResponseRedirect(target)
        setup_allowed = {reverse("two_factor:home"), reverse("logout")}
        if (
            request.user.is_authenticated
            and request.session.get(SETUP_REQUIRED)
            and request.path not in setup_allowed
        ):
            target = reverse("two_factor:home")
            if request.headers.get("HX-Request") == "true":
                response = HttpResponse(status=200)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
