from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Role(models.TextChoices):
    PROVIDER = "provider", "Provider (OT, COTA, PT, SLP)"
    TEACHER = "teacher", "Teacher"
    PARA = "para", "Paraprofessional"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A person who signs in. What they may see follows from `role` and their links."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.TEACHER)
    district = models.ForeignKey(
        "district.District", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.username

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_para(self) -> bool:
        return self.role == Role.PARA

    @property
    def is_district_admin(self) -> bool:
        return self.role == Role.ADMIN


class AuditAction(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    IMPORT = "import", "Import"
    EXPORT = "export", "Export"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def bulk_create(
        self,
        objs: Iterable[AuditEntry],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[AuditEntry]:
        """Every insert of entries, one by one or in bulk, keeps who wrote them as text."""
        entries = list(objs)
        for entry in entries:
            entry.fill_from_actor()
        _fill_districts_from_students(entries)
        return super().bulk_create(
            entries,
            batch_size=batch_size,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )


def _fill_districts_from_students(entries: list[AuditEntry]) -> None:
    """The district of entries written without a district-bound actor (a management
    command, the worker, a superuser): their student's (one query, only for those)."""
    pending = [e for e in entries if e.district_id is None and e.student_id is not None]
    if not pending:
        return
    student_model = apps.get_model("caseload", "Student")
    districts = dict(
        student_model.objects.filter(pk__in={e.student_id for e in pending}).values_list(
            "pk", "district_id"
        )
    )
    for entry in pending:
        entry.district_id = districts.get(entry.student_id)


class AuditEntry(models.Model):
    """Who read or changed which record, and when. Ids only: never names or notes.

    `actor_username` and `district_id` are filled when the entry is written (from the actor,
    else from the student), so the trail still says who, and whose district it belongs to,
    after the account is deleted and `actor` becomes NULL.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True, default="")
    district_id = models.BigIntegerField(null=True, blank=True)  # not a key: history stays
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    student_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["district_id", "at"], name="audit_district_at")]

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        who = self.actor_username or self.actor_id
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_from_actor()
        _fill_districts_from_students([self])
        super().save(*args, **kwargs)

    def fill_from_actor(self) -> None:
        """Copy the actor's username and district onto the entry (no query when the actor
        was given as an object, as every writer does)."""
        if self.actor_id is None or self.actor is None:
            return
        if not self.actor_username:
            self.actor_username = self.actor.username
        if self.district_id is None:
            self.district_id = self.actor.district_id


class AuditRetention(models.Model):
    """How long a district keeps its audit trail. Without a row: `DEFAULT_YEARS`.

    Entries older than this are deleted by the `audit_prune` management command, and by
    nothing else.
    """

    DEFAULT_YEARS = 7
    MAX_YEARS = 50

    district = models.OneToOneField(
        "district.District", on_delete=models.CASCADE, related_name="audit_retention"
    )
    years = models.PositiveSmallIntegerField(
        default=DEFAULT_YEARS, validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"district {self.district_id}: {self.years} years"


class TwoFactorPolicy(models.Model):
    """Which roles of a district must use two-factor sign-in (accounts/two_factor.py).
    Without a row: `DEFAULT_ROLES`, the administrators (a row with no roles is a district
    that chose to require it of nobody). A person of such a role without an authenticator
    is sent to set one up at sign-in, before any other page."""

    DEFAULT_ROLES: tuple[str, ...] = (Role.ADMIN.value,)

    district = models.OneToOneField(
        "district.District", on_delete=models.CASCADE, related_name="two_factor_policy"
    )
    roles = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"district {self.district_id}: {', '.join(self.roles) or 'none'}"
