"""Renewing: the owner keeps an entry for another period."""

from __future__ import annotations

import datetime as dt

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.watchlist.models import WatchPolicy
from tests.factories import World
from tests.watchlist.helpers import entry_url, make_entry


def test_the_owner_renews_to_the_end_of_the_next_school_year(world: World, login) -> None:
    entry = make_entry(world)
    assert entry.expires_on == dt.date(2027, 6, 18)
    response = login(world.teacher).post(entry_url("renew", entry))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.expires_on == dt.date(2028, 6, 18)
    assert entry.renewed_at is not None
    audit = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(entry.pk)).latest(
        "pk"
    )
    assert audit.detail == {"expires_on": ["2027-06-18", "2028-06-18"]}


def test_with_a_district_period_renewal_counts_from_today(world: World, login) -> None:
    WatchPolicy.objects.create(district=world.district, keep_days=60)
    entry = make_entry(world, by=world.provider.user)
    assert entry.expires_on == dt.date(2027, 1, 31)  # 60 days from Wed 2026-12-02
    entry.expires_on = dt.date(2026, 12, 10)
    entry.save()
    login(world.provider.user).post(entry_url("renew", entry))
    entry.refresh_from_db()
    assert entry.expires_on == dt.date(2027, 1, 31)


def test_only_the_owner_renews(world: World, login) -> None:
    entry = make_entry(world)  # the teacher's
    assert login(world.provider.user).post(entry_url("renew", entry)).status_code == 403
    assert login(world.para).post(entry_url("renew", entry)).status_code == 404
    assert login(world.other_teacher).post(entry_url("renew", entry)).status_code == 404
    entry.refresh_from_db()
    assert entry.expires_on == dt.date(2027, 6, 18)
    assert entry.renewed_at is None
