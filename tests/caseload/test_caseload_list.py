from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.caseload.models import IEP, MandateVersion, Service
from pushin.ids import encode_id
from pushin.vocabulary import Comfort
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_provider, make_student

URL = reverse("caseload:list")
EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 200,
    "other_teacher": 200,
    "para": 200,
    "admin": 200,
    "anonymous": 302,
}
# Whose students each persona sees in the world.
SEES = {
    "provider": {"S-0001"},
    "other_provider": {"S-0002"},
    "teacher": {"S-0001"},
    "other_teacher": {"S-0002"},
    "para": {"S-0001"},
    "admin": {"S-0001", "S-0002"},
}


def refs(response) -> set[str]:
    return {s.ref for s in response.context["caseload"].students}


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    else:
        assert refs(response) == SEES[name]


def test_row_shows_the_mandate_at_a_glance_and_links_by_pk(world, login):
    response = login(world.provider.user).get(URL)
    html = response.content.decode()
    assert reverse("caseload:student", args=[world.student.pk]) in html
    assert "60 min/week push-in, 30-min sessions, group ok" in html
    assert "S-0001" in html
    assert "Room 2A" in html
    assert "Maple Elementary" in html
    assert "Provider Tester" in html
    row = response.context["caseload"].page[0]
    assert row.weekly_minutes == 60
    assert response.context["caseload"].weekly_minutes == 60


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "60 min/week push-in, 30-min sessions, individual"),
        (
            {"frequency": "month", "delivery": "pull_out", "grouping": "group_ok"},
            "60 min/month pull-out, 30-min sessions, group ok (up to 3)",
        ),
        ({"frequency": "iep_period", "minutes": 600}, "600 min/IEP period push-in, 30-min"),
    ],
)
def test_the_mandate_at_a_glance(fields, words):
    version = MandateVersion(**{"minutes": 60, "session_minutes": 30, **fields})
    assert version.glance().startswith(words)


def test_weekly_minutes_follow_the_version_in_force(world, login):
    service = world.student.ieps.get().services.get()
    MandateVersion.objects.create(
        service=service,
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        minutes=120,
        frequency="month",
        session_minutes=30,
    )
    row = login(world.provider.user).get(URL).context["caseload"].page[0]
    # 120 min/month = 27.7 min/week -> one 30-minute session.
    assert row.weekly_minutes == 30


def test_annual_review_within_30_days_gets_a_badge(world, login):
    today = timezone.localdate()
    IEP.objects.filter(student=world.student).update(annual_review=today + dt.timedelta(days=12))
    html = login(world.admin).get(URL).content.decode()
    assert "in 12 days" in html
    IEP.objects.filter(student=world.student).update(annual_review=today + dt.timedelta(days=45))
    html = login(world.admin).get(URL).content.decode()
    assert "in 45 days" not in html
    assert "in 12 days" not in html


def test_comfort_preference_is_shown(world, login):
    world.student.comfort = Comfort.SMALL_GROUP
    world.student.save()
    html = login(world.para).get(URL).content.decode()
    assert "Rather not be singled out" in html


def test_para_sees_no_mandate_or_iep_columns(world, login):
    html = login(world.para).get(URL).content.decode()
    assert "Avery" in html
    assert "min/week" not in html
    assert "Annual review" not in html


def test_filters_by_school_classroom_and_provider(world, login):
    client = login(world.admin)
    assert refs(client.get(URL, {"school": encode_id(world.other_school.pk)})) == {"S-0002"}
    assert refs(client.get(URL, {"classroom": encode_id(world.classroom.pk)})) == {"S-0001"}
    assert refs(client.get(URL, {"provider": encode_id(world.other_provider.pk)})) == {"S-0002"}


def test_filter_dropdowns_only_offer_what_the_user_sees(world, login):
    form = login(world.provider.user).get(URL).context["form"]
    assert list(form.fields["school"].queryset) == [world.school]
    assert list(form.fields["classroom"].queryset) == [world.classroom]
    assert list(form.fields["provider"].queryset) == [world.provider]


def test_filter_on_someone_elses_classroom_is_an_error_not_a_leak(world, login):
    response = login(world.provider.user).get(
        URL, {"classroom": encode_id(world.other_classroom.pk)}
    )
    assert response.status_code == 200
    assert refs(response) == {"S-0001"}
    assert "not one of yours" in response.content.decode()


def test_inactive_students_are_not_listed(world, login):
    world.student.active = False
    world.student.save()
    assert refs(login(world.provider.user).get(URL)) == set()


def test_caseload_of_sixty_students_has_no_n_plus_one(world, login, django_assert_max_num_queries):
    provider = make_provider("busy", world.district)
    for i in range(62):
        room = world.classroom if i % 2 else world.other_classroom
        student = make_student(ref=f"N-{i:03d}", classroom=room, provider=provider)
        student.providers.add(world.other_provider)
    client = login(provider.user)
    # 13 for the list (14 with a filter, which looks its school up; the total minutes of
    # all are read as value rows, the page's mandates as objects), +1 for the
    # unread-notifications badge in the provider's nav, +1 for the read's audit entries
    # (one insert for all the students shown), +2 for the alerts' progress reports due
    # (the provider, the district's periods: none here; with a period due, two more,
    # tests/progress/reports/test_report_alerts.py).
    with django_assert_max_num_queries(17):
        response = client.get(URL)
    assert response.context["caseload"].student_count == 62
    assert response.context["caseload"].weekly_minutes == 62 * 60
    with django_assert_max_num_queries(18):
        response = client.get(URL, {"school": encode_id(world.school.pk)})
    assert response.context["caseload"].student_count == 31


# --- Pages of students ---------------------------------------------------------------------


def _busy_provider(world, count: int):
    provider = make_provider("busy", world.district)
    for i in range(count):
        room = world.classroom if i % 2 else world.other_classroom
        make_student(ref=f"N-{i:03d}", classroom=room, provider=provider, last_name=f"Name{i:03d}")
    return provider


def test_a_long_caseload_is_shown_fifty_students_a_page(world, login):
    provider = _busy_provider(world, 62)
    client = login(provider.user)
    first = client.get(URL)
    caseload = first.context["caseload"]
    assert caseload.student_count == 62  # the totals count every student...
    assert caseload.weekly_minutes == 62 * 60
    shown = [row.student.ref for row in caseload.page]  # ...the table shows 50
    assert shown == [f"N-{i:03d}" for i in range(50)]
    html = first.content.decode()
    assert html.count('data-label="Grade"') == 50
    assert "Page 1 of 2" in html
    assert 'href="?page=2#students" rel="next"' in html
    second = client.get(URL, {"page": 2})
    rest = [row.student.ref for row in second.context["caseload"].page]
    assert rest == [f"N-{i:03d}" for i in range(50, 62)]  # page 2 holds the rest
    assert "Page 2 of 2" in second.content.decode()
    # A page past the end (or not a number) shows the last (or the first) one.
    assert client.get(URL, {"page": 9}).context["caseload"].page.number == 2
    assert client.get(URL, {"page": "x"}).context["caseload"].page.number == 1


def test_the_total_is_the_sum_of_every_pages_rows(world, login):
    # The total is read as value rows, the rows as objects: both take the version shown
    # today (in force, or the first before any is) of the current IEP only.
    provider = _busy_provider(world, 55)
    today = timezone.localdate()
    services = {
        s.iep.student.ref: s
        for s in Service.objects.select_related("iep__student").filter(
            iep__student__providers=provider
        )
    }
    changes = [  # (student, starts, minutes, frequency)
        ("N-001", today - dt.timedelta(days=1), 120, "month"),
        ("N-002", today + dt.timedelta(days=5), 90, "week"),
        ("N-053", today, 20, "week"),
    ]
    for ref, starts, minutes, frequency in changes:
        MandateVersion.objects.create(
            service=services[ref],
            effective_from=starts,
            minutes=minutes,
            frequency=frequency,
            session_minutes=30,
        )
    # N-054's only version starts later: the first version is shown.
    MandateVersion.objects.filter(service=services["N-054"]).update(
        effective_from=today + dt.timedelta(days=3), minutes=45, session_minutes=15
    )
    # N-004's only IEP ended: the latest IEP's mandate is still the one shown.
    IEP.objects.filter(student__ref="N-004").update(
        start=today - dt.timedelta(days=400), end=today - dt.timedelta(days=30)
    )
    client = login(provider.user)
    first = client.get(URL).context["caseload"]
    second = client.get(URL, {"page": 2}).context["caseload"]
    rows = [*first.page, *second.page]
    assert len(rows) == 55
    by_ref = {row.student.ref: row.weekly_minutes for row in rows}
    assert by_ref["N-001"] == 30  # 120 a month: one 30-minute session a week
    assert by_ref["N-002"] == 60  # the 90 start later
    assert by_ref["N-053"] == 30  # 20 today: one session
    assert by_ref["N-054"] == 45
    assert by_ref["N-004"] == 60
    assert first.weekly_minutes == sum(by_ref.values()) == second.weekly_minutes


def test_page_links_keep_the_filters(world, login):
    provider = _busy_provider(world, 110)  # 55 in each school
    school = encode_id(world.school.pk)
    response = login(provider.user).get(URL, {"school": school})
    assert response.context["caseload"].student_count == 55
    html = response.content.decode()
    assert f'href="?school={school}&amp;page=2#students" rel="next"' in html
    second = login(provider.user).get(URL, {"school": school, "page": 2})
    refs_shown = [row.student.ref for row in second.context["caseload"].page]
    assert len(refs_shown) == 5
    assert all(int(ref[2:]) % 2 for ref in refs_shown)  # only the filtered school's


def test_the_audit_records_only_the_students_shown(world, login):
    from pushin.accounts.models import AuditAction, AuditEntry

    provider = _busy_provider(world, 62)
    client = login(provider.user)
    AuditEntry.objects.all().delete()
    response = client.get(URL, {"page": 2})
    shown = {row.student.pk for row in response.context["caseload"].page}
    assert len(shown) == 12
    read = set(
        AuditEntry.objects.filter(action=AuditAction.READ).values_list("student_id", flat=True)
    )
    assert read == shown
