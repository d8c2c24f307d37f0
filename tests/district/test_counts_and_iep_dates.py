"""One count of students everywhere (the dashboard, compliance, plans): those with an IEP
in force. The students left out are said, with their reason; expired IEPs and annual
reviews coming up are alerted to the provider (their caseload, by name) and the
administrator (student numbers only); teachers and paras see none of it.

The clock is frozen on Wednesday Dec 2, 2026 (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.caseload.models import IEP, Student
from pushin.planning.scenario_build import scenario_build
from tests.factories import World, make_student
from tests.page_text import page_text

NOT_COUNTED = (
    "2 students have no IEP in force on Dec 2, 2026 (1 expired, 1 starting later): not counted here"
)


@pytest.fixture
def dated(world: World) -> World:
    """Avery's annual review is in 18 days; Dana's IEP ended on Monday; Emery's next IEP
    starts in January."""
    IEP.objects.filter(student=world.student).update(annual_review=dt.date(2026, 12, 20))
    dana = make_student(
        ref="S-0003",
        classroom=world.classroom,
        provider=world.provider,
        first_name="Dana",
        last_name="Quill",
    )
    IEP.objects.filter(student=dana).update(
        start=dt.date(2025, 12, 1), end=dt.date(2026, 11, 30), annual_review=dt.date(2026, 11, 30)
    )
    emery = make_student(
        ref="S-0004",
        classroom=world.classroom,
        provider=world.provider,
        first_name="Emery",
        last_name="Rowe",
    )
    IEP.objects.filter(student=emery).update(start=dt.date(2027, 1, 4))
    return world


def test_dashboard_compliance_and_plans_count_the_same_students(dated: World, login) -> None:
    client = login(dated.admin)
    dashboard = client.get(reverse("district:dashboard"))
    data = dashboard.context["data"]
    assert data.students == 2  # Avery and Blake; Dana (expired) and Emery (later) are not
    assert Student.objects.filter(district=dated.district, active=True).count() == 4
    loads = {load.provider.pk: load.students for load in data.provider_loads}
    assert loads == {dated.provider.pk: 1, dated.other_provider.pk: 1}
    compliance = client.get(reverse("minutes:district")).context["data"]
    assert compliance.district.students == data.students
    assert {p.pk: p.students for p in compliance.providers} == loads
    scenario, id_map = scenario_build(
        district=dated.district, providers=[dated.provider, dated.other_provider]
    )
    assert len({id_map.students[s.id] for s in scenario.students}) == data.students
    assert sorted(code for _, _, code in id_map.excluded) == ["no_iep", "no_iep"]
    for response in (dashboard, client.get(reverse("minutes:district"))):
        assert NOT_COUNTED in response.content.decode()


def _section(html: str, anchor: str) -> str:
    start = html.index(anchor)
    return " ".join(page_text(html[start : html.index("</section>", start)]).split())


def test_the_director_sees_iep_alerts_by_student_number_only(dated: World, login) -> None:
    html = login(dated.admin).get(reverse("district:dashboard")).content.decode()
    section = _section(html, 'id="iep-dates"')
    assert "1 IEP expired, 1 annual review due" in section
    assert "S-0003 Maple Elementary IEP expired Nov 30 — no IEP in force" in section
    assert "S-0001 Maple Elementary Annual review due Dec 20" in section
    assert "S-0004" not in section  # Emery's next IEP is written: nothing to act on
    for name in ("Avery", "Dana", "Emery", "Quill", "Rowe"):
        assert name not in html


def test_the_provider_sees_their_caseloads_alerts(dated: World, login) -> None:
    html = login(dated.provider.user).get(reverse("caseload:list")).content.decode()
    section = _section(html, 'id="alerts"')
    # The expired IEP first (the date has passed), then the review coming up.
    assert section.index("Dana Quill Maple Elementary IEP expired Nov 30 — no IEP in force") < (
        section.index("Avery Sample Maple Elementary Annual review due Dec 20")
    )
    assert "2 students have no IEP in force on Dec 2, 2026 (1 expired, 1 starting later)" in section
    assert "Emery" not in section
    other = login(dated.other_provider.user).get(reverse("caseload:list")).content.decode()
    assert "Dana" not in other


@pytest.mark.parametrize("persona", ["teacher", "para"])
def test_teachers_and_paras_see_no_alerts(dated: World, login, persona: str) -> None:
    dated.student.paras.add(dated.para)
    user = getattr(dated, persona)
    response = login(user).get(reverse("caseload:list"))
    html = response.content.decode()
    assert response.context["caseload"].alerts is None
    assert 'id="alerts"' not in html
    assert "Annual review due" not in html
    assert "IEP expired" not in html
