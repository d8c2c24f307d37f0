"""Noting a concern: first name, last initial, room, and the first observation."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.ids import encode_id
from pushin.watchlist.models import WatchEntry
from tests.factories import World
from tests.watchlist.helpers import observation_post

PAGE = reverse("watchlist:new")


def entry_post(world: World, **extra: str) -> dict[str, str]:
    data = {
        "first_name": "Sage",
        "last_initial": "m",
        "classroom": encode_id(world.classroom.pk),
        **observation_post(),
    }
    data.update(extra)
    return data


def test_the_form_has_no_diagnosis_and_no_goals(world: World, login) -> None:
    response = login(world.teacher).get(PAGE)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {
        "first_name",
        "last_initial",
        "classroom",
        "observed_on",
        "activity",
        "seen",
        "strategy_tried",
        "outcome",
        "outcome_note",
    }
    assert "diagnos" not in response.content.decode().lower().replace("no diagnosis", "")
    # The teacher's only room is chosen for them.
    assert list(form.fields["classroom"].queryset) == [world.classroom]


def test_a_teacher_notes_a_concern(world: World, login) -> None:
    response = login(world.teacher).post(PAGE, entry_post(world))
    entry = WatchEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("watchlist:entry", args=[entry.pk])
    assert "Sage" not in response["Location"]
    assert (entry.first_name, entry.last_initial, entry.classroom) == ("Sage", "M", world.classroom)
    assert entry.created_by == world.teacher
    # Kept by default through the end of the school year.
    assert entry.expires_on == world.district.school_year_end == dt.date(2027, 6, 18)
    (observation,) = entry.observations.all()
    assert (observation.activity, observation.observed_on) == ("math", dt.date(2026, 12, 1))
    audit = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="watchlist.watchentry")
    assert audit.object_id == str(entry.pk)
    assert "Sage" not in str(audit.detail)


def test_a_provider_notes_a_concern_only_at_a_school_they_serve(world: World, login) -> None:
    client = login(world.provider.user)
    other_room = encode_id(world.other_classroom.pk)
    response = client.post(PAGE, entry_post(world, classroom=other_room))
    assert response.status_code == 200
    assert "classroom" in response.context["form"].errors
    assert not WatchEntry.objects.exists()
    response = client.post(PAGE, entry_post(world))
    assert response.status_code == 302
    assert WatchEntry.objects.get().created_by == world.provider.user


def test_a_future_day_and_a_long_initial_are_refused(world: World, login) -> None:
    client = login(world.teacher)
    response = client.post(PAGE, entry_post(world, observed_on="2026-12-03", last_initial="Mo"))
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert "last_initial" in errors
    response = client.post(PAGE, entry_post(world, observed_on="2026-12-03"))
    assert "observed_on" in response.context["form"].errors
    assert not WatchEntry.objects.exists()


def test_paras_admins_and_outsiders_cannot_note(world: World, login) -> None:
    for user in (world.para, world.admin):
        assert login(user).get(PAGE).status_code == 404
        assert login(user).post(PAGE, entry_post(world)).status_code == 404
    assert login(None).post(PAGE, entry_post(world)).status_code == 302
    assert not WatchEntry.objects.exists()
