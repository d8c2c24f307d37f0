"""The summary as a PDF: the same people, once there are enough observations."""

from __future__ import annotations

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.ids import encode_id
from pushin.watchlist.models import WatchPolicy
from tests.factories import World
from tests.watchlist.helpers import WATCHED_NAME, entry_url, make_entry
from tests.workload.pdf_text import pdf_text


def test_the_pdf_holds_the_observations_and_strategies(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    response = login(world.provider.user).get(entry_url("summary_pdf", entry))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="watch-summary-{encode_id(entry.pk)}.pdf"'
    )
    assert WATCHED_NAME not in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Classroom observations: Quinn Z." in text
    assert "Pencil grip: partly" in text
    assert "Wiggle cushion: tried 1 time (worked 1)" in text
    assert "Literacy centers: 1" in text
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, object_id=str(entry.pk), actor=world.provider.user
    ).exists()


def test_no_pdf_below_the_threshold_nor_for_outsiders(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    for user in (world.other_provider.user, world.other_teacher, world.para, world.admin):
        assert login(user).get(entry_url("summary_pdf", entry)).status_code == 404
    WatchPolicy.objects.create(district=world.district, summary_min_observations=4)
    assert login(world.teacher).get(entry_url("summary_pdf", entry)).status_code == 404
