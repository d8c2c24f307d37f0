from __future__ import annotations

from django.contrib.auth.models import AbstractUser
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


class AuditEntry(models.Model):
    """Who read or changed which record, and when. Ids only: never names or notes."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    student_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {target}"
