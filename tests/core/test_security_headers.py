"""Security headers: a Content-Security-Policy without 'unsafe-inline' for scripts, a
Permissions-Policy, and `Cache-Control: no-store` on everything a signed-in person reads
(the service-log CSV included). Templates carry no inline script or event handler that
the policy would block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from pushin.accounts.models import User
from pushin.sessions.models import DatedSession
from tests.factories import World
from tests.sessions.factories import dated_session

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "pushin" / "templates", *sorted((ROOT / "pushin").glob("*/templates"))]


def _directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def _main_pages(world: World, session: DatedSession) -> list[tuple[User | None, str]]:
    provider, admin = world.provider.user, world.admin
    return [
        (None, reverse("login")),
        (provider, reverse("sessions:today")),
        (provider, reverse("sessions:week")),
        (provider, reverse("sessions:detail", args=[session.pk])),
        (provider, reverse("caseload:list")),
        (provider, reverse("planning:home")),
        (provider, reverse("minutes:home")),
        (provider, reverse("minutes:export")),
        (provider, reverse("followups:list")),
        (world.teacher, reverse("collaboration:portal_home")),
        (world.para, reverse("collaboration:carryover")),
        (admin, reverse("district:dashboard")),
        (admin, reverse("district:settings")),
        (admin, reverse("accounts:users")),
    ]


@pytest.fixture
def session(world: World) -> DatedSession:
    return dated_session(world)


def _get(login, user: User | None, url: str):
    client: Client = login(user)
    response = client.get(url, follow=True)  # a home page may redirect to the person's own
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_every_main_page_carries_the_content_security_policy(
    world: World, session: DatedSession, login
) -> None:
    for user, url in _main_pages(world, session):
        response = _get(login, user, url)
        assert "Content-Security-Policy" in response, url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], url
        scripts = policy["script-src"]
        assert "'self'" in scripts, url
        assert "'unsafe-inline'" not in scripts, url
        assert "'unsafe-eval'" not in scripts, url
        assert "'unsafe-inline'" not in policy["style-src"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"], url


def test_every_main_page_carries_a_permissions_policy(
    world: World, session: DatedSession, login
) -> None:
    for user, url in _main_pages(world, session):
        response = _get(login, user, url)
        features = {
            item.strip() for item in response.get("Permissions-Policy", "").split(",") if item
        }
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in features, (url, feature)


def test_htmx_comes_from_our_own_static_files_with_eval_and_inline_styles_off(
    world: World, session: DatedSession, login
) -> None:
    response = _get(login, world.provider.user, reverse("sessions:detail", args=[session.pk]))
    html = response.content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js"', html)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'", html)
    assert config is not None
    assert json.loads(config.group(1))["allowEval"] is False
    assert json.loads(config.group(1))["includeIndicatorStyles"] is False
    # The session page's duration timer is a static file, not an inline script.
    assert '<script src="/static/pushin/session-timer.js"' in html
    assert "document.addEventListener" not in html


def test_a_nonce_in_a_page_is_the_nonce_of_its_policy(world: World, login) -> None:
    response = _get(login, world.provider.user, reverse("sessions:today"))
    html = response.content.decode()
    nonces = set(re.findall(r'nonce="([^"]+)"', html))
    assert nonces, "the htmx script carries the request's nonce"
    (nonce,) = nonces
    assert f"'nonce-{nonce}'" in _directives(response["Content-Security-Policy"])["script-src"]


def _templates() -> list[Path]:
    return [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*.html"))]


def test_no_template_has_an_inline_script_or_handler_the_policy_would_block() -> None:
    problems = []
    templates = _templates()
    assert len(templates) > 50  # the scan really reads the project's templates
    for path in templates:
        text = path.read_text()
        name = path.relative_to(ROOT)
        for match in re.finditer(r"<(script|style)\b([^>]*)>", text, re.IGNORECASE):
            tag, attributes = match.group(1).lower(), match.group(2)
            if tag == "script" and re.search(r"\bsrc=", attributes):
                continue
            if 'nonce="{{ request.csp_nonce }}"' not in attributes:
                problems.append(f"{name}: inline <{tag}> without the request's nonce")
        for match in re.finditer(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            problems.append(f"{name}: inline event handler {match.group(0)[:60]!r}")
        if re.search(r"""(href|src|action)=["']\s*javascript:""", text, re.IGNORECASE):
            problems.append(f"{name}: a javascript: URL")
        if re.search(r"""hx-(vals|headers)=["']\s*js:""", text) or "hx-on" in text:
            problems.append(f"{name}: htmx evaluates script (hx-on or js:), eval is off")
    assert problems == []


# --- Cache-Control ----------------------------------------------------------------------------


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "private" in directives


def test_every_signed_in_response_says_no_store(world: World, session: DatedSession, login) -> None:
    for user, url in _main_pages(world, session):
        if user is None:
            continue
        response = _get(login, user, url)
        assert _no_store(response), (url, response.get("Cache-Control"))


def test_htmx_fragments_and_redirects_of_a_signed_in_person_say_no_store(
    world: World, session: DatedSession, login
) -> None:
    client = login(world.provider.user)
    fragment = client.get(reverse("sessions:today"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert _no_store(fragment)
    redirect = client.get(reverse("home"))
    assert redirect.status_code == 302
    assert _no_store(redirect)


def test_the_service_log_csv_says_no_store(world: World, session: DatedSession, login) -> None:
    client = login(world.provider.user)
    response = client.post(
        reverse("minutes:export"),
        {"start": "2026-11-01", "end": "2026-12-01", "include_unsigned": "on"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert _no_store(response)
