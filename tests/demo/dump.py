"""A canonical dump of the demo's rows: every column but keys and timestamps.

Foreign keys become the referenced row's position (rows ordered by pk), so two loads
into fresh databases compare equal exactly when they wrote the same content in the same
order, whatever primary keys the database handed out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db import models

APPS = ("accounts", "district", "caseload", "sessions")  # sessions: the imported minutes
SKIP_MODELS = {"accounts.auditentry"}  # one entry per load, with the load's time
SKIP_FIELDS = {"password", "date_joined", "last_login", "created_at", "at"}  # salted / clock


def _models() -> list[type[models.Model]]:
    result = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label_lower not in SKIP_MODELS:
                result.append(model)
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def canonical_dump() -> dict[str, list[list[Any]]]:
    """model label -> rows, each a list of [column, value] pairs in column order."""
    every = _models()
    position: dict[str, dict[Any, int]] = {}
    for model in every:
        pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
        position[model._meta.label_lower] = {pk: index for index, pk in enumerate(pks)}
    dump: dict[str, list[list[Any]]] = {}
    for model in every:
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in SKIP_FIELDS
        ]
        rows = []
        for row in model._default_manager.order_by("pk").values(*[f.attname for f in fields]):
            out = []
            for field in fields:
                value = row[field.attname]
                if field.is_relation and value is not None:
                    related = field.related_model._meta.label_lower  # type: ignore[union-attr]
                    value = ["->", related, position[related][value]]
                out.append([field.name, _plain(value)])
            rows.append(out)
        dump[model._meta.label_lower] = rows
    return dump


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in _models()}
