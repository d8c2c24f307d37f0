"""The demo shows caseload alerts on whatever day it is loaded: every caseload has at
least two annual reviews in the next 30 days, and nothing expired or overdue (the demo
adopted Push-In today with every IEP in force)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pushin.accounts.models import Role, User
from pushin.caseload.alerts import AlertKind, caseload_alerts_for
from pushin.demo import district as demo_module
from pushin.demo.district import REVIEWS_SOON, demo_district_load
from tests.conftest import TODAY
from tests.page_text import page_text

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def _review_alerts(user: User, today: dt.date) -> list[dt.date]:
    alerts = caseload_alerts_for(user, today=today)
    kinds = {a.kind for a in alerts.alerts}
    assert kinds <= {AlertKind.REVIEW_DUE, AlertKind.IEP_ENDING}, kinds
    reviews = [a.day for a in alerts.alerts if a.kind == AlertKind.REVIEW_DUE]
    for day in reviews:
        assert today < day <= today + dt.timedelta(days=30)
    return reviews


@pytest.mark.parametrize("when", [dt.datetime(2026, 9, 16, 9), dt.datetime(2027, 3, 10, 12)])
def test_the_small_demo_has_reviews_coming_up_on_any_day(time_machine, when) -> None:
    time_machine.move_to(when.replace(tzinfo=NEW_YORK), tick=False)
    demo_district_load(size="small")
    provider = User.objects.get(username="ot.rivera")
    assert len(_review_alerts(provider, when.date())) >= REVIEWS_SOON


def test_when_chance_gives_too_few_reviews_are_moved_into_the_next_30_days(monkeypatch) -> None:
    # Chance gives the small demo 3 or 4; asking for 12 makes the loader move just enough
    # IEPs written last year.
    monkeypatch.setattr(demo_module, "REVIEWS_SOON", 12)
    demo_district_load(size="small")
    provider = User.objects.get(username="ot.rivera")
    assert len(_review_alerts(provider, TODAY)) == 12


def test_every_large_demo_caseload_has_reviews_coming_up() -> None:
    demo_district_load(size="large")
    providers = User.objects.filter(username__startswith="large.", role=Role.PROVIDER)
    assert providers.count() == 5
    for user in providers:
        assert len(_review_alerts(user, TODAY)) >= REVIEWS_SOON, user.username


def test_the_demo_provider_sees_them_on_today_and_the_caseload(login) -> None:
    demo_district_load(size="small")
    client = login(User.objects.get(username="ot.rivera"))
    today = page_text(client.get(reverse("sessions:today")).content.decode())
    assert "annual reviews due" in today
    assert "See the alerts" in today
    caseload = client.get(reverse("caseload:list"))
    alerts = caseload.context["caseload"].alerts
    assert alerts.count(AlertKind.REVIEW_DUE) >= REVIEWS_SOON
    assert "Annual review due" in page_text(caseload.content.decode())
