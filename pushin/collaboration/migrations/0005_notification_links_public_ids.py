"""Notifications store their link: the ones written before URLs carried public ids point at
`/planning/providers/12/`, which is now a 404. Rewrite each id segment of their paths into
its public id (pushin/ids.py), and back when unapplied."""

import re

from django.db import migrations

from pushin.ids import PATTERN, decode_id, encode_id

# Every id in a path is a whole segment; query strings and fragments (dates, anchors) stay.
_INT_SEGMENT = re.compile(r"(?<=/)\d+(?=/)")
_PID_SEGMENT = re.compile(rf"(?<=/){PATTERN}(?=/)")


def _rewrite(link, segment, convert):
    if not link.startswith("/"):
        return link
    path, sep, rest = re.match(r"([^?#]*)(.?)(.*)", link, re.DOTALL).groups()
    return segment.sub(lambda m: convert(m.group(0)), path) + sep + rest


def _apply(apps, segment, convert):
    Notification = apps.get_model("collaboration", "Notification")
    changed = []
    for note in Notification.objects.exclude(link="").only("pk", "link").iterator():
        link = _rewrite(note.link, segment, convert)
        if link != note.link:
            note.link = link
            changed.append(note)
    Notification.objects.bulk_update(changed, ["link"], batch_size=500)


def _public(segment: str) -> str:
    try:
        return encode_id(int(segment))
    except ValueError:  # past any primary key: no row's link
        return segment


def _private(segment: str) -> str:
    try:
        return str(decode_id(segment))
    except ValueError:
        return segment


def forwards(apps, schema_editor) -> None:
    _apply(apps, _INT_SEGMENT, _public)


def backwards(apps, schema_editor) -> None:
    _apply(apps, _PID_SEGMENT, _private)


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0004_followup_lease")]

    operations = [migrations.RunPython(forwards, backwards)]
