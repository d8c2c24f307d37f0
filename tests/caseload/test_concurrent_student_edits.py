"""Two people change one student at once (the provider and the administrator amending a
mandate; the provider in two tabs recording the student's comfort): the first save wins,
the second answers 409 with what they entered, and the student keeps the first change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.caseload.models import MandateVersion, Service, Student
from pushin.caseload.services import mandate_amend, student_comfort_set
from pushin.concurrency import EditConflict
from pushin.vocabulary import Comfort
from tests.caseload.test_import_students import S0001, make_csv, run
from tests.edit_conflicts import HX, drawn_version, signed_in, text
from tests.factories import World

CONFLICT = (
    "This student's record was changed by someone else a moment ago; your changes were not "
    "saved — reload to see theirs."
)


def service_of(student: Student) -> Service:
    return student.ieps.get().services.get()


def amendment(effective_from: dt.date, minutes: int, reason: str, version: str) -> dict[str, str]:
    return {
        "effective_from": effective_from.isoformat(),
        "minutes": str(minutes),
        "frequency": "week",
        "session_minutes": "30",
        "delivery": "push_in",
        "grouping": "individual",
        "max_group": "1",
        "reason": reason,
        "student_version": version,
    }


def test_two_amendments_drawn_together_the_second_is_refused(world: World) -> None:
    url = reverse("caseload:mandate_amend", args=[world.student.pk, service_of(world.student).pk])
    provider, admin = signed_in(world.provider.user), signed_in(world.admin)
    pages = [c.get(url).content.decode() for c in (provider, admin)]
    [version] = {drawn_version(page, None, "student_version") for page in pages}
    before = MandateVersion.objects.count()

    saved = provider.post(url, amendment(dt.date(2027, 1, 11), 90, "Meeting of 1/8", version))
    refused = admin.post(url, amendment(dt.date(2027, 1, 18), 120, "Annual review", version))

    assert saved.status_code == 302
    assert refused.status_code == 409
    page = text(refused)
    assert CONFLICT in page
    assert 'value="120"' in page  # what they typed
    assert 'value="Annual review"' in page
    assert "Meeting of 1/8" in page  # and the versions table as it now is
    assert MandateVersion.objects.count() == before + 1
    latest = MandateVersion.objects.order_by("-pk").first()
    assert latest is not None
    assert (latest.minutes, latest.reason) == (90, "Meeting of 1/8")


def url_of(student: Student) -> str:
    return reverse("caseload:student_comfort", args=[student.pk])


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_two_tabs_recording_the_comfort_preference(world: World, htmx: bool) -> None:
    url = url_of(world.student)
    page_url = reverse("caseload:student", args=[world.student.pk])
    first, second = signed_in(world.provider.user), signed_in(world.provider.user)
    [version] = {drawn_version(c.get(page_url).content.decode(), url) for c in (first, second)}
    headers = HX if htmx else {}

    first.post(url, {"comfort": Comfort.SMALL_GROUP, "version": version}, headers=headers)
    refused = second.post(
        url,
        {"comfort": Comfort.FLOAT, "asked_on": "2026-11-20", "version": version},
        headers=headers,
    )

    assert refused.status_code == 409
    page = text(refused)
    assert CONFLICT in page
    assert '<option value="float" selected>' in page
    assert 'value="2026-11-20"' in page
    student = Student.objects.get(pk=world.student.pk)
    assert (student.comfort, student.comfort_asked_on) == (
        Comfort.SMALL_GROUP,
        dt.date(2026, 12, 2),
    )


def test_a_change_without_a_version_still_refuses_forms_drawn_before_it(world: World) -> None:
    """A caller that says no version is not checked, but moves the student on."""
    student_comfort_set(
        actor=world.provider.user, student=world.student, comfort=Comfort.FLOAT, asked_on=None
    )  # no version: not checked, but moves it on
    with pytest.raises(EditConflict):
        mandate_amend(
            actor=world.admin,
            service=service_of(world.student),
            effective_from=dt.date(2027, 1, 11),
            minutes=90,
            frequency="week",
            session_minutes=30,
            delivery="push_in",
            grouping="individual",
            max_group=1,
            reason="Meeting",
            student_version=1,
        )
    assert Student.objects.get(pk=world.student.pk).version == 2
    assert not MandateVersion.objects.filter(reason="Meeting").exists()


def test_an_import_that_changes_the_student_refuses_forms_drawn_before_it(world: World) -> None:
    url = url_of(world.student)
    tab = signed_in(world.provider.user)
    version = drawn_version(
        tab.get(reverse("caseload:student", args=[world.student.pk])).content.decode(), url
    )
    assert run(world, make_csv({**S0001, "grade": "3"})).applied

    refused = tab.post(url, {"comfort": Comfort.FLOAT, "version": version}, headers=HX)

    assert refused.status_code == 409
    assert Student.objects.get(pk=world.student.pk).comfort == ""
