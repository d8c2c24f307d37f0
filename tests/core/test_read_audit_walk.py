"""Every page that shows a student writes a READ audit entry for that student.

The walk of tests/core/test_get_never_writes.py (the same routes, arguments, query strings
and personas, against the same rich world) requests every GET route as every persona. A
page "shows" a student when the student's full name appears in the response; the request
must then have written a READ entry for that student, with the signed-in person as the
actor. Every entry a page writes has an actor and the actor's username (the calendar feed,
read without a sign-in, names the provider whose feed it is).

Pages that show a student's name without reading the student's record are listed in
`NOT_A_READ`, each with the reason; the list is checked to stay true (an exception whose
page no longer shows a name, or now audits it, fails the walk so that it is removed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Student
from tests.core.rich_world import RichWorld, rich_world
from tests.core.test_get_never_writes import WALKERS, Case, cases, walker
from tests.signing_in import force_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(db: None, django_capture_on_commit_callbacks: Any) -> RichWorld:
    return rich_world(django_capture_on_commit_callbacks)


# Route -> why a page may show a student's name and write no READ entry for that student.
NOT_A_READ: dict[str, str] = {
    "audit:trail": (
        "the audit trail itself: it lists who read which record (student number and name), "
        "not the record; each view of it is one READ entry of the trail with its filters"
    ),
}


@dataclass
class Gaps:
    missing: list[str] = field(default_factory=list)  # shows a student, no READ entry
    anonymous: list[str] = field(default_factory=list)  # entries without an actor
    wrong_actor: list[str] = field(default_factory=list)
    excepted: set[str] = field(default_factory=set)  # NOT_A_READ routes seen showing a name


def _shown(html: str, students: list[Student]) -> list[Student]:
    return [s for s in students if s.full_name in html]


# Pages read without a sign-in, whose entries name the person they belong to.
FEED = "planning:calendar_feed"  # the provider whose secret address it is


def walk_reads(
    client: Client,
    user: User | None,
    persona: str,
    walk_cases: list[Case],
    into: Gaps,
    *,
    feed_owner: User | None = None,
) -> None:
    """Request every case as `user`; note each student shown without a READ entry."""
    client.logout()
    if user is not None:
        force_login(client, user)
    students = list(Student.objects.order_by("pk"))
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for case in walk_cases:
        with transaction.atomic():
            response = client.get(case.url, **case.headers)
            html = "" if response.streaming else response.content.decode(errors="replace")
            entries = list(AuditEntry.objects.filter(pk__gt=last))
            actor = feed_owner if case.route == FEED else user
            for entry in entries:
                if entry.actor_id is None or not entry.actor_username:
                    into.anonymous.append(f"{case} as {persona}: {entry}")
                elif actor is None or entry.actor_id != actor.pk:
                    into.wrong_actor.append(f"{case} as {persona}: {entry}")
            read = {e.student_id for e in entries if e.action == AuditAction.READ}
            for student in _shown(html, students):
                if case.route in NOT_A_READ:
                    into.excepted.add(case.route)
                elif student.pk not in read:
                    into.missing.append(
                        f"{case} as {persona} (status {response.status_code}) shows "
                        f"student {student.ref} and writes no READ entry for them"
                    )
            transaction.set_rollback(True)


def test_every_page_that_shows_a_student_audits_the_read(rich: RichWorld, client: Client) -> None:
    walk_cases, _ = cases(rich)  # unfilled routes fail in test_get_never_writes
    gaps = Gaps()
    for persona in WALKERS:
        walk_reads(
            client, walker(rich, persona), persona, walk_cases, gaps, feed_owner=rich.provider.user
        )
    assert not gaps.missing, (
        f"{len(gaps.missing)} page reads show a student and write no READ entry:\n"
        + "\n".join(gaps.missing)
    )
    assert not gaps.anonymous, "Entries without an actor:\n" + "\n".join(gaps.anonymous)
    assert not gaps.wrong_actor, "Entries naming another actor:\n" + "\n".join(gaps.wrong_actor)
    stale = set(NOT_A_READ) - gaps.excepted
    assert not stale, f"Exceptions whose page no longer shows a student: {sorted(stale)}"


def test_the_walk_catches_a_page_that_shows_a_student_unaudited(
    rich: RichWorld, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk's own check: a page that shows a name without an entry is reported."""
    from pushin.caseload import views
    from pushin.collaboration import services

    monkeypatch.setattr(views, "audit_record", lambda **kwargs: None)
    monkeypatch.setattr(views, "session_read_audit", lambda **kwargs: None)  # the history's
    monkeypatch.setattr(services, "student_strategies_read_audit", lambda **kwargs: None)
    url = reverse("caseload:student", args=[rich.world.student.pk])
    page = Case("caseload:student", url, {})
    gaps = Gaps()
    walk_reads(client, rich.provider.user, "provider", [page], gaps)
    assert gaps.missing == [
        f"GET {url} [caseload:student] as provider (status 200) shows student "
        f"{rich.world.student.ref} and writes no READ entry for them"
    ]
