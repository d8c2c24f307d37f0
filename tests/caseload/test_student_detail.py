from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import GoalFitOverride, MandateVersion, StudentUnavailability
from pushin.vocabulary import Activity, Comfort
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.page_text import says_word

EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 200,
    "other_teacher": 404,
    "para": 200,
    "admin": 200,
    "anonymous": 302,
}
GOAL_TEXT = "Writes a sentence with letters on the line."


def url(student) -> str:
    return reverse("caseload:student", args=[student.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(url(world.student))
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", ["provider", "teacher", "para", "admin"])
def test_every_read_is_audited(world, login, name):
    user = persona_user(world, name)
    login(user).get(url(world.student))
    entry = AuditEntry.objects.get(action=AuditAction.READ)
    assert entry.actor == user
    assert entry.student_id == world.student.pk
    assert entry.object_type == "caseload.student"
    assert entry.object_id == str(world.student.pk)


def test_a_refused_read_is_not_audited_as_a_read(world, login):
    login(world.other_provider.user).get(url(world.student))
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()


def test_provider_sees_header_iep_mandate_history_and_goals(world, login):
    service = world.student.ieps.get().services.get()
    first = service.versions.get()
    amended = MandateVersion.objects.create(
        service=service,
        effective_from=timezone.localdate() - dt.timedelta(days=3),
        minutes=90,
        session_minutes=30,
        reason="Amendment meeting",
    )
    future = MandateVersion.objects.create(
        service=service,
        effective_from=timezone.localdate() + dt.timedelta(days=30),
        minutes=30,
        session_minutes=30,
    )
    goal = world.student.ieps.get().goals.get()
    GoalFitOverride.objects.create(goal=goal, activity=Activity.MATH, weight=0.9)
    StudentUnavailability.objects.create(
        student=world.student, day="tue", start=dt.time(13), end=dt.time(13, 30), reason="Speech"
    )
    world.student.comfort = Comfort.FLOAT
    world.student.comfort_asked_on = dt.date(2026, 9, 15)
    world.student.save()

    response = login(world.provider.user).get(url(world.student))
    html = response.content.decode()
    page = response.context["page"]
    assert "Avery Sample" in html
    assert "S-0001" in html
    assert "Room 2A, Maple Elementary" in html
    assert "Provider Tester (OT)" in html
    assert "Para Tester" in html
    assert "Jun 18, 2027" in html  # annual review
    mandate = page.ieps[0].mandates[0]
    assert [v.pk for v in mandate.versions] == [first.pk, amended.pk, future.pk]
    assert mandate.in_force == amended
    assert html.count("in force today") == 1
    assert "90 min/week" in html
    assert "Amendment meeting" in html
    assert GOAL_TEXT in html
    assert "80% of letters on the line" in html
    assert "in 3 consecutive sessions" in html
    assert "Percent of opportunities" in html
    assert "Math 0.9" in html
    assert "(table 0.5)" in html
    assert "Tuesday 13:00\u201313:30" in html
    assert "Speech" in html
    assert "Provider floats around the room" in html
    assert "Sep 15, 2026" in html
    assert reverse("caseload:mandate_amend", args=[world.student.pk, service.pk]) in html
    assert reverse("caseload:student_comfort", args=[world.student.pk]) in html
    assert reverse("caseload:goal_fit", args=[goal.pk]) in html


def test_teacher_sees_goals_and_mandates_but_edits_nothing(world, login):
    html = login(world.teacher).get(url(world.student)).content.decode()
    assert GOAL_TEXT in html
    assert "60 min/week" in html
    assert "Carryover strategies" in html
    assert "/amend/" not in html
    assert reverse("caseload:student_comfort", args=[world.student.pk]) not in html
    assert "/fit/" not in html


def test_admin_sees_iep_dates_and_mandates_but_no_goals(world, login):
    html = login(world.admin).get(url(world.student)).content.decode()
    assert "Jun 18, 2027" in html
    assert "60 min/week" in html
    assert "/amend/" in html
    assert GOAL_TEXT not in html
    assert "Goals" not in html
    assert "Carryover strategies" not in html


def test_para_sees_only_the_carryover_view(world, login):
    world.student.comfort = Comfort.SMALL_GROUP
    world.student.save()
    response = login(world.para).get(url(world.student))
    html = response.content.decode()
    assert "Avery Sample" in html
    assert "Room 2A" in html
    assert "Rather not be singled out" in html
    assert "Carryover strategies" in html
    assert "No carryover strategies are recorded yet" in html
    assert GOAL_TEXT not in html
    assert "min/week" not in html
    assert not says_word(html, "IEP")
    assert "S-0001" not in html.split("<main", 1)[1]
    assert response.context["page"].ieps == []


def test_student_page_queries_do_not_grow_with_goals(world, login, django_assert_max_num_queries):
    iep = world.student.ieps.get()
    goal = iep.goals.get()
    for activity in (Activity.MATH, Activity.ART, Activity.CENTERS):
        GoalFitOverride.objects.create(goal=goal, activity=activity, weight=0.3)
    for i in range(5):
        iep.goals.create(domain="fine_motor", text=f"Goal {i}", method="frequency", target="5")
    client = login(world.provider.user)
    with django_assert_max_num_queries(21):
        client.get(url(world.student))


@pytest.mark.parametrize(
    ("grade", "words"), [("K", "Kindergarten"), ("18-22", "Transition program (18-22)")]
)
def test_the_grade_is_in_words(world, login, grade, words):
    world.student.grade = grade
    world.student.save(update_fields=["grade"])
    page = login(world.provider.user).get(url(world.student)).content.decode()
    assert f"<dt>Grade</dt><dd>{words}</dd>" in page
