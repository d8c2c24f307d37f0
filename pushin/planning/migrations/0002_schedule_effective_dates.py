"""Standing schedules get the dates they are in force: from the day they were accepted
until the day before the next one was accepted (the newest stays open-ended)."""

import datetime

from django.db import migrations, models
from django.utils import timezone


def date_existing_schedules(apps, schema_editor):
    StandingSchedule = apps.get_model("planning", "StandingSchedule")
    by_provider = {}
    for schedule in StandingSchedule.objects.order_by("accepted_at", "pk"):
        by_provider.setdefault(schedule.provider_id, []).append(schedule)
    for schedules in by_provider.values():
        for index, schedule in enumerate(schedules):
            schedule.effective_from = timezone.localdate(schedule.accepted_at)
            following = schedules[index + 1] if index + 1 < len(schedules) else None
            schedule.effective_to = (
                timezone.localdate(following.accepted_at) - datetime.timedelta(days=1)
                if following is not None
                else None
            )
            schedule.save(update_fields=["effective_from", "effective_to"])


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [
        migrations.AlterModelOptions(
            name="standingschedule",
            options={"ordering": ["-effective_from", "-accepted_at", "-id"]},
        ),
        migrations.AddField(
            model_name="standingschedule",
            name="effective_from",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="standingschedule",
            name="effective_to",
            field=models.DateField(
                blank=True,
                help_text="The last date in force; empty while no newer schedule replaces it.",
                null=True,
            ),
        ),
        migrations.RunPython(date_existing_schedules, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="standingschedule",
            name="effective_from",
            field=models.DateField(help_text="The first date this schedule is in force."),
        ),
    ]
