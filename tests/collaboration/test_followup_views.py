"""The provider's follow-up pages: list, new, one follow-up (edit, send, write again),
retry now, discard. Only the session's provider sees them; everyone else gets 404."""

from __future__ import annotations

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration.models import FollowUp, FollowUpStatus
from pushin.sessions.models import DatedSession
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.collaboration.followup_factories import GOAL_TEXT, NOTE, logged_session, sent_followup
from tests.factories import World

PROVIDER_ONLY = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def _matrix(world: World, login, method: str, url: str, expected: dict[str, int]) -> None:
    for name in PERSONAS:
        client = login(persona_user(world, name))
        response = getattr(client, method)(url)
        assert response.status_code == expected[name], name
        if name == "anonymous":
            assert is_login_redirect(response)


def _new_url(session: DatedSession) -> str:
    return reverse("followups:new", args=[session.pk])


def test_list_permission_matrix(world: World, login) -> None:
    followup = sent_followup(world)
    _matrix(
        world, login, "get", reverse("followups:list"), {**PROVIDER_ONLY, "other_provider": 200}
    )
    # The other provider's list is their own: this follow-up is not on it.
    response = login(world.other_provider.user).get(reverse("followups:list"))
    assert followup.subject not in response.content.decode()


def test_new_and_detail_permission_matrix(world: World, login) -> None:
    followup = sent_followup(world)
    _matrix(world, login, "get", _new_url(followup.session), PROVIDER_ONLY)
    _matrix(world, login, "get", reverse("followups:detail", args=[followup.pk]), PROVIDER_ONLY)


def test_changes_permission_matrix(world: World, login) -> None:
    failed = sent_followup(world, status=FollowUpStatus.FAILED)
    draft = FollowUp.objects.create(
        session=failed.session,
        author=world.provider.user,
        teacher=world.teacher,
        subject="s",
        body="b",
    )
    refused = {**PROVIDER_ONLY, "provider": 302}
    for name in [p for p in PERSONAS if p != "provider"]:
        client = login(persona_user(world, name))
        for url in (
            _new_url(failed.session),
            reverse("followups:detail", args=[draft.pk]),
            reverse("followups:retry", args=[failed.pk]),
            reverse("followups:discard", args=[draft.pk]),
        ):
            response = client.post(url, {"action": "send", "subject": "x", "body": "y"})
            assert response.status_code == refused[name], (name, url)
    assert FollowUp.objects.count() == 2
    draft.refresh_from_db()
    failed.refresh_from_db()
    assert (draft.status, failed.status) == (FollowUpStatus.DRAFT, FollowUpStatus.FAILED)
    assert not DBTaskResult.objects.exists()


def test_write_a_draft_edit_and_send(world: World, login) -> None:
    session = logged_session(world)
    client = login(world.provider.user)

    page = client.get(_new_url(session))
    assert page.status_code == 200
    assert "Include clinical detail" in page.content.decode()

    response = client.post(_new_url(session))
    followup = FollowUp.objects.get()
    assert response["Location"] == reverse("followups:detail", args=[followup.pk])
    assert followup.include_clinical is False
    detail = client.get(response["Location"]).content.decode()
    assert "Write follow-up" not in detail
    assert "Raised-line paper (test) worked well" in detail
    assert GOAL_TEXT not in detail
    # One click to the paper the message promises to bring.
    assert "/followups/paper/print/?kind=raised_line&amp;grade=2" in detail

    response = client.post(
        reverse("followups:detail", args=[followup.pk]),
        {"action": "send", "subject": "Monday's OT", "body": "Edited message"},
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert (followup.status, followup.subject, followup.body) == (
        FollowUpStatus.QUEUED,
        "Monday's OT",
        "Edited message",
    )
    assert DBTaskResult.objects.count() == 1
    sent_page = client.get(reverse("followups:detail", args=[followup.pk])).content.decode()
    assert "Sent. The teacher sees it in Push-In now" in sent_page
    assert "Send to the teacher" not in sent_page  # no more editing
    # A late POST of the old form changes nothing.
    client.post(
        reverse("followups:detail", args=[followup.pk]),
        {"action": "save", "subject": "Changed", "body": "Changed"},
    )
    followup.refresh_from_db()
    assert followup.subject == "Monday's OT"


def test_clinical_detail_when_ticked_and_written_again_without(world: World, login) -> None:
    session = logged_session(world)
    client = login(world.provider.user)
    client.post(_new_url(session), {"include_clinical": "on"})
    followup = FollowUp.objects.get()
    assert followup.include_clinical is True
    assert NOTE in followup.body

    client.post(reverse("followups:detail", args=[followup.pk]), {"action": "redraft"})
    followup = FollowUp.objects.get(pk=followup.pk)
    assert followup.include_clinical is False
    assert NOTE not in followup.body


def test_bad_edits_show_a_clear_message(world: World, login) -> None:
    session = logged_session(world)
    client = login(world.provider.user)
    client.post(_new_url(session))
    followup = FollowUp.objects.get()
    response = client.post(
        reverse("followups:detail", args=[followup.pk]),
        {"action": "send", "subject": "", "body": "Hello"},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DRAFT


def test_a_room_without_a_teacher_explains_itself(world: World, login) -> None:
    session = logged_session(world)
    world.classroom.teacher = None
    world.classroom.save()
    client = login(world.provider.user)
    assert "has no teacher on record" in client.get(_new_url(session)).content.decode()
    response = client.post(_new_url(session))
    assert response.status_code == 400
    assert "Room 2A has no teacher on record" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_gave_up_shows_the_error_and_retry_now(world: World, login) -> None:
    followup = sent_followup(
        world, status=FollowUpStatus.GAVE_UP, attempts=5, last_error="ConnectionRefusedError"
    )
    client = login(world.provider.user)
    page = client.get(reverse("followups:detail", args=[followup.pk])).content.decode()
    assert "Not sent after 5 attempts" in page
    assert "ConnectionRefusedError" in page
    assert "Retry now" in page
    listing = client.get(reverse("followups:list")).content.decode()
    assert "Not sent" in listing
    assert "5 attempts" in listing

    response = client.post(reverse("followups:retry", args=[followup.pk]))
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.QUEUED
    assert DBTaskResult.objects.count() == 1


def test_discard_a_draft(world: World, login) -> None:
    session = logged_session(world)
    client = login(world.provider.user)
    client.post(_new_url(session))
    followup = FollowUp.objects.get()
    response = client.post(reverse("followups:discard", args=[followup.pk]))
    assert response["Location"] == reverse("followups:list")
    assert not FollowUp.objects.exists()


def test_reads_are_audited_with_ids_only(world: World, login) -> None:
    followup = sent_followup(world)
    login(world.provider.user).get(reverse("followups:detail", args=[followup.pk]))
    entry = AuditEntry.objects.get(action=AuditAction.READ)
    assert (entry.object_type, entry.object_id) == ("collaboration.followup", str(followup.pk))
    assert entry.student_id == world.student.pk
    assert entry.detail == {"session": followup.session_id}


def test_the_session_page_links_to_a_new_follow_up(world: World, login) -> None:
    session = logged_session(world)
    page = login(world.provider.user).get(reverse("sessions:detail", args=[session.pk]))
    assert page.status_code == 200
    assert f'href="{_new_url(session)}"' in page.content.decode()


def test_the_list_has_no_n_plus_one(world: World, login, django_assert_max_num_queries) -> None:
    first = sent_followup(world)
    for i in range(12):
        FollowUp.objects.create(
            session=first.session,
            author=world.provider.user,
            teacher=world.teacher,
            subject=f"Follow-up {i}",
            body="b",
            status=FollowUpStatus.SENT,
        )
    client = login(world.provider.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("followups:list"))
    assert response.content.decode().count("/followups/") >= 13


def test_the_list_is_in_pages_of_fifty_and_audits_only_those_shown(world: World, login) -> None:
    first = sent_followup(world)
    FollowUp.objects.bulk_create(
        FollowUp(
            session=first.session,
            author=world.provider.user,
            teacher=world.teacher,
            subject=f"Follow-up {i:03d}",
            body="b",
            status=FollowUpStatus.SENT,
        )
        for i in range(60)
    )
    client = login(world.provider.user)
    AuditEntry.objects.all().delete()
    page_one = client.get(reverse("followups:list"))
    assert len(page_one.context["page"].object_list) == 50
    html = page_one.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?page=2" rel="next"' in html
    read = AuditEntry.objects.filter(action=AuditAction.READ, object_type="collaboration.followup")
    assert {int(pk) for pk in read.values_list("object_id", flat=True)} == {
        f.pk for f in page_one.context["page"]
    }
    page_two = client.get(reverse("followups:list"), {"page": 2})
    rest = {f.pk for f in page_two.context["page"]}
    assert len(rest) == 11  # page 2 holds the rest
    assert rest | {f.pk for f in page_one.context["page"]} == set(
        FollowUp.objects.values_list("pk", flat=True)
    )
