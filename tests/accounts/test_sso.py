"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock), started by
the test in a thread on a free port: the browser's steps are the test client's (Push-In)
and `requests`' (the provider's sign-in form); Push-In talks to the provider itself over
HTTP (token, userinfo, keys), as it would to Google, Entra or Clever.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.test import Client
from django.urls import reverse
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from pushin.accounts.models import AuditEntry, Role, User
from tests.factories import World, make_user
from tests.page_text import page_text

pytestmark = pytest.mark.django_db

CLIENT_ID = "pushin-test"
# The people the provider knows, by subject; each picks themselves on its sign-in page.
PEOPLE = [
    ProviderUser(sub="park", claims={"email": "J.Park@Riverbend.example", "email_verified": True}),
    ProviderUser(sub="stranger", claims={"email": "who@else.example", "email_verified": True}),
    ProviderUser(sub="unverified", claims={"email": "teacher@x.example", "email_verified": False}),
    ProviderUser(sub="no-claim", claims={"email": "teacher@x.example"}),
    ProviderUser(sub="retired", claims={"email": "retired@x.example", "email_verified": True}),
]


@contextmanager
def provider(
    settings: Any, *, people: Sequence[tuple[str, dict[str, object]]] = (), **options: Any
) -> Iterator[str]:
    """A provider on a free port (knowing PEOPLE and `people`), and Push-In configured for
    it; yields its issuer."""
    known = [*PEOPLE, *(ProviderUser(sub=sub, claims=claims) for sub, claims in people)]
    with run_server_in_thread(port=0, user_claims=known, **options) as server:
        issuer = f"http://localhost:{server.server_port}"
        settings.OIDC_OP_ISSUER = issuer
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/oauth2/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/oauth2/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "a-secret-the-provider-accepts"
        settings.PUSHIN_SSO_LABEL = "Riverbend Google"
        yield issuer


@pytest.fixture
def idp(settings: Any) -> Iterator[str]:
    with provider(settings) as issuer:
        yield issuer


@pytest.fixture
def teacher(world: World) -> User:
    return with_email(world.teacher, "j.park@riverbend.example")  # the provider's, other case


def sign_in_as(client: Client, sub: str, *, next_url: str = "") -> Any:
    """Click "Sign in with ...", pick `sub` on the provider's page, come back: the
    callback's response (not followed)."""
    start = client.get(reverse("signin:sso") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"]
    assert query["state"]
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == reverse("signin:sso_callback")
    return client.get(f"{back.path}?{back.query}")


def with_email(user: User, email: str) -> User:
    user.email = email
    user.save(update_fields=["email"])
    return user


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return None if pk is None else User.objects.get(pk=pk)


def refusal_on_sign_in_page(client: Client, response: Any) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    return page_text(client.get(response["Location"]).content.decode())


def test_a_known_verified_address_signs_in_whatever_its_case(
    idp: str, teacher: User, client: Client
) -> None:
    response = sign_in_as(client, "park")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == teacher
    assert client.session[BACKEND_SESSION_KEY] == "pushin.accounts.oidc.SingleSignOnBackend"
    # The session works on the next request: the teacher's start page.
    home = client.get(reverse("home"), follow=True)
    assert home.status_code == 200
    assert home.wsgi_request.user == teacher


def test_the_page_asked_for_before_signing_in_follows(
    idp: str, teacher: User, client: Client
) -> None:
    wanted = reverse("followups:inbox")
    response = sign_in_as(client, "park", next_url=wanted)
    assert response["Location"] == wanted


def test_an_unknown_person_is_refused_and_not_created(
    idp: str, teacher: User, client: Client
) -> None:
    users = User.objects.count()
    response = sign_in_as(client, "stranger")
    text = refusal_on_sign_in_page(client, response)
    assert "No Push-In account has the e-mail address who@else.example" in text
    assert "Ask your district administrator to add you" in text
    assert User.objects.count() == users


def test_an_unverified_address_is_refused(idp: str, world: World, client: Client) -> None:
    with_email(make_user("unverified", Role.TEACHER, world.district), "teacher@x.example")
    for sub in ("unverified", "no-claim"):  # false, or not said at all
        text = refusal_on_sign_in_page(client, sign_in_as(client, sub))
        assert "has not verified the e-mail address teacher@x.example" in text, sub


def test_an_inactive_account_is_refused(idp: str, world: World, client: Client) -> None:
    retired = with_email(make_user("retired", Role.TEACHER, world.district), "retired@x.example")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    text = refusal_on_sign_in_page(client, sign_in_as(client, "retired"))
    assert "No Push-In account has the e-mail address retired@x.example" in text


def test_two_accounts_with_the_address_are_refused(
    idp: str, teacher: User, world: World, client: Client
) -> None:
    with_email(make_user("park2", Role.PARA, world.district), "J.PARK@riverbend.example")
    text = refusal_on_sign_in_page(client, sign_in_as(client, "park"))
    assert "More than one Push-In account has the e-mail address" in text


def test_a_token_for_another_application_is_refused(
    idp: str, teacher: User, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The provider issues the ID token to another client (a mix-up, or a token meant for
    # another application): properly signed, but not for Push-In.
    from oidc_provider_mock import _app

    def other_audience(self: Any, client: Any) -> dict[str, Any]:
        claims = _app.OpenIDCode.__mro__[1].get_client_claims(self, client)
        return {**claims, "aud": ["another-application"]}

    monkeypatch.setattr(_app.OpenIDCode, "get_client_claims", other_audience, raising=False)
    text = refusal_on_sign_in_page(client, sign_in_as(client, "park"))
    assert "it was issued for another application" in text


def test_an_expired_token_is_refused(settings: Any, teacher: User, client: Client) -> None:
    # A provider whose tokens are past their lifetime (and Push-In's minute of leeway)
    # by the time they arrive.
    with provider(settings, access_token_max_age=dt.timedelta(minutes=-5)):
        text = refusal_on_sign_in_page(client, sign_in_as(client, "park"))
    assert "it has expired" in text


def test_a_token_from_another_issuer_is_refused(
    idp: str, settings: Any, teacher: User, client: Client
) -> None:
    settings.OIDC_OP_ISSUER = "https://accounts.example.com"
    text = refusal_on_sign_in_page(client, sign_in_as(client, "park"))
    assert "it was issued by another sign-in service" in text


def test_a_cancelled_sign_in_says_so(idp: str, teacher: User, client: Client) -> None:
    start = client.get(reverse("signin:sso"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    back = client.get(reverse("signin:sso_callback"), {"error": "access_denied", "state": state})
    text = refusal_on_sign_in_page(client, back)
    assert "Single sign-on did not complete" in text


def test_a_password_sign_in_never_reaches_the_provider(
    idp: str, teacher: User, client: Client
) -> None:
    # A code and state in the sign-in page's query string are not a single sign-on.
    response = client.post(
        reverse("login") + "?code=x&state=y",
        {"username": teacher.username, "password": "wrong"},
    )
    assert response.status_code == 200
    assert signed_in_user(client) is None


def test_the_sign_in_page_offers_the_button_only_when_configured(
    settings: Any, client: Client, world: World
) -> None:
    assert "Sign in with" not in page_text(client.get(reverse("login")).content.decode())
    assert client.get(reverse("signin:sso")).status_code == 404
    assert client.get(reverse("signin:sso_callback")).status_code == 404
    with provider(settings):
        text = page_text(client.get(reverse("login")).content.decode())
        assert "Sign in with Riverbend Google" in text


def test_no_audit_entry_or_account_is_written_by_a_refusal(
    idp: str, world: World, client: Client
) -> None:
    users, entries = User.objects.count(), AuditEntry.objects.count()
    sign_in_as(client, "stranger")
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


# Single sign-on and two-factor sign-in: the identity provider's sign-in (whatever its own
# second step) does not stand in for the code a district requires of the role.

ADMIN_AT_PROVIDER = [("ellis", {"email": "admin@riverbend.example", "email_verified": True})]


def test_an_administrator_signed_in_by_single_sign_on_still_gives_the_code(
    settings: Any, world: World, client: Client
) -> None:
    from pushin.accounts.two_factor import PENDING
    from tests.signing_in import authenticator_for, current_code

    admin = with_email(world.admin, "admin@riverbend.example")
    device = authenticator_for(admin)
    dashboard = reverse("district:dashboard")
    verify = reverse("two_factor:verify")
    with provider(settings, people=ADMIN_AT_PROVIDER):
        response = sign_in_as(client, "ellis", next_url=dashboard)
    assert response["Location"] == dashboard
    assert signed_in_user(client) == admin
    assert client.session[PENDING]
    # Nothing opens before the code, the page asked for included.
    assert client.get(dashboard)["Location"] == f"{verify}?next={dashboard}"
    assert client.get(reverse("accounts:users"))["Location"].startswith(verify)
    assert client.get(dashboard, headers={"HX-Request": "true"})["HX-Redirect"].startswith(verify)
    given = client.post(verify, {"code": current_code(device), "next": dashboard})
    assert given["Location"] == dashboard
    assert client.get(dashboard).status_code == 200


def test_an_administrator_without_an_authenticator_sets_one_up_after_single_sign_on(
    settings: Any, world: World, client: Client
) -> None:
    with_email(world.admin, "admin@riverbend.example")
    home = reverse("two_factor:home")
    with provider(settings, people=ADMIN_AT_PROVIDER):
        sign_in_as(client, "ellis")
    assert client.get(reverse("district:dashboard"))["Location"] == home
    assert "requires two-factor sign-in for your role" in page_text(
        client.get(home).content.decode()
    )


def test_a_teacher_signed_in_by_single_sign_on_gives_no_code_by_default(
    idp: str, teacher: User, client: Client
) -> None:
    sign_in_as(client, "park")
    page = client.get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert reverse("two_factor:verify") not in page.wsgi_request.path
