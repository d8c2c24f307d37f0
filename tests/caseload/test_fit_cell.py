from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import FitWeight
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user

URL = reverse("caseload:fit_cell", args=["handwriting", "math"])
EXPECTED_POST = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


def weight_of(world, domain="handwriting", activity="math"):
    row = FitWeight.objects.filter(district=world.district, domain=domain, activity=activity)
    return row.get().weight if row.exists() else None


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL, **HTMX)
    assert response.status_code == EXPECTED_POST[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(URL, {"weight": "0.9"}, **HTMX)
    assert response.status_code == EXPECTED_POST[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    allowed = EXPECTED_POST[name] == 200
    assert weight_of(world) == (0.9 if allowed else None)


@pytest.mark.parametrize(
    ("domain", "activity"), [("handwriting", "recess"), ("nope", "math"), ("HANDWRITING", "math")]
)
def test_unknown_domain_or_activity_is_404(world, login, domain, activity):
    url = reverse("caseload:fit_cell", args=[domain, activity])
    assert login(world.provider.user).post(url, {"weight": "0.5"}).status_code == 404


def test_htmx_get_returns_the_cell_editor(world, login):
    html = login(world.provider.user).get(URL, **HTMX).content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<td id="fit-handwriting-math"')
    assert 'name="weight"' in html
    assert 'value="0.5"' in html


def test_plain_get_returns_a_full_page(world, login):
    html = login(world.provider.user).get(URL).content.decode()
    assert "<html" in html
    assert "Handwriting / visual-motor during Math" in html


def test_htmx_post_saves_and_returns_the_highlighted_cell(world, login):
    html = login(world.provider.user).post(URL, {"weight": "0.85"}, **HTMX).content.decode()
    assert 'class="fit-cell fit-edited"' in html
    assert ">0.85<" in html
    assert weight_of(world) == 0.85
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.actor) == (
        AuditAction.CREATE,
        "caseload.fitweight",
        world.provider.user,
    )
    assert entry.detail == {"domain": "handwriting", "activity": "math", "weight": 0.85}


@pytest.mark.parametrize("weight", ["1.5", "-0.1", "abc", ""])
def test_out_of_range_or_bad_weight_is_refused_with_a_clear_error(world, login, weight):
    response = login(world.admin).post(URL, {"weight": weight}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a weight from 0 (never) to 1 (ideal)" in html
    assert 'name="weight"' in html
    assert weight_of(world) is None


def test_reset_to_default_deletes_the_row(world, login):
    FitWeight.objects.create(
        district=world.district, domain="handwriting", activity="math", weight=0.1
    )
    html = login(world.provider.user).post(URL, {"reset": "1"}, **HTMX).content.decode()
    assert weight_of(world) is None
    assert "fit-edited" not in html
    assert ">0.5<" in html
    assert AuditEntry.objects.get().action == AuditAction.DELETE


def test_setting_the_default_value_stores_no_row(world, login):
    FitWeight.objects.create(
        district=world.district, domain="handwriting", activity="math", weight=0.1
    )
    login(world.provider.user).post(URL, {"weight": "0.5"}, **HTMX)
    assert weight_of(world) is None


def test_plain_post_redirects_to_the_table(world, login):
    response = login(world.admin).post(URL, {"weight": "0.2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("caseload:fit_table")
    assert weight_of(world) == 0.2
