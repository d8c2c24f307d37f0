"""The demo district shows the watch list: two synthetic entries in the teacher login's room."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import User
from pushin.demo.district import demo_district_load
from pushin.watchlist.models import WatchEntry
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_two_watch_entries_the_teacher_and_ot_see(login) -> None:
    demo_district_load(size="small")
    teacher = User.objects.get(username="teacher.park")
    entries = list(WatchEntry.objects.order_by("pk"))
    assert [e.display_name for e in entries] == ["Tess R.", "Omar K."]
    assert {e.classroom.teacher for e in entries} == {teacher}
    assert [e.observations.count() for e in entries] == [3, 1]
    assert all(o.observed_on < TODAY for e in entries for o in e.observations.all())
    assert {e.expires_on for e in entries} == {entries[0].district.school_year_end}
    for user in (teacher, User.objects.get(username="ot.rivera")):
        body = login(user).get(reverse("watchlist:list")).content.decode()
        assert "Tess R." in body
        assert "summary ready" in body
    admin = User.objects.get(username="admin.ellis")
    body = login(admin).get(reverse("watchlist:counts")).content.decode()
    assert "Tess" not in body
