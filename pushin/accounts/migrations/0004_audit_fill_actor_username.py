"""Existing audit entries get their actor's username and their district (the actor's, else
the student's), as new ones do when written, so that deleting the account later still
leaves the trail saying who, and the district's audit viewer lists them."""

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_actor_username(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    User = apps.get_model("accounts", "User")
    actor = User.objects.filter(pk=OuterRef("actor_id"))
    AuditEntry.objects.filter(actor__isnull=False, actor_username="").update(
        actor_username=Subquery(actor.values("username")[:1])
    )
    AuditEntry.objects.filter(actor__isnull=False, district_id__isnull=True).update(
        district_id=Subquery(actor.values("district_id")[:1])
    )
    Student = apps.get_model("caseload", "Student")
    student = Student.objects.filter(pk=OuterRef("student_id"))
    AuditEntry.objects.filter(district_id__isnull=True, student_id__isnull=False).update(
        district_id=Subquery(student.values("district_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_actor_username_retention"),
        ("caseload", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_actor_username, migrations.RunPython.noop)]
