"""Add the starter strategies for older students (issue 14: ages 3 to 22) to every district
whose library is already seeded: organisation, keyboarding, self-advocacy and vocational
tasks. A district's library that already has a strategy of the same name keeps it; an
empty library is left for `strategies_seed` (it gets the whole starter set then)."""

from django.db import migrations

from pushin.collaboration.starter_strategies import STARTERS

NEW_STARTERS = (
    "Planner check-out",
    "One binder with color-coded sections",
    "Locker and passing-period plan",
    "Guided notes on the laptop",
    "Self-advocacy card",
    "Sorting jig",
    "Packaging step card",
    "Workplace routine checklist",
    "Community outing plan",
)


def add_new_starters(apps, schema_editor):
    Strategy = apps.get_model("collaboration", "Strategy")
    starters = [starter for starter in STARTERS if starter.name in NEW_STARTERS]
    seeded = set(Strategy.objects.values_list("district_id", flat=True).distinct())
    for district_id in sorted(seeded):
        have = set(Strategy.objects.filter(district_id=district_id).values_list("name", flat=True))
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
            for starter in starters
            if starter.name not in have
        )


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0006_protect_followup_session"),
    ]

    operations = [
        migrations.RunPython(add_new_starters, migrations.RunPython.noop),
    ]
