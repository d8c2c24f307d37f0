"""Ledger stamps: a token per student that every write to their ledger's inputs replaces.

The minutes ledger (`ledger.py`) is computed, never stored, from a student's session
records, sessions, IEPs, services and mandate versions, and from district-wide rows
(the calendar, the makeup policy, records starts) that `load_ledgers` reads every time.
`ledger_cache.py` keeps computed ledgers keyed by the student's stamp, so a write must
change the stamp, in the same transaction, after the rows it wrote:

- `save` and `delete` of those models: the signal receivers below;
- `update`, `bulk_create` and `bulk_update`, which send no signal: `LedgerInputQuerySet`,
  the default manager of those models.

The token is random, not a counter: a transaction rolled back restores the old token, and
the next write draws a new one, so a ledger computed inside the rolled-back transaction
is never found again. A student without a stamp row is never cached (always computed).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

if TYPE_CHECKING:
    from django.db.models import Model

_M = TypeVar("_M", bound="Model", covariant=True)

# Model label -> the lookup from that model to the student whose ledger it feeds.
STUDENT_PATHS: dict[str, str] = {
    "therapy_sessions.SessionStudent": "student_id",
    "therapy_sessions.DatedSession": "members__student_id",
    "caseload.IEP": "student_id",
    "caseload.Service": "iep__student_id",
    "caseload.MandateVersion": "service__iep__student_id",
    "lessons.ClassLesson": "session__members__student_id",
    "lessons.LessonCredit": "service__iep__student_id",
}
# Model label -> (its foreign key towards the student, the model that key points to);
# None: the row holds `student_id` itself. A row deleted, or bulk-created without primary
# keys, is traced through them.
PARENTS: dict[str, tuple[str, str] | None] = {
    "therapy_sessions.SessionStudent": None,
    "caseload.IEP": None,
    "therapy_sessions.DatedSession": None,  # its records hold the student (and PROTECT it)
    "caseload.Service": ("iep_id", "caseload.IEP"),
    "caseload.MandateVersion": ("service_id", "caseload.Service"),
    "lessons.ClassLesson": ("session_id", "therapy_sessions.DatedSession"),
    "lessons.LessonCredit": ("service_id", "caseload.Service"),
}


def new_token() -> int:
    return secrets.randbits(62)


def ledger_touch(*, student_ids: Iterable[int | None]) -> None:
    """Give these students' ledgers a new stamp: what was computed before is stale."""
    from pushin.sessions.models import LedgerStamp

    ids = sorted({pk for pk in student_ids if pk is not None})
    if ids:
        LedgerStamp.objects.filter(student_id__in=ids).update(token=new_token())


def ledger_stamps_create(*, student_ids: Iterable[int]) -> None:
    """Stamp rows for new students (a student created by `save` gets one by itself)."""
    from pushin.sessions.models import LedgerStamp

    LedgerStamp.objects.bulk_create(
        [LedgerStamp(student_id=pk, token=new_token()) for pk in set(student_ids)],
        ignore_conflicts=True,
    )


def students_of(model: type[Model], pks: Sequence[Any]) -> set[int]:
    """The students whose ledgers rows `pks` of `model` feed."""
    path = STUDENT_PATHS[model._meta.label]
    if not pks:
        return set()
    rows = model._default_manager.filter(pk__in=pks).values_list(path, flat=True)
    return {pk for pk in rows if pk is not None}


def _students_of_new(model: type[Model], objs: Sequence[Model]) -> set[int]:
    """Students of rows just created, also when the database gave no primary keys back."""
    if all(obj.pk is not None for obj in objs):
        return students_of(model, [obj.pk for obj in objs])
    return _students_through_parents(model, objs)


def _students_through_parents(model: type[Model], objs: Sequence[Model]) -> set[int]:
    """Students of rows that may no longer (or not yet) be in the table."""
    from django.apps import apps

    label = model._meta.label
    parent = PARENTS[label]
    if parent is None:
        if label == "therapy_sessions.DatedSession":
            return set()  # a session without records feeds no ledger
        return {obj.student_id for obj in objs}  # type: ignore[attr-defined]
    key, parent_label = parent
    return students_of(apps.get_model(parent_label), [getattr(obj, key) for obj in objs])


class LedgerInputQuerySet(models.QuerySet[_M, _M]):
    """Bulk writes of a ledger input also replace the students' stamps (see above)."""

    def update(self, **kwargs: Any) -> int:
        pks = list(self.values_list("pk", flat=True))
        before = students_of(self.model, pks)
        count = super().update(**kwargs)
        ledger_touch(student_ids=before | students_of(self.model, pks))
        return count

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        created = super().bulk_create(objs, *args, **kwargs)
        ledger_touch(student_ids=_students_of_new(self.model, created))
        return created

    def bulk_update(
        self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        rows = list(objs)
        pks = [row.pk for row in rows]
        before = students_of(self.model, pks)
        count = super().bulk_update(rows, fields, batch_size=batch_size)
        ledger_touch(student_ids=before | students_of(self.model, pks))
        return count


def _saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if created:  # what it points to is all there is (a record: its student, no query)
        ledger_touch(student_ids=_students_through_parents(sender, [instance]))
    else:
        ledger_touch(student_ids=students_of(sender, [instance.pk]))


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    # The row is gone: its student through the foreign keys it still holds in memory.
    ledger_touch(student_ids=_students_through_parents(sender, [instance]))


def _student_created(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        ledger_stamps_create(student_ids=[instance.pk])


def connect() -> None:
    from django.apps import apps

    for label in STUDENT_PATHS:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"ledger-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"ledger-delete-{label}")
    post_save.connect(
        _student_created, sender=apps.get_model("caseload.Student"), dispatch_uid="ledger-new"
    )
