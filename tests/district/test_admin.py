"""The Django admin lists every district model."""

from __future__ import annotations

import pytest
from django.contrib import admin

from pushin.accounts.models import Role
from pushin.district import models
from tests.factories import make_user

REGISTERED = [
    models.District,
    models.School,
    models.TravelTime,
    models.Classroom,
    models.TimetableException,
    models.Provider,
]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_and_change_page_load(world, login, model):
    assert admin.site.is_registered(model)
    root = make_user("root", Role.ADMIN, world.district, is_staff=True, is_superuser=True)
    client = login(root)
    meta = model._meta
    response = client.get(f"/django-admin/{meta.app_label}/{meta.model_name}/")
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = client.get(f"/django-admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/")
        assert change.status_code == 200
