"""Carrying the notes over when the watched student is referred and joins a caseload."""

from __future__ import annotations

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.ids import encode_id
from pushin.watchlist.models import CarriedObservation, WatchEntry, WatchObservation
from tests.factories import World, make_student
from tests.watchlist.helpers import entry_url, make_entry


def test_the_provider_carries_the_notes_to_the_new_caseload_student(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    referred = make_student(
        ref="S-0099", classroom=world.classroom, provider=world.provider, first_name="Quinn"
    )
    response = login(world.provider.user).post(
        entry_url("carry_over", entry), {"student": encode_id(referred.pk), "confirm": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/watchlist/students/{encode_id(referred.pk)}/"
    assert not WatchEntry.objects.exists()
    assert not WatchObservation.objects.exists()
    carried = list(CarriedObservation.objects.filter(student=referred))
    assert [c.activity for c in carried] == ["writing", "centers", "writing"]
    assert carried[0].strategy_tried == "Pencil grip"
    assert carried[0].author == world.teacher
    assert all(c.carried_by == world.provider.user for c in carried)
    on_student = AuditEntry.objects.get(action=AuditAction.UPDATE, student_id=referred.pk)
    assert on_student.detail == {"carried_from_watch_entry": entry.pk, "observations": 3}
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_type="watchlist.watchentry", object_id=str(entry.pk)
    ).exists()
    # The student's record links to them.
    body = login(world.provider.user).get(f"/caseload/students/{encode_id(referred.pk)}/")
    assert "Observations before referral (3)" in body.content.decode()


def test_confirmation_is_required_and_the_student_must_be_on_the_providers_caseload(
    world: World, login
) -> None:
    entry = make_entry(world)
    client = login(world.provider.user)
    response = client.post(entry_url("carry_over", entry), {"student": encode_id(world.student.pk)})
    assert response.status_code == 400
    assert "confirm" in response.context["carry_form"].errors
    # Another provider's student (at another school) is not a choice.
    response = client.post(
        entry_url("carry_over", entry),
        {"student": encode_id(world.other_student.pk), "confirm": "on"},
    )
    assert response.status_code == 400
    assert "student" in response.context["carry_form"].errors
    assert WatchEntry.objects.filter(pk=entry.pk).exists()
    assert not CarriedObservation.objects.exists()


def test_a_teacher_sees_the_entry_but_does_not_carry_it_over(world: World, login) -> None:
    entry = make_entry(world)
    data = {"student": encode_id(world.student.pk), "confirm": "on"}
    assert login(world.teacher).post(entry_url("carry_over", entry), data).status_code == 403
    assert (
        login(world.other_provider.user).post(entry_url("carry_over", entry), data).status_code
        == 404
    )
    assert login(world.para).post(entry_url("carry_over", entry), data).status_code == 404
    assert WatchEntry.objects.filter(pk=entry.pk).exists()
