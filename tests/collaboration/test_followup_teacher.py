"""The teacher's side: follow-ups sent to them (inbox page and the portal partial),
acknowledge and reply. Drafts never show; other teachers, paras, administrators and
providers get 404."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration.followups import TEACHER_PAGE_SIZE, teacher_followups
from pushin.collaboration.models import FollowUp, FollowUpReply, FollowUpStatus, Notification
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user
from tests.collaboration.followup_factories import sent_followup
from tests.factories import World

INBOX = {
    "provider": 404,
    "other_provider": 404,
    "teacher": 200,
    "other_teacher": 200,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}
CHANGE = {
    "provider": 404,
    "other_provider": 404,
    "teacher": 302,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def test_inbox_permission_matrix_and_addressing(world: World, login) -> None:
    followup = sent_followup(world)
    for name in PERSONAS:
        response = login(persona_user(world, name)).get(reverse("followups:inbox"))
        assert response.status_code == INBOX[name], name
        if name == "anonymous":
            assert is_login_redirect(response)
        if response.status_code == 200:
            shown = followup.body in response.content.decode()
            assert shown is (name == "teacher"), name


def test_acknowledge_and_reply_permission_matrix(world: World, login) -> None:
    followup = sent_followup(world)
    for name in [p for p in PERSONAS if p != "teacher"]:
        client = login(persona_user(world, name))
        for url in (
            reverse("followups:acknowledge", args=[followup.pk]),
            reverse("followups:reply", args=[followup.pk]),
        ):
            response = client.post(url, {"body": "Hello"})
            assert response.status_code == CHANGE[name], (name, url)
    followup.refresh_from_db()
    assert followup.acknowledged_at is None
    assert not FollowUpReply.objects.exists()
    client = login(world.teacher)
    response = client.post(reverse("followups:acknowledge", args=[followup.pk]))
    assert response.status_code == CHANGE["teacher"]


def test_drafts_never_reach_the_teacher(world: World, login) -> None:
    draft = sent_followup(world, status=FollowUpStatus.DRAFT)
    client = login(world.teacher)
    assert draft.body not in client.get(reverse("followups:inbox")).content.decode()
    response = client.post(reverse("followups:acknowledge", args=[draft.pk]))
    assert response.status_code == 404


def test_a_queued_or_failed_follow_up_is_already_in_the_portal(world: World) -> None:
    followup = sent_followup(world, status=FollowUpStatus.QUEUED)
    assert list(teacher_followups(user=world.teacher)) == [followup]
    FollowUp.objects.filter(pk=followup.pk).update(status=FollowUpStatus.FAILED)
    assert list(teacher_followups(user=world.teacher)) == [followup]
    assert list(teacher_followups(user=world.para)) == []
    assert list(teacher_followups(user=world.provider.user)) == []


def test_acknowledge_without_javascript_returns_to_the_portal(world: World, login) -> None:
    followup = sent_followup(world)
    client = login(world.teacher)
    response = client.post(
        reverse("followups:acknowledge", args=[followup.pk]), {"next": "/collaboration/portal/"}
    )
    assert response["Location"] == "/collaboration/portal/"
    followup.refresh_from_db()
    assert followup.acknowledged_at is not None
    assert Notification.objects.get().recipient == world.provider.user
    # Another site is never a place to return to.
    response = client.post(
        reverse("followups:acknowledge", args=[followup.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("followups:inbox")


def test_reply_with_htmx_swaps_the_card(world: World, login) -> None:
    followup = sent_followup(world)
    client = login(world.teacher)
    response = client.post(
        reverse("followups:reply", args=[followup.pk]),
        {"body": "We'll use it at centers too", "next": "/collaboration/portal/"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article class="card followup" id="followup-{followup.pk}">')
    assert "We&#x27;ll use it at centers too" in html
    assert "Read " in html  # a reply acknowledges
    assert 'value="/collaboration/portal/"' in html
    note = Notification.objects.get()
    assert note.text == "The teacher replied to your follow-up of Monday 30 November (Room 2A)."
    # The provider sees the reply on the follow-up's page.
    page = login(world.provider.user).get(reverse("followups:detail", args=[followup.pk]))
    assert "We&#x27;ll use it at centers too" in page.content.decode()


def test_an_empty_reply_is_refused_with_a_message(world: World, login) -> None:
    followup = sent_followup(world)
    client = login(world.teacher)
    response = client.post(reverse("followups:reply", args=[followup.pk]), {"body": " "}, **HTMX)
    assert response.status_code == 400
    assert "Write a reply before sending it." in response.content.decode()
    assert not FollowUpReply.objects.exists()
    assert not Notification.objects.exists()


def test_the_portal_partial_renders_with_forms(world: World) -> None:
    """What the teacher portal includes: the follow-ups with acknowledge and reply forms."""
    followup = sent_followup(world)
    request = RequestFactory().get("/collaboration/portal/")
    request.user = world.teacher
    html = render_to_string(
        "collaboration/_followups_for_teacher.html",
        {"teacher_followups": teacher_followups(user=world.teacher)},
        request=request,
    )
    assert followup.subject in html
    assert reverse("followups:acknowledge", args=[followup.pk]) in html
    assert reverse("followups:reply", args=[followup.pk]) in html
    assert 'name="next" value="/collaboration/portal/"' in html
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, actor=world.teacher, object_id=str(followup.pk)
    ).exists()


def test_the_inbox_has_no_n_plus_one(world: World, login, django_assert_max_num_queries) -> None:
    first = sent_followup(world)
    for i in range(10):
        other = FollowUp.objects.create(
            session=first.session,
            author=world.provider.user,
            teacher=world.teacher,
            subject=f"Follow-up {i}",
            body="b",
            status=FollowUpStatus.SENT,
        )
        FollowUpReply.objects.create(followup=other, author=world.teacher, body="ok")
    client = login(world.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("followups:inbox"))
    assert response.content.decode().count('class="card followup"') == 11


def test_older_notes_are_reached_page_by_page(world: World, login) -> None:
    first = sent_followup(world)
    for i in range(TEACHER_PAGE_SIZE):  # 21 in all: one more than a page
        FollowUp.objects.create(
            session=first.session,
            author=world.provider.user,
            teacher=world.teacher,
            subject=f"Follow-up {i}",
            body=f"Note number {i}.",
            status=FollowUpStatus.SENT,
        )
    client = login(world.teacher)

    def reads_of_the_first() -> int:
        return AuditEntry.objects.filter(
            action=AuditAction.READ, object_type="collaboration.followup", object_id=str(first.pk)
        ).count()

    portal = client.get(reverse("collaboration:portal_home"), follow=True).content.decode()
    assert reads_of_the_first() == 0  # only the notes shown are audited as read
    assert "Note number 19." in portal  # the newest first
    assert first.body not in portal
    older = reverse("followups:inbox") + "?page=2"
    assert f'href="{older}">Older notes</a>' in portal
    assert "(21 in all)" in portal
    second = client.get(older).content.decode()
    assert first.body in second
    assert "Note number 19." not in second
    assert "Page 2 of 2" in second
    assert reads_of_the_first() > 0
