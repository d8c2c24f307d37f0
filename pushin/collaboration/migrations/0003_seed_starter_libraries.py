"""Give every existing district whose strategy library is still empty the starter library.

Until now the starters were seeded lazily on the first visit of the library page, a write
on a GET. New districts are seeded when they are created (collaboration/signals.py); this
brings the districts that never opened their library to the same state. A library that
already has strategies is left as it is (a district may have deleted starters on purpose).
"""

from django.db import migrations

from pushin.collaboration.starter_strategies import STARTERS


def seed_empty_libraries(apps, schema_editor):
    District = apps.get_model("district", "District")
    Strategy = apps.get_model("collaboration", "Strategy")
    seeded = set(Strategy.objects.values_list("district_id", flat=True).distinct())
    for district_id in District.objects.exclude(pk__in=seeded).values_list("pk", flat=True):
        Strategy.objects.bulk_create(
            Strategy(
                district_id=district_id,
                name=starter.name,
                how_to=starter.how_to,
                when_to_use=starter.when_to_use,
                materials=starter.materials,
                domains=list(starter.domains),
                printable=starter.printable,
                is_starter=True,
            )
            for starter in STARTERS
        )


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0002_followup_followupreply_notification_strategyuse"),
    ]

    operations = [
        migrations.RunPython(seed_empty_libraries, migrations.RunPython.noop),
    ]
