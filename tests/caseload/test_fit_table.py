from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.caseload.models import FitWeight
from pushin.vocabulary import Activity, Domain
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user

URL = reverse("caseload:fit_table")
EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


def test_rows_are_domains_columns_are_activities(world, login):
    response = login(world.provider.user).get(URL)
    rows = response.context["rows"]
    assert [row.domain for row in rows] == Domain.values
    assert all([cell.activity for cell in row.cells] == Activity.values for row in rows)
    html = response.content.decode()
    assert "Handwriting / visual-motor" in html
    assert "Literacy centers" in html
    assert reverse("caseload:fit_cell", args=["handwriting", "writing"]) in html


def test_edited_cells_are_highlighted_with_their_default(world, login):
    FitWeight.objects.create(district=world.district, domain="social", activity="math", weight=0.8)
    response = login(world.admin).get(URL)
    cells = {(c.domain, c.activity): c for row in response.context["rows"] for c in row.cells}
    edited = cells[("social", "math")]
    assert (edited.weight, edited.default, edited.edited) == (0.8, 0.3, True)
    assert not cells[("social", "centers")].edited
    html = response.content.decode()
    assert html.count('fit-edited"') + html.count("fit-edited ") == 1
    assert 'id="fit-social-math" class="fit-cell fit-edited"' in html
    assert "(edited; default 0.3)" in html


def test_the_specials_and_secondary_activities_show_their_defaults(world, login):
    """Issue 11's defaults for science, music, library and assembly, and issue 14's secondary
    and transition activities, are columns of the page with their engine weights."""
    response = login(world.provider.user).get(URL)
    rows = {
        row.domain: {cell.activity: cell for cell in row.cells} for row in response.context["rows"]
    }
    assert rows["fine_motor"]["science"].weight == 0.7
    assert rows["motor_planning"]["music"].weight == 0.8
    assert rows["attention"]["library"].weight == 0.6
    assert rows["sensory"]["assembly"].weight == 0.6
    assert rows["fine_motor"]["vocational"].weight == 0.9
    assert rows["transitions"]["class_change"].weight == 1.0
    html = response.content.decode()
    for label in ("Class change / passing period", "Lecture", "Lab", "Vocational / work task",
                  "Community outing"):  # fmt: skip
        assert label in html
