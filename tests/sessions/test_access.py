"""dated_session_for_user: the session's provider, and nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from pushin.accounts.models import Role
from pushin.sessions.access import dated_session_for_user, own_provider
from tests.factories import make_user
from tests.sessions.factories import dated_session


def test_provider_gets_their_session(world):
    session = dated_session(world)
    assert dated_session_for_user(world.provider.user, session.pk) == session


@pytest.mark.parametrize("name", ["other_provider", "teacher", "other_teacher", "para", "admin"])
def test_everyone_else_gets_404(world, name):
    session = dated_session(world)
    person = getattr(world, name)
    user = getattr(person, "user", person)
    with pytest.raises(Http404):
        dated_session_for_user(user, session.pk)


def test_superuser_and_anonymous_get_404(world):
    session = dated_session(world)
    root = make_user("root", Role.ADMIN, is_superuser=True, is_staff=True)
    for user in (root, AnonymousUser()):
        with pytest.raises(Http404):
            dated_session_for_user(user, session.pk)  # type: ignore[arg-type]


def test_provider_role_without_a_provider_row(world):
    lone = make_user("lone", Role.PROVIDER, world.district)
    with pytest.raises(Http404):
        own_provider(lone)


def test_inactive_provider(world):
    session = dated_session(world)
    world.provider.user.is_active = False
    world.provider.user.save()
    with pytest.raises(Http404):
        dated_session_for_user(world.provider.user, session.pk)
