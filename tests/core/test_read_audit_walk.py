"""Every page that shows a student writes a READ audit entry for that student.

The walk of tests/core/test_get_never_writes.py requests every GET route as every persona
against a rich world, once per test process (`walked`, tests/core/conftest.py), and
records what each request showed and audited; this reads that record. A
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

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.rich_world import RichWorld
from tests.core.test_get_never_writes import Case, Walk, walk

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


# Pages read without a sign-in, whose entries name the person they belong to.
FEED = "planning:calendar_feed"
FEED_OWNER = "provider"  # the persona whose secret address the walk's feed is


def read_gaps(walked: Walk) -> Gaps:
    """Each student a request showed without a READ entry, and entries of the wrong actor."""
    gaps = Gaps()
    for visit in walked.visits:
        where = f"{visit.case} as {visit.persona}"
        actor = walked.users[FEED_OWNER if visit.case.route == FEED else visit.persona]
        for actor_id, username in visit.actors:
            if actor_id is None or not username:
                gaps.anonymous.append(f"{where}: entry by {actor_id} {username!r}")
            elif actor is None or actor_id != actor:
                gaps.wrong_actor.append(f"{where}: entry by {actor_id} {username!r}")
        for student in sorted(visit.shown):
            if visit.case.route in NOT_A_READ:
                gaps.excepted.add(visit.case.route)
            elif student not in visit.read:
                gaps.missing.append(
                    f"{where} (status {visit.status}) shows student {walked.refs[student]}"
                    " and writes no READ entry for them"
                )
    return gaps


@pytest.mark.django_db  # the walk needs the test database set up
def test_every_page_that_shows_a_student_audits_the_read(walked: Walk) -> None:
    gaps = read_gaps(walked)
    assert not gaps.missing, (
        f"{len(gaps.missing)} page reads show a student and write no READ entry:\n"
        + "\n".join(gaps.missing)
    )
    assert not gaps.anonymous, "Entries without an actor:\n" + "\n".join(gaps.anonymous)
    assert not gaps.wrong_actor, "Entries naming another actor:\n" + "\n".join(gaps.wrong_actor)
    stale = set(NOT_A_READ) - gaps.excepted
    assert not stale, f"Exceptions whose page no longer shows a student: {sorted(stale)}"


@pytest.mark.django_db
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
    result = Walk()
    walk(client, rich.provider.user, "provider", [page], result)
    assert read_gaps(result).missing == [
        f"GET {url} [caseload:student] as provider (status 200) shows student "
        f"{rich.world.student.ref} and writes no READ entry for them"
    ]
