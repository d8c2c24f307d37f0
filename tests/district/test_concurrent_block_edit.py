"""Two people change one weekly block at once (the room's teacher and the administrator,
each with a client of their own): the first save wins, the second answers 409 with what
they entered still in the form, and the block keeps the first change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.concurrency import EditConflict
from pushin.district.models import ActivityBlock
from pushin.district.services import block_update
from tests.edit_conflicts import HX, drawn_version, signed_in, text
from tests.factories import World

CONFLICT = (
    "This block was changed by someone else a moment ago; your changes were not saved — "
    "reload to see theirs."
)


def writing(world: World) -> ActivityBlock:
    return ActivityBlock.objects.get(classroom=world.classroom, day="mon")


def edit_url(block: ActivityBlock) -> str:
    return reverse("district:block_edit", args=[block.classroom_id, block.pk])


def fields(**changes: str) -> dict[str, str]:
    return {"day": "mon", "start": "09:00", "end": "09:45", "activity": "writing", **changes}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_second_of_two_saves_is_refused_and_keeps_what_was_entered(
    world: World, htmx: bool
) -> None:
    block = writing(world)
    url = edit_url(block)
    teacher, admin = signed_in(world.teacher), signed_in(world.admin)
    [version] = {drawn_version(c.get(url).content.decode(), url) for c in (teacher, admin)}
    headers = HX if htmx else {}

    saved = teacher.post(url, fields(end="10:00", version=version), headers=headers)
    refused = admin.post(
        url, fields(start="08:40", activity="math", version=version), headers=headers
    )

    assert saved.status_code == (200 if htmx else 302)
    assert refused.status_code == 409
    page = text(refused)
    assert CONFLICT in page
    assert 'value="08:40"' in page  # what they entered, still in the form
    assert '<option value="math" selected>' in page
    block.refresh_from_db()
    assert (block.start, block.end, block.activity) == (dt.time(9), dt.time(10), "writing")
    # Saving again from that form is refused too, until they reload and see the change.
    again = admin.post(url, fields(start="08:40", activity="math", version=version))
    assert again.status_code == 409
    reloaded = drawn_version(admin.get(url).content.decode(), url)
    assert admin.post(url, fields(start="08:40", end="10:00", version=reloaded)).status_code == 302
    block.refresh_from_db()
    assert (block.start, block.end) == (dt.time(8, 40), dt.time(10))


def test_a_block_changed_meanwhile_is_not_deleted(world: World) -> None:
    block = writing(world)
    url = edit_url(block)
    teacher, admin = signed_in(world.teacher), signed_in(world.admin)
    [version] = {drawn_version(c.get(url).content.decode(), url) for c in (teacher, admin)}
    teacher.post(url, fields(end="10:00", version=version))

    refused = admin.post(url, {"action": "delete", "version": version})

    assert refused.status_code == 409
    assert CONFLICT in text(refused)
    assert ActivityBlock.objects.filter(pk=block.pk, end=dt.time(10)).exists()


def test_block_update_refuses_a_stale_version_and_writes_nothing(world: World) -> None:
    block = writing(world)
    block_update(
        actor=world.admin,
        block=block,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        activity="writing",
        version=1,
    )
    stale = ActivityBlock.objects.get(pk=block.pk)
    with pytest.raises(EditConflict):
        block_update(
            actor=world.teacher,
            block=stale,
            day="mon",
            start=dt.time(9),
            end=dt.time(9, 15),
            activity="writing",
            version=1,
        )
    block.refresh_from_db()
    assert (block.end, block.version) == (dt.time(9, 30), 2)
