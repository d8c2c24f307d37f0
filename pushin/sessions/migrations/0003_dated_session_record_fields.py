"""Dated sessions remember which weekly occurrence they stand for (`original_date`), and
whether they are a one-day override, imported minutes, or called off in advance."""

from django.db import migrations, models
from django.db.models import F, Q


def fill_original_dates(apps, schema_editor):
    DatedSession = apps.get_model("therapy_sessions", "DatedSession")
    DatedSession.objects.filter(standing__isnull=False).update(original_date=F("date"))


class Migration(migrations.Migration):
    dependencies = [("therapy_sessions", "0002_makeuprun")]

    operations = [
        migrations.AddField(
            model_name="datedsession",
            name="cancel_reason",
            field=models.CharField(
                blank=True, help_text="Why the session was called off in advance.", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="datedsession",
            name="is_imported",
            field=models.BooleanField(
                default=False, help_text="Minutes delivered before the district adopted Push-In."
            ),
        ),
        migrations.AddField(
            model_name="datedsession",
            name="is_override",
            field=models.BooleanField(
                default=False,
                help_text="Moved or kept by a one-day change: no longer follows its weekly session.",
            ),
        ),
        migrations.AddField(
            model_name="datedsession",
            name="original_date",
            field=models.DateField(
                blank=True,
                help_text="The date of the weekly occurrence this session stands for (a one-day "
                "override may move it to another day of that week); empty for makeups.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_original_dates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="datedsession", name="one_occurrence_per_day"),
        migrations.AddConstraint(
            model_name="datedsession",
            constraint=models.UniqueConstraint(
                condition=Q(standing__isnull=False),
                fields=("standing", "original_date"),
                name="one_occurrence_per_week_day",
            ),
        ),
    ]
