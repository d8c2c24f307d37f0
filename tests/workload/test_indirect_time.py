"""Indirect time: two taps from Today, never ahead of today, notes without student names,
changed and deleted by its provider only, every change audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.workload.models import IndirectKind, IndirectTime
from tests.caseload.personas import HTMX

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
TOMORROW = dt.date(2026, 12, 3)


def _audits(entry_pk: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="workload.indirecttime", object_id=str(entry_pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_today_offers_the_quick_add_and_reading_it_writes_nothing(world, login):
    page = login(world.provider.user).get(reverse("sessions:today"))

    html = page.content.decode()
    assert 'id="indirect-quick"' in html
    assert 'name="kind" value="documentation"' in html
    assert 'name="minutes" value="30"' in html
    assert f'name="date" value="{TODAY:%Y-%m-%d}"' in html
    assert not IndirectTime.objects.exists()


def test_two_taps_log_indirect_time_for_today(world, login):
    client = login(world.provider.user)
    # Tap 1 chooses the kind (a radio in the form); tap 2 a minutes button, which posts.
    response = client.post(
        reverse("workload:indirect_add"),
        {"kind": "para_training", "minutes": "30", "date": TODAY.isoformat(), "back": "today"},
        **HTMX,
    )

    entry = IndirectTime.objects.get()
    assert (entry.provider, entry.date, entry.kind, entry.minutes) == (
        world.provider,
        TODAY,
        IndirectKind.PARA_TRAINING,
        30,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card indirect-quick" id="indirect-quick"')
    assert "Logged 30 min of para training on Wed Dec 2." in html
    assert _audits(entry.pk) == [AuditAction.CREATE]


def test_the_date_defaults_to_today(world, login):
    login(world.provider.user).post(
        reverse("workload:indirect_add"), {"kind": "documentation", "minutes": "45"}
    )

    assert IndirectTime.objects.get().date == TODAY


def test_a_date_after_today_is_refused_with_a_clear_message(world, login):
    client = login(world.provider.user)
    quick = client.post(
        reverse("workload:indirect_add"),
        {"kind": "meetings", "minutes": "60", "date": TOMORROW.isoformat(), "back": "today"},
        **HTMX,
    )
    page = client.post(
        reverse("workload:indirect_add"),
        {"kind": "meetings", "minutes": "60", "date": TOMORROW.isoformat()},
    )

    message = "Thu Dec 3 is after today (Wed Dec 2): indirect time is logged once it has happened."
    assert quick.status_code == 200  # htmx swaps the card with the refusal in it
    assert message in quick.content.decode()
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not IndirectTime.objects.exists()


def test_a_future_day_on_today_offers_no_quick_add(world, login):
    html = (
        login(world.provider.user)
        .get(reverse("sessions:today"), {"date": TOMORROW.isoformat()})
        .content.decode()
    )

    assert 'id="indirect-quick"' in html
    assert 'name="minutes"' not in html
    assert "Indirect time is logged once it has happened" in html


def test_a_note_naming_a_student_is_refused_without_repeating_the_name(world, login):
    response = login(world.provider.user).post(
        reverse("workload:indirect_add"),
        {"kind": "consultation", "minutes": "15", "note": "Talked about avery  SAMPLE's seat"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The note names a student." in html
    errors = re.findall(r'<ul class="errorlist[^"]*">.*?</ul>', html, flags=re.S)
    assert errors
    assert not [e for e in errors if "avery" in e.lower() or "sample" in e.lower()]
    assert not IndirectTime.objects.exists()


def test_the_provider_changes_and_deletes_an_entry_audited(world, login):
    entry = IndirectTime.objects.create(
        provider=world.provider, date=TODAY, kind=IndirectKind.MEETINGS, minutes=30
    )
    client = login(world.provider.user)
    client.post(
        reverse("workload:indirect_edit", args=[entry.pk]),
        {"kind": "evaluations", "minutes": "90", "date": "2026-11-30", "version": "1"},
    )
    entry.refresh_from_db()
    assert (entry.kind, entry.minutes, entry.date, entry.version) == (
        "evaluations",
        90,
        dt.date(2026, 11, 30),
        2,
    )
    client.post(reverse("workload:indirect_delete", args=[entry.pk]), {"version": "2"})

    assert not IndirectTime.objects.exists()
    assert _audits(entry.pk) == [AuditAction.UPDATE, AuditAction.DELETE]
    update = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(entry.pk))
    assert update.detail["fields"] == ["date", "kind", "minutes"]
    assert "note" not in update.detail


def test_a_stale_change_is_a_409_and_keeps_what_was_entered(world, login):
    entry = IndirectTime.objects.create(
        provider=world.provider, date=TODAY, kind=IndirectKind.MEETINGS, minutes=30
    )
    client = login(world.provider.user)
    url = reverse("workload:indirect_edit", args=[entry.pk])
    client.post(url, {"kind": "meetings", "minutes": "45", "version": "1"})  # first tab
    stale = client.post(url, {"kind": "documentation", "minutes": "20", "version": "1"})

    entry.refresh_from_db()
    assert stale.status_code == 409
    assert (entry.kind, entry.minutes) == ("meetings", 45)
    html = stale.content.decode()
    assert "changed by someone else a moment ago" in html
    assert 'value="20"' in html  # what was entered
    assert "Saved now: Meetings, 45 min" in html


def test_nobody_else_opens_changes_or_deletes_an_entry(world, login):
    entry = IndirectTime.objects.create(
        provider=world.provider, date=TODAY, kind=IndirectKind.MEETINGS, minutes=30
    )
    for person in (world.other_provider.user, world.admin, world.teacher, world.para):
        client = login(person)
        assert client.get(reverse("workload:indirect_edit", args=[entry.pk])).status_code == 404
        edit = client.post(
            reverse("workload:indirect_edit", args=[entry.pk]),
            {"kind": "meetings", "minutes": "1"},
        )
        delete = client.post(reverse("workload:indirect_delete", args=[entry.pk]))
        assert (edit.status_code, delete.status_code) == (404, 404)
    entry.refresh_from_db()
    assert entry.minutes == 30
