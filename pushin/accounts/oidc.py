"""Single sign-on with OpenID Connect (mozilla-django-oidc), and who may use a password.

A person who signs in through the district's identity provider (Google Workspace,
Microsoft Entra, Clever, ...) is matched to an existing, active Push-In account by their
e-mail address, compared case-insensitively, and only when the provider says the address is
verified (`email_verified`). Nobody is ever created: an unknown address is refused with a
message saying whom to ask. The ID token must be signed by the provider's key (its JWKS),
issued by the configured issuer, addressed to Push-In's client id (`aud`), unexpired, and
carry the nonce Push-In sent.

Single sign-on is on when every `OIDC_*` setting of `REQUIRED_SETTINGS` is set (settings.py
reads them from the environment); otherwise its routes answer 404 and the sign-in page has
no button.

A district can turn password sign-in off (`District.password_signin`): its staff then sign
in only with single sign-on. A superuser's password always works (break-glass).
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.models import District

logger = logging.getLogger(__name__)

# The settings single sign-on needs (each also an environment variable of the same name).
REQUIRED_SETTINGS = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
)
# Seconds of clock difference allowed between Push-In and the provider (exp, iat).
CLOCK_LEEWAY = 60
# Where a refusal's reason waits for the sign-in page (the request, then the session).
REFUSAL = "pushin_signin_refusal"


def sso_enabled() -> bool:
    """Whether single sign-on is configured."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def sso_label() -> str:
    """What the sign-in button calls the provider ("Sign in with ...")."""
    return str(getattr(settings, "PUSHIN_SSO_LABEL", "") or "single sign-on")


def _refuse(request: HttpRequest | None, reason: str) -> None:
    """Note why this sign-in was refused, for the page the person lands on."""
    if request is not None:
        setattr(request, REFUSAL, reason)


def refusal(request: HttpRequest) -> str:
    return str(getattr(request, REFUSAL, ""))


def _is_verified(value: object) -> bool:
    # Some providers send the claim as the string "true".
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """The OpenID Connect code flow's backend: verifies the ID token, then matches the
    person to one active account by verified e-mail. Never creates an account."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view calls with a nonce; a password sign-in never reaches the
        # provider, whatever its query string carries.
        if not sso_enabled() or "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            user = super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            _refuse(request, _token_problem(error))
            return None
        except Exception as error:  # the provider did not answer, or refused the code
            logger.warning("single sign-on failed: %s", type(error).__name__, exc_info=True)
            if request is not None and not refusal(request):
                _refuse(
                    request,
                    "The sign-in service did not complete the sign-in "
                    f"({type(error).__name__}). Try again; if it persists, tell your "
                    "district administrator.",
                )
            return None
        return user if isinstance(user, User) else None

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's signing key for `token`: the one its `kid` names, or, when the
        token names none (`kid` is optional), the provider's only key for the algorithm."""
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
        )
        response.raise_for_status()
        header = jwt.get_unverified_header(token)
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
            and ("kid" not in header or key.get("kid") == header["kid"])
        ]
        if len(keys) != 1:
            raise SuspiciousOperation(
                f"{len(keys)} of the provider's keys match the ID token's, not one."
            )
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The library checks the signature and expiry only; the issuer and the audience
        are checked here too, and expiry with a small leeway."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"The ID token is signed with {header.get('alg')!r}, not "
                f"{self.OIDC_RP_SIGN_ALGO!r}."
            )
        claims: dict[str, Any] = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_OP_ISSUER,
            leeway=CLOCK_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "").strip()
        if not email:
            _refuse(
                self.request,
                "The sign-in service did not say your e-mail address, so Push-In cannot "
                "tell which account is yours.",
            )
            return False
        if not _is_verified(claims.get("email_verified")):
            _refuse(
                self.request,
                f"The sign-in service has not verified the e-mail address {email}. Verify "
                "it there first, or ask your district administrator.",
            )
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = str(claims.get("email") or "").strip()
        return User.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> User | None:
        # The ID token's own e-mail claims count when the userinfo endpoint leaves them out.
        user_info = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if not self.verify_claims(user_info):
            return None
        email = str(user_info["email"]).strip()
        users: list[User] = list(self.filter_users_by_claims(user_info)[:2])
        if len(users) > 1:
            _refuse(
                self.request,
                f"More than one Push-In account has the e-mail address {email}. Ask your "
                "district administrator to give each account its own address.",
            )
            return None
        if not users:
            _refuse(
                self.request,
                f"No Push-In account has the e-mail address {email}. Ask your district "
                "administrator to add you; signing in does not create an account.",
            )
            return None
        return users[0]

    def get_user(self, user_id: int) -> User | None:
        # Django's check (an inactive account's session ends), not the library's.
        user = ModelBackend.get_user(self, user_id)
        return user if isinstance(user, User) else None


def _token_problem(error: Exception) -> str:
    if isinstance(error, jwt.ExpiredSignatureError):
        detail = "it has expired"
    elif isinstance(error, jwt.InvalidAudienceError):
        detail = "it was issued for another application"
    elif isinstance(error, jwt.InvalidIssuerError):
        detail = "it was issued by another sign-in service"
    elif isinstance(error, jwt.ImmatureSignatureError):
        detail = "it is not valid yet (check the server's clock)"
    else:
        detail = "it could not be verified"
    return (
        f"The sign-in service's answer was refused: {detail}. Try again; if it persists, "
        "tell your district administrator."
    )


def password_signin_allowed(user: User) -> bool:
    """Whether `user` may sign in with a password: a superuser always (break-glass), anyone
    else unless their district has turned password sign-in off."""
    if user.is_superuser:
        return True
    district_id = user.district_id
    if district_id is None and hasattr(user, "provider"):
        district_id = user.provider.district_id
    if district_id is None:
        return True
    return bool(
        District.objects.filter(pk=district_id).values_list("password_signin", flat=True).first()
    )


class PasswordBackend(ModelBackend):
    """Django's password backend, refusing a person whose district signs in with single
    sign-on only: a correct password is refused saying so (a wrong one fails as any wrong
    password does), and a sign-in made with a password ends at the next request once the
    district turns password sign-in off."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if isinstance(user, User) and not password_signin_allowed(user):
            _refuse(
                request,
                "Your district signs in with single sign-on only: use the "
                f"“Sign in with {sso_label()}” button.",
            )
            raise PermissionDenied("password sign-in is off for this district")
        return user if isinstance(user, User) else None

    def get_user(self, user_id: int) -> User | None:
        user = User._default_manager.select_related("district").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        district = user.district
        if district is not None and not district.password_signin and not user.is_superuser:
            return None
        return user


@transaction.atomic
def password_signin_set(
    *, actor: User, district: District, allowed: bool, actor_used_sso: bool
) -> District:
    """Turn the district's password sign-in on or off. Off needs single sign-on configured
    and the administrator signed in with it, so that it is known to work (and a password
    sign-in, which would end at once, does not lock them out)."""
    if not allowed and not sso_enabled():
        raise ValidationError(
            "Single sign-on is not configured, so password sign-in stays on "
            "(docs/deployment.md says how to configure it)."
        )
    if not allowed and not actor_used_sso:
        raise ValidationError(
            "Sign in with single sign-on first: password sign-in can be turned off only by "
            "an administrator for whom single sign-on works."
        )
    district.password_signin = allowed
    district.save(update_fields=["password_signin"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=district, detail={"password_signin": allowed}
    )
    return district
