"""The report page (progress:report): a draft's editable goals, a signed report from its
snapshot only, unchanged by later amendments of the record, with "data changed after
signing"; who reads it; the district's words for the codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, Role
from pushin.district.models import District
from pushin.progress.models import ProgressCode
from pushin.progress.reports.services import (
    progress_code_words_set,
    report_amend,
    report_goal_set,
    report_share,
)
from pushin.sessions.models import DataPoint
from pushin.sessions.services import attendance_record, data_point_undo
from tests.core.test_get_never_writes import Snapshot
from tests.factories import make_provider, make_user
from tests.page_text import page_text
from tests.progress.reports.helpers import drafted, report_body, report_world, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def _url(report):
    return reverse("progress:report", args=[report.pk])


def test_a_draft_shows_each_goal_with_its_form_graph_and_suggestion(rw, login):
    report = drafted(rw)
    html = login(rw.world.provider.user).get(_url(report)).content.decode()
    text = page_text(html)
    assert "Draft" in text
    assert "The data suggests: Sufficient progress." in text
    assert 'hx-post="' + reverse("progress:report_goal", args=[report.pk, rw.goal.pk]) in html
    assert "<svg" in html
    assert 'id="report-goal-1"' in html
    assert "Sign the report" in text
    assert "Mandated" in text
    assert "216 min" in text
    assert "120 min (55%)" in text
    read = AuditEntry.objects.get(
        action=AuditAction.READ, object_type="progress.progressreport", object_id=str(report.pk)
    )
    assert read.student_id == rw.world.student.pk
    assert read.detail == {"page": "progress_report", "shared": False}


def test_a_signed_report_is_unchanged_by_amendments_to_the_record(rw, login):
    report = signed(rw)
    client = login(rw.world.provider.user)
    before = report_body(client, report)
    page = client.get(_url(report)).content.decode()
    assert "Data changed after signing" not in page
    assert "Sign the report" not in page
    # The Nov 30 session (signed) is amended: a data point removed, the minutes cut short.
    user = rw.world.provider.user
    record = rw.records[-1]
    data_point_undo(actor=user, record=record, reason="Mis-tap on the sheet.")
    attendance_record(
        actor=user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason="left_early",
        reason="Left for the nurse.",
    )
    after = report_body(client, report)
    assert after == before
    page = client.get(_url(report)).content.decode()
    assert "Data changed after signing" in page_text(page)
    assert "120 min" in page_text(after)


def test_the_signed_report_shows_the_words_it_was_signed_with(rw, login):
    progress_code_words_set(
        actor=rw.world.admin,
        district=rw.world.district,
        words={ProgressCode.SUFFICIENT: "Making progress"},
    )
    report = drafted(rw)
    client = login(rw.world.provider.user)
    assert "Making progress" in page_text(client.get(_url(report)).content.decode())
    report_goal_set(
        actor=rw.world.provider.user,
        report=report,
        goal=rw.goal,
        code=ProgressCode.SUFFICIENT,
        narrative="Steady gains.",
    )
    from pushin.progress.reports.services import report_sign

    report_sign(actor=rw.world.provider.user, report=report)
    progress_code_words_set(
        actor=rw.world.admin,
        district=rw.world.district,
        words={ProgressCode.SUFFICIENT: "On track"},
    )
    body = page_text(report_body(client, report))
    assert "Making progress" in body
    assert "On track" not in body


def test_an_amended_revision_links_both_ways(rw, login):
    first = signed(rw)
    second = report_amend(actor=rw.world.provider.user, report=first, reason="Corrected a date.")
    client = login(rw.world.provider.user)
    old = page_text(client.get(_url(first)).content.decode())
    assert "Amended: see revision 2" in old
    assert "Amend the report" not in old  # only the latest revision is amended
    new = page_text(client.get(_url(second)).content.decode())
    assert "Revision 2: Corrected a date." in new
    assert "Sign the report" in new


def test_the_amendment_reason_comes_before_its_button(rw, login):
    report = signed(rw)
    html = login(rw.world.provider.user).get(_url(report)).content.decode()
    form = html[html.index('id="amend"') :]
    assert form.index('name="reason"') < form.index("Amend the report</button>")


def _outsider(world):
    elsewhere = District.objects.create(
        name="Elsewhere",
        school_year_start=dt.date(2026, 8, 31),
        school_year_end=dt.date(2027, 6, 18),
    )
    return make_user("outsider", Role.ADMIN, elsewhere)


@pytest.mark.parametrize(
    ("persona", "shared", "status"),
    [
        ("provider", "", 200),
        ("admin", "", 200),
        ("pt", "", 200),  # another provider of the student, another family: reads
        ("other_provider", "", 404),
        ("teacher", "", 404),
        ("para", "", 404),
        ("teacher", "teacher", 200),
        ("para", "teacher", 404),
        ("para", "paras", 200),
        ("other_teacher", "teacher", 404),
        ("outsider", "teacher", 404),
    ],
)
def test_who_reads_a_signed_report(rw, login, persona, shared, status):
    report = signed(rw)
    report_share(
        actor=rw.world.provider.user,
        report=report,
        teacher=shared == "teacher",
        paras=shared == "paras",
    )
    if persona == "pt":
        pt = make_provider("pt", rw.world.district, discipline="PT")
        rw.world.student.providers.add(pt)
        user = pt.user
    elif persona == "outsider":
        user = _outsider(rw.world)
    else:
        user = getattr(rw.world, persona)
        user = getattr(user, "user", user)
    client = login(user)  # (an administrator's sign-in gives its authenticator's code)
    before = Snapshot.take()
    response = client.get(_url(report))
    assert response.status_code == status
    assert before.changes() == []  # a GET writes nothing but its audit entry
    html = response.content.decode()
    if status == 200:
        assert "Writes a sentence with letters on the line." in html
        assert "Amend the report" not in html or persona == "provider"
        assert ("Save sharing" in html) == (persona == "provider")
    else:
        assert "Writes a sentence" not in html


def test_a_draft_is_never_shown_to_the_teacher(rw, login):
    report = drafted(rw)
    assert login(rw.world.teacher).get(_url(report)).status_code == 404
    assert login(rw.world.admin).get(_url(report)).status_code == 200


def test_a_shared_report_shows_on_the_teachers_student_page_and_is_audited(rw, login):
    report = signed(rw)
    client = login(rw.world.teacher)
    student_page = reverse("caseload:student", args=[rw.world.student.pk])
    assert "Progress reports shared with you" not in client.get(student_page).content.decode()
    report_share(actor=rw.world.provider.user, report=report, teacher=True, paras=False)
    html = client.get(student_page).content.decode()
    assert "Progress reports shared with you" in html
    assert _url(report) in html
    page = client.get(_url(report)).content.decode()
    assert "Save sharing" not in page
    assert "Goal progress" not in page
    entry = AuditEntry.objects.filter(
        actor=rw.world.teacher, object_type="progress.progressreport", object_id=str(report.pk)
    ).get()
    assert entry.detail == {"page": "progress_report", "shared": True}
    # Sharing opens that report, nothing else of progress.
    progress = reverse("progress:student", args=[rw.world.student.pk])
    assert client.get(progress).status_code == 404
    assert DataPoint.objects.exists()
